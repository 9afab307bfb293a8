package cmd

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/internal/atomicfile"
	"github.com/azrepl/azrepl/internal/safefile"
)

// az reports the default subscription of the login in `az account show` and
// `az account get-access-token` ("subscription"); `az login` lists the
// subscriptions once (ARM's GET /subscriptions) and keeps them in
// azureProfile.json. azrepl lists them the first time it needs one and keeps
// the answer in AZREPL_HOME/subscriptions.json for an hour, so a shim's token
// call stays one file read.

const (
	subscriptionsFile = "subscriptions.json"
	subscriptionsTTL  = time.Hour
	subscriptionsURL  = "https://management.azure.com/subscriptions?api-version=2022-12-01"
)

// subscription is the default subscription of an account in a tenant; an
// empty ID is a tenant-level account (az: "N/A(tenant level account)").
type subscription struct {
	ID    string    `json:"id,omitempty"`
	Name  string    `json:"name,omitempty"`
	State string    `json:"state,omitempty"`
	Until time.Time `json:"until"`
}

// defaultSubscription is the subscription az would show for acct in tenant:
// the first enabled one of that tenant that ARM lists for the account. Any
// failure (no ARM token, no answer) gives the zero subscription: the output
// then reports a tenant-level account, as az does without subscriptions.
func (ts *tokenSession) defaultSubscription(ctx context.Context, acct auth.Account, tenant string) subscription {
	home, err := Home()
	if err != nil || tenant == "" {
		return subscription{}
	}
	file := filepath.Join(home, subscriptionsFile)
	key := strings.ToLower(tenant + " " + acct.HomeAccountID + " " + acct.ClientID)
	known := map[string]subscription{}
	if b, err := safefile.Read(ctx, file, 1<<20); err == nil {
		_ = json.Unmarshal(b, &known)
	}
	if s, ok := known[key]; ok && time.Now().Before(s.Until) {
		return s
	}
	s, ok := ts.listSubscription(ctx, tenant)
	if !ok {
		return subscription{}
	}
	s.Until = time.Now().Add(subscriptionsTTL)
	for k, v := range known {
		if time.Now().After(v.Until) {
			delete(known, k)
		}
	}
	known[key] = s
	if b, err := json.MarshalIndent(known, "", "  "); err == nil {
		_ = atomicfile.Replace(file, b, 0o600)
	}
	return s
}

// listSubscription asks ARM for the subscriptions the login sees and picks
// the first enabled one of tenant; ok is false when ARM gave no list.
func (ts *tokenSession) listSubscription(ctx context.Context, tenant string) (subscription, bool) {
	t, err := ts.session.Token(ctx, auth.DefaultScope, auth.TokenOptions{Tenant: tenant})
	if err != nil {
		return subscription{}, false
	}
	resp, err := ts.http.Do(ctx, &httpx.Request{URL: subscriptionsURL,
		Header: map[string][]string{"Authorization": {"Bearer " + t.AccessToken}}})
	if err != nil || !resp.OK() {
		return subscription{}, false
	}
	var list struct {
		Value []struct {
			SubscriptionID string `json:"subscriptionId"`
			DisplayName    string `json:"displayName"`
			State          string `json:"state"`
			TenantID       string `json:"tenantId"`
		} `json:"value"`
	}
	if json.Unmarshal(resp.Body, &list) != nil {
		return subscription{}, false
	}
	for _, v := range list.Value {
		if v.State == "Enabled" && (v.TenantID == "" || strings.EqualFold(v.TenantID, tenant)) {
			return subscription{ID: v.SubscriptionID, Name: v.DisplayName, State: v.State}, true
		}
	}
	return subscription{}, true
}
