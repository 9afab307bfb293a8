package databricks

import (
	"crypto/subtle"
	"errors"
	"html"
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/golang-jwt/jwt/v5"
)

// caller is who a valid bearer token speaks for.
type caller struct {
	user   *User
	sp     *ServicePrincipal
	scopes []string // nil: an Entra token or a PAT, which reach every API
}

func (c *caller) canUse(area string) bool {
	return c.scopes == nil || hasScope(c.scopes, "all-apis") || hasScope(c.scopes, area)
}

// principal is the caller's workspace user name or application id.
func (c *caller) principal() string {
	if c.sp != nil {
		return c.sp.ApplicationID
	}
	return c.user.UserName
}

var errNoPrincipal = errors.New("no such principal")

// bearerToken is the request's bearer token; without one it answers
// Databricks' 401 for a credential missing or of another type.
func bearerToken(w http.ResponseWriter, r *http.Request) (string, bool) {
	raw, f := bearer.Token(r.Header.Get("Authorization"))
	if f != nil {
		writeAPIError(w, http.StatusUnauthorized, 401,
			"Credential was not sent or was of an unsupported type for this API. [ReqId: "+wire.RandomGUID()+"]")
		return "", false
	}
	return raw, true
}

// authenticate answers Databricks' 400/401/403 itself when the token is not usable.
func (s *server) authenticate(w http.ResponseWriter, r *http.Request) (*caller, bool) {
	raw, ok := bearerToken(w, r)
	if !ok {
		return nil, false
	}
	var c *caller
	var err error
	if strings.HasPrefix(raw, patPrefix) {
		c, err = s.patCaller(raw)
	} else if c, err = s.workspaceToken(raw); err != nil {
		var bad *bearer.Failure
		c, bad = s.entraToken(r, raw)
		err = nil
		if bad != nil && (bad.Reason == bearer.WrongAudience || bad.Reason == bearer.WrongTenant) {
			writeClaimPage(w, r, s.incorrectClaim(bad))
			return nil, false
		}
		// Azure Databricks refuses an expired Entra token with 401 "Token is
		// expired" (since December 2025), and one with under 30 seconds
		// left with 403 (databricks/databricks-sdk-py#362,
		// databricks/databricks-sdk-go#1061).
		if bad != nil && bad.Reason == bearer.Expired {
			writeAPIError(w, http.StatusUnauthorized, 401, "Token is expired")
			return nil, false
		}
		if bad == nil && s.expiresWithin(raw, 30*time.Second) {
			w.Header().Set("X-Databricks-Reason-Phrase", "Token is expiring within 30 seconds. (token expired)")
			writeAPIError(w, http.StatusForbidden, 403, "Token is expiring within 30 seconds. (token expired)")
			return nil, false
		}
		if bad != nil {
			err = bad
		} else if c == nil {
			err = errNoPrincipal
		}
	}
	if errors.Is(err, errNoPrincipal) {
		writeAPIError(w, http.StatusForbidden, "PERMISSION_DENIED", "The principal of this token is not a member of this workspace.")
		return nil, false
	}
	if err != nil {
		w.Header().Set("X-Databricks-Reason-Phrase", "Invalid access token.")
		writeAPIError(w, http.StatusForbidden, 403, "Invalid access token.")
		return nil, false
	}
	return c, true
}

// expiresWithin reports whether an already verified token ends within d.
func (s *server) expiresWithin(raw string, d time.Duration) bool {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(raw, claims); err != nil {
		return false
	}
	exp, err := claims.GetExpirationTime()
	return err == nil && exp != nil && exp.Sub(s.cfg.Now()) < d
}

// incorrectClaim is the jjwt message the workspace shows for an Entra token
// for another resource or from another tenant.
func (s *server) incorrectClaim(f *bearer.Failure) string {
	if f.Reason == bearer.WrongAudience {
		return "io.jsonwebtoken.IncorrectClaimException: Expected aud claim to be: " + AzureDatabricksResource +
			", but was: " + strings.Join(f.Audience, ",") + "."
	}
	return "io.jsonwebtoken.IncorrectClaimException: Expected iss claim to be: https://sts.windows.net/" + s.cfg.TenantID +
		"/, but was: " + f.Issuer + "."
}

