package cmd

// The shapes login, logout and status print with -o json: accounts and
// cached tokens, never a secret.

import "github.com/azrepl/azrepl/auth"

func newAccountJSON(a auth.Account, isDefault bool) accountJSON {
	return accountJSON{Username: a.Username, TenantID: a.TenantID, GuestTenantID: a.GuestTenantID, ObjectID: a.ObjectID,
		ClientID: a.ClientID, Flow: a.Flow, Authority: a.Authority, Source: a.Source, Skipped: a.Skipped, Default: isDefault}
}

// accountName is how a person recognises an account: the username, else
// "app <client id>".
func accountName(a auth.Account) string {
	if a.Username != "" {
		return a.Username
	}
	return "app " + a.ClientID
}

type accountJSON struct {
	Username      string          `json:"username,omitempty"`
	TenantID      string          `json:"tenantId"`
	GuestTenantID string          `json:"guestTenantId,omitempty"`
	ObjectID      string          `json:"objectId,omitempty"`
	ClientID      string          `json:"clientId"`
	Flow          string          `json:"flow"`
	Authority     string          `json:"authority"`
	Source        string          `json:"source,omitempty"`
	Skipped       []string        `json:"skipped,omitempty"`
	Default       bool            `json:"default"`
	Tokens        []tokenInfoJSON `json:"tokens,omitempty"`
}

type tokenInfoJSON struct {
	Kind      string `json:"kind"` // access or refresh
	Account   string `json:"account,omitempty"`
	Audience  string `json:"audience,omitempty"`
	Scope     string `json:"scope,omitempty"`
	Tenant    string `json:"tenant,omitempty"`
	ClientID  string `json:"clientId"`
	Authority string `json:"authority"`
	ExpiresOn string `json:"expiresOn,omitempty"` // RFC 3339, UTC
	Expired   bool   `json:"expired,omitempty"`
	FamilyID  string `json:"familyId,omitempty"`
}
