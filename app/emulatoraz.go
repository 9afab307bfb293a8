package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator"
)

// With --emulator, login({flow: "azcli"}) finds an Azure CLI sign-in: the
// emulator's folder holds an Azure CLI config folder (AZURE_CONFIG_DIR by
// default) with what `az login` would have left there for the approving
// user — msal_token_cache.json with the refresh token of the Azure CLI's
// client, and azureProfile.json naming the default subscription — in the
// format az writes (MSAL Python's token cache,
// https://github.com/AzureAD/microsoft-authentication-library-for-python/blob/dev/msal/token_cache.py).
// The refresh token is a real one of the emulator, got with one password
// grant (ROPC) for the Azure CLI's client, as the user.

const (
	azureCLIClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	azLoginScope     = "https://management.core.windows.net//.default offline_access openid profile"
	azAuthorityHost  = "login.microsoftonline.com"
)

// writeAzureCLILogin writes dir/msal_token_cache.json and
// dir/azureProfile.json for user, as `az login` would.
func writeAzureCLILogin(ctx context.Context, em *emulator.Emulator, user emulator.User, dir string) error {
	w := em.World()
	form := url.Values{"grant_type": {"password"}, "client_id": {azureCLIClientID}, "scope": {azLoginScope},
		"username": {user.Username}, "password": {user.Password}, "client_info": {"1"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+azAuthorityHost+"/"+w.TenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := em.HTTPClient().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var tr struct {
		RefreshToken string `json:"refresh_token"`
		Scope        string `json:"scope"`
		ClientInfo   string `json:"client_info"`
		Error        string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || tr.RefreshToken == "" {
		return fmt.Errorf("the emulator gave no refresh token (HTTP %d): %s", resp.StatusCode, tr.Error)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(tr.ClientInfo, "="))
	if err != nil {
		return fmt.Errorf("client_info: %w", err)
	}
	var ci struct{ UID, UTID string }
	if err := json.Unmarshal(raw, &ci); err != nil || ci.UID == "" || ci.UTID == "" {
		return errors.New("client_info without uid and utid")
	}
	home := ci.UID + "." + ci.UTID
	now := strconv.FormatInt(time.Now().Unix(), 10)
	cache := map[string]any{
		"Account": map[string]any{
			home + "-" + azAuthorityHost + "-" + ci.UTID: map[string]string{
				"home_account_id": home, "environment": azAuthorityHost, "realm": ci.UTID,
				"local_account_id": ci.UID, "username": user.Username, "authority_type": "MSSTS",
			},
		},
		"RefreshToken": map[string]any{
			home + "-" + azAuthorityHost + "-refreshtoken-" + azureCLIClientID + "--" + strings.ToLower(tr.Scope): map[string]string{
				"credential_type": "RefreshToken", "secret": tr.RefreshToken, "home_account_id": home,
				"environment": azAuthorityHost, "client_id": azureCLIClientID, "target": tr.Scope,
				"last_modification_time": now, "family_id": "1",
			},
		},
		"AppMetadata": map[string]any{
			"appmetadata-" + azAuthorityHost + "-" + azureCLIClientID: map[string]string{
				"client_id": azureCLIClientID, "environment": azAuthorityHost, "family_id": "1",
			},
		},
	}
	var subs []map[string]any
	for i, s := range w.Subscriptions {
		if s.TenantID != "" && s.TenantID != w.TenantID {
			continue
		}
		subs = append(subs, map[string]any{
			"id": s.ID, "name": s.DisplayName, "state": s.State, "isDefault": i == 0, "tenantId": w.TenantID,
			"homeTenantId": w.TenantID, "environmentName": "AzureCloud", "managedByTenants": []any{},
			"user": map[string]string{"name": user.Username, "type": "user"},
		})
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for name, v := range map[string]any{"msal_token_cache.json": cache, "azureProfile.json": map[string]any{"subscriptions": subs}} {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}
