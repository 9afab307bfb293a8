package auth

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// Account is who a login signed in as.
type Account struct {
	Username      string `json:"username"`
	TenantID      string `json:"tenantId"`      // the home tenant GUID (tid / utid)
	ObjectID      string `json:"objectId"`      // oid of the user or service principal
	ClientID      string `json:"clientId"`      // the app that signed in
	HomeAccountID string `json:"homeAccountId"` // "<uid>.<utid>", MSAL's account key
	Flow          string `json:"flow"`          // a flow name: device, browser, secret, managed-identity…
	Authority     string `json:"authority"`     // authority URL of the login (host + tenant segment)
	Tenant        string `json:"tenant"`        // tenant segment the login used (organizations, a GUID...)
	Environment   string `json:"environment"`   // authority host, part of the cache key
	// GuestTenantID is the tenant a guest login signed in to (the id_token's
	// tid when it is not the home tenant utid). A guest login is an account
	// of its own in the cache, as in MSAL (one account per realm), so it
	// never replaces the home one; both share the refresh token.
	GuestTenantID string `json:"guestTenantId,omitempty"`
	// Source says where the login's credential came from: "env
	// AZURE_CLIENT_SECRET", "file /path", "endpoint http://…" (whoami).
	Source string `json:"source,omitempty"`
	// Skipped: what an automatic login tried before this one, and why it
	// did not use it (not stored).
	Skipped []string `json:"-"`
}

// clientInfo is Entra's client_info: base64url JSON {"uid","utid"}.
type clientInfo struct {
	UID  string `json:"uid"`
	UTID string `json:"utid"`
}

func decodeClientInfo(s string) (clientInfo, bool) {
	var ci clientInfo
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil || json.Unmarshal(raw, &ci) != nil || ci.UID == "" {
		return clientInfo{}, false
	}
	return ci, true
}

// accountFromResponse reads the user from the id_token and client_info of
// a user token response (MSAL's rule: home_account_id = uid.utid, falling
// back to the id_token's oid/sub and tid).
func accountFromResponse(tr *TokenResponse) Account {
	var a Account
	if j, err := DecodeJWT(tr.IDToken); err == nil {
		a.Username = cmp.Or(j.StringClaim("preferred_username"), j.StringClaim("upn"), j.StringClaim("email"))
		a.TenantID = j.StringClaim("tid")
		a.ObjectID = j.StringClaim("oid")
		if a.ObjectID == "" {
			a.ObjectID = j.StringClaim("sub")
		}
	}
	if a.Username == "" || a.TenantID == "" {
		// Some answers have no id_token (openid not asked): read the AT.
		if j, err := DecodeJWT(tr.AccessToken); err == nil {
			if a.Username == "" {
				a.Username = cmp.Or(j.StringClaim("upn"), j.StringClaim("unique_name"), j.StringClaim("preferred_username"))
			}
			if a.TenantID == "" {
				a.TenantID = j.StringClaim("tid")
			}
			if a.ObjectID == "" {
				a.ObjectID = j.StringClaim("oid")
			}
		}
	}
	if ci, ok := decodeClientInfo(tr.ClientInfo); ok {
		// client_info names the home account; a guest's id_token has the
		// inviting tenant's tid and no oid (its sub is pairwise).
		a.HomeAccountID = ci.UID + "." + ci.UTID
		if ci.UTID != "" && a.TenantID != "" && !strings.EqualFold(a.TenantID, ci.UTID) {
			a.GuestTenantID = a.TenantID
		}
		a.ObjectID = ci.UID
		a.TenantID = cmp.Or(ci.UTID, a.TenantID)
	} else if a.ObjectID != "" {
		a.HomeAccountID = a.ObjectID + "." + a.TenantID
	}
	return a
}
