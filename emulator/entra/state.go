package entra

import (
	"net/http"
	"time"

	"github.com/azrepl/azrepl/emulator/world"
)

// The nouns of Entra's grants: the tenant a request names, the client
// calling, what a grant decided, and what Entra remembers between requests
// (device authorizations, authorization codes, refresh tokens, MFA sign-ins).

// tenantRef is the tenant segment of a request, resolved.
type tenantRef struct {
	segment   string // as in the URL
	multi     bool   // common, organizations, consumers: issuer uses "{tenantid}"
	consumers bool
	guest     *world.GuestTenant // a tenant where some users are guests (nil: the world's tenant)
}

// client is whoever calls the token endpoint: a first-party public client or
// an app of the world (confidential).
type client struct {
	id     string
	name   string
	public bool
	family bool // FOCI family "1"
	app    *world.App
}

// grant is what a successful grant decided: who, for which client and scopes.
type grant struct {
	r          *http.Request
	tenant     tenantRef
	client     *client
	appidacr   string
	user       *world.User // nil for app-only tokens
	scopes     scopeRequest
	nonce      string
	clientInfo bool
	mfa        bool // the sign-in behind this grant did multi-factor authentication
}

// refreshGrant is what a refresh token stands for. Refresh tokens are bound to
// the user and client (or the FOCI family), not to a resource or tenant.
type refreshGrant struct {
	userOID  string
	clientID string
	family   bool
	issued   time.Time
	mfa      bool
}

type deviceState int

const (
	devicePending deviceState = iota
	deviceApproved
	deviceDeclined
	deviceRedeemed
)

// deviceAuth is one device authorization: its scope is remembered because
// the polling request may carry none (MSAL Python sends none).
type deviceAuth struct {
	deviceCode, userCode string
	client               *client
	tenant               tenantRef
	scope                string
	created, expires     time.Time
	state                deviceState
	user                 *world.User
}

// authCode is an issued authorization code; single use.
type authCode struct {
	clientID, redirectURI, challenge, nonce, scope string
	challengeMethod                                string // "S256" or "plain" ("" = plain, RFC 7636 §4.3)
	user                                           *world.User
	expires                                        time.Time
	used                                           bool
	mfa                                            bool
}

// mfaPending is a sign-in that passed the password and waits for the code.
type mfaPending struct {
	user    *world.User
	expires time.Time
}
