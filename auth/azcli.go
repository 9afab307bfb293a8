package auth

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The Azure CLI's MSAL cache (MSAL's token cache format,
// https://github.com/AzureAD/microsoft-authentication-library-for-python/blob/dev/msal/token_cache.py):
// sections of entries, epoch
// seconds as strings, refresh tokens with an empty realm. Entries are read
// by their fields, never by recomputing MSAL's keys.
type msalCache struct {
	Account      map[string]msalAccount `json:"Account"`
	RefreshToken map[string]msalRefresh `json:"RefreshToken"`
}

type msalAccount struct {
	HomeAccountID  string `json:"home_account_id"`
	Environment    string `json:"environment"`
	Realm          string `json:"realm"`
	LocalAccountID string `json:"local_account_id"`
	Username       string `json:"username"`
	AuthorityType  string `json:"authority_type"`
}

type msalRefresh struct {
	Secret           string `json:"secret"`
	HomeAccountID    string `json:"home_account_id"`
	Environment      string `json:"environment"`
	ClientID         string `json:"client_id"`
	Target           string `json:"target"`
	FamilyID         string `json:"family_id"`
	LastModification string `json:"last_modification_time"`
}

// azureProfile is the part of azureProfile.json that names the default user.
type azureProfile struct {
	Subscriptions []struct {
		IsDefault bool   `json:"isDefault"`
		TenantID  string `json:"tenantId"`
		User      struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"user"`
	} `json:"subscriptions"`
}

// azureConfigDir is $AZURE_CONFIG_DIR, else ~/.azure.
func (s *Session) azureConfigDir() (string, error) {
	if d := s.env("AZURE_CONFIG_DIR"); d != "" {
		return d, nil
	}
	home := s.env("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", errors.New("cannot find the Azure CLI folder: set AZURE_CONFIG_DIR")
		}
		home = h
	}
	return filepath.Join(home, ".azure"), nil
}

// hostAliases: az may have cached under an alias of the authority host.
var hostAliases = map[string][]string{
	"login.microsoftonline.com":        {"login.windows.net", "login.microsoft.com", "sts.windows.net"},
	"login.microsoftonline.us":         {"login.usgovcloudapi.net"},
	"login.partner.microsoftonline.cn": {"login.chinacloudapi.cn"},
}

func sameHost(cloudHost, env string) bool {
	if strings.EqualFold(cloudHost, env) {
		return true
	}
	for _, a := range hostAliases[strings.ToLower(cloudHost)] {
		if strings.EqualFold(a, env) {
			return true
		}
	}
	return false
}

// FlowAzCLI is reusing an Azure CLI login.
const FlowAzCLI = "azcli"

// azcliFlow imports the refresh token of an Azure CLI account (read-only:
// az's files are never written) so that Token() can redeem it.
type azcliFlow struct{ refreshing }

func init() {
	registerFlow(FlowAzCLI, azcliFlow{}, "reuse az's login: its refresh token from the Azure CLI's cache")
}

func (azcliFlow) login(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
	dir, err := s.azureConfigDir()
	if err != nil {
		return nil, err
	}
	cachePath := filepath.Join(dir, "msal_token_cache.json")
	raw, err := readFile(ctx, cachePath, maxAzCLIFile)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if _, berr := os.Stat(filepath.Join(dir, "msal_token_cache.bin")); berr == nil {
				return nil, fmt.Errorf("%s is encrypted (msal_token_cache.bin): azrepl reads only the plaintext cache", dir)
			}
			return nil, fmt.Errorf("no Azure CLI sign-in found in %s: run az login, or set AZURE_CONFIG_DIR", dir)
		}
		return nil, fmt.Errorf("azcli: %w", err)
	}
	var mc msalCache
	if err := json.Unmarshal(trimBOM(raw), &mc); err != nil {
		return nil, fmt.Errorf("azcli: %s is not readable JSON (%s)", cachePath, jsonErrorWithoutData(err))
	}
	host := s.cfg.Cloud.host()
	want := o.LoginHint
	if want == "" {
		want = defaultAzUser(filepath.Join(dir, "azureProfile.json"))
	}
	acct, err := pickMSALAccount(mc, host, want)
	if err != nil {
		return nil, err
	}
	rt, ok := pickMSALRefresh(mc, acct, host, cmp.Or(o.ClientID, AzureCLIClientID))
	if !ok {
		return nil, fmt.Errorf("the Azure CLI cache has no refresh token for %s: run az login again", acct.Username)
	}
	a := Account{Username: acct.Username, ObjectID: acct.LocalAccountID, HomeAccountID: acct.HomeAccountID,
		ClientID: rt.ClientID, Flow: FlowAzCLI, Tenant: cmp.Or(acct.Realm, DefaultTenant), Environment: host}
	if i := strings.LastIndexByte(acct.HomeAccountID, '.'); i >= 0 {
		a.TenantID = acct.HomeAccountID[i+1:]
	}
	if a.ObjectID == "" {
		a.ObjectID = strings.SplitN(acct.HomeAccountID, ".", 2)[0]
	}
	a.Authority = s.cfg.Cloud.Authority(a.Tenant)
	updated := time.Now().UnixNano()
	if sec, err := strconv.ParseInt(rt.LastModification, 10, 64); err == nil {
		updated = sec * int64(time.Second)
	}
	a.Source = "file " + cachePath
	return &loginResult{account: a, imported: &refreshEntry{Environment: host, HomeAccountID: a.HomeAccountID, ClientID: rt.ClientID,
		FamilyID: rt.FamilyID, Scope: rt.Target, Secret: rt.Secret, UpdatedAt: updated, Source: FlowAzCLI}}, nil
}

func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) }

// defaultAzUser is the user of the default subscription, or "".
func defaultAzUser(path string) string {
	raw, err := readFile(context.Background(), path, maxAzCLIFile)
	if err != nil {
		return ""
	}
	var p azureProfile
	if json.Unmarshal(trimBOM(raw), &p) != nil {
		return ""
	}
	for _, sub := range p.Subscriptions {
		if sub.IsDefault && sub.User.Type != "servicePrincipal" {
			return sub.User.Name
		}
	}
	return ""
}

func pickMSALAccount(mc msalCache, host, want string) (msalAccount, error) {
	var all []msalAccount
	seen := map[string]bool{}
	for _, a := range mc.Account {
		if !sameHost(host, a.Environment) || seen[a.HomeAccountID] {
			continue
		}
		seen[a.HomeAccountID] = true
		all = append(all, a)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Username < all[j].Username })
	if len(all) == 0 {
		return msalAccount{}, fmt.Errorf("the Azure CLI cache has no account for %s: run az login", host)
	}
	if want != "" {
		for _, a := range all {
			if strings.EqualFold(a.Username, want) {
				return a, nil
			}
		}
		return msalAccount{}, fmt.Errorf("the Azure CLI cache has no account %q (it has: %s)", want, usernames(all))
	}
	if len(all) == 1 {
		return all[0], nil
	}
	return msalAccount{}, fmt.Errorf("the Azure CLI cache has several accounts (%s): pass loginHint", usernames(all))
}

func usernames(as []msalAccount) string {
	var n []string
	for _, a := range as {
		n = append(n, a.Username)
	}
	return strings.Join(n, ", ")
}

// pickMSALRefresh: the account's refresh token for clientID if any, else its
// newest family one.
func pickMSALRefresh(mc msalCache, a msalAccount, host, clientID string) (msalRefresh, bool) {
	var best msalRefresh
	var bestScore int64 = -1
	for _, rt := range mc.RefreshToken {
		if rt.Secret == "" || !strings.EqualFold(rt.HomeAccountID, a.HomeAccountID) || !sameHost(host, rt.Environment) {
			continue
		}
		if !strings.EqualFold(rt.ClientID, clientID) && rt.FamilyID == "" {
			continue
		}
		ts, _ := strconv.ParseInt(rt.LastModification, 10, 64)
		score := ts
		if strings.EqualFold(rt.ClientID, clientID) {
			score += 1 << 40 // the client's own token first
		}
		if score > bestScore {
			best, bestScore = rt, score
		}
	}
	return best, bestScore >= 0
}