// writeClaimPage is the workspace's Jetty error page: HTTP 400, text/html.
func writeClaimPage(w http.ResponseWriter, r *http.Request, msg string) {
	m := html.EscapeString(msg)
	w.Header().Set("Content-Type", "text/html;charset=iso-8859-1")
	w.Header().Set("Cache-Control", "must-revalidate,no-cache,no-store")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte("<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n" +
		"<title>Error 400 " + m + "</title>\n</head>\n<body><h2>HTTP ERROR 400</h2>\n<p>Problem accessing " +
		html.EscapeString(r.URL.Path) + ". Reason:\n<pre>    " + m + "</pre></p>\n</body>\n</html>\n"))
}

func (s *server) parse(raw string, key any) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(s.cfg.Now), jwt.WithExpirationRequired()).
		ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) {
			if key == nil {
				return nil, errors.New("no key")
			}
			return key, nil
		})
	return claims, err
}

// workspaceToken accepts this workspace's own OAuth tokens (and the account's).
func (s *server) workspaceToken(raw string) (*caller, error) {
	claims, err := s.parse(raw, &s.key.PublicKey)
	if err != nil {
		return nil, err
	}
	sub, _ := claims["sub"].(string)
	scope, _ := claims["scope"].(string)
	c := &caller{scopes: strings.Fields(scope)}
	if c.scopes == nil {
		c.scopes = []string{}
	}
	if c.user = s.user(sub); c.user != nil {
		return c, nil
	}
	if c.sp = s.servicePrincipal(sub); c.sp != nil {
		return c, nil
	}
	return nil, errNoPrincipal
}

// entraToken accepts Entra access tokens for the Azure Databricks resource
// from the workspace's tenant: users by oid, service principals by appid. A
// service principal that is not a member gets in with a management token
// (X-Databricks-Azure-SP-Management-Token) when it may manage the workspace
// resource, as Azure Databricks adds it on first use. A nil caller with a nil
// failure means the principal is not in the workspace.
func (s *server) entraToken(r *http.Request, raw string) (*caller, *bearer.Failure) {
	claims, f := s.entra.CheckToken(raw)
	if f != nil {
		return nil, f
	}
	if _, delegated := claims["scp"]; delegated {
		oid := bearer.String(claims, "oid")
		for i := range s.cfg.Users {
			if u := &s.cfg.Users[i]; oid != "" && strings.EqualFold(u.EntraObjectID, oid) {
				return &caller{user: u}, nil
			}
		}
		return nil, nil
	}
	appID := bearer.String(claims, "appid")
	if appID == "" {
		appID = bearer.String(claims, "azp")
	}
	if sp := s.servicePrincipal(appID); sp != nil {
		return &caller{sp: sp}, nil
	}
	if sp := s.provisionFromManagementToken(r, appID); sp != nil {
		return &caller{sp: sp}, nil
	}
	return nil, nil
}

// patPrefix starts every personal access token ("dapi" + 32 hex digits).
const patPrefix = "dapi"

// errPATRevoked is a token that was deleted or has expired: Databricks then
// answers as for any invalid token.
var errPATRevoked = errors.New("personal access token deleted or expired")

func (s *server) patCaller(raw string) (*caller, error) {
	s.mu.Lock()
	var owner string
	for _, p := range s.pats {
		if subtle.ConstantTimeCompare([]byte(p.Value), []byte(raw)) == 1 {
			if !p.Expiry.IsZero() && !s.cfg.Now().Before(p.Expiry) {
				break
			}
			owner = p.Owner
		}
	}
	s.mu.Unlock()
	if owner == "" {
		return nil, errPATRevoked
	}
	if u := s.user(owner); u != nil {
		return &caller{user: u}, nil
	}
	if sp := s.servicePrincipal(owner); sp != nil {
		return &caller{sp: sp}, nil
	}
	return nil, errNoPrincipal
}
