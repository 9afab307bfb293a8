package databricks

import (
	"errors"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// caller is who a valid bearer token speaks for.
type caller struct {
	user   *User
	sp     *ServicePrincipal
	scopes []string // nil: an Entra token, which reaches every API
}

func (c *caller) canUse(area string) bool {
	return c.scopes == nil || hasScope(c.scopes, "all-apis") || hasScope(c.scopes, area)
}

var errNoPrincipal = errors.New("no such principal")

// authenticate answers Databricks' 401/403 itself when the token is not usable.
func (s *server) authenticate(w http.ResponseWriter, r *http.Request) (*caller, bool) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	raw = strings.TrimSpace(raw)
	if !ok || raw == "" {
		writeAPIError(w, http.StatusUnauthorized, 401,
			"Credential was not sent or was of an unsupported type for this API. [ReqId: "+newGUID()+"]")
		return nil, false
	}
	c, err := s.workspaceToken(raw)
	if err != nil {
		c, err = s.entraToken(raw)
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

// workspaceToken accepts this workspace's own OAuth tokens.
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
	for i := range s.cfg.Users {
		if strings.EqualFold(s.cfg.Users[i].UserName, sub) {
			c.user = &s.cfg.Users[i]
			return c, nil
		}
	}
	if c.sp = s.servicePrincipal(sub); c.sp != nil {
		return c, nil
	}
	return nil, errNoPrincipal
}

// entraToken accepts Entra access tokens for the Azure Databricks resource
// from the workspace's tenant: users by oid, service principals by appid.
func (s *server) entraToken(raw string) (*caller, error) {
	claims, err := s.parse(raw, s.cfg.EntraPublicKey)
	if err != nil {
		return nil, err
	}
	aud, _ := claims.GetAudience()
	okAud := false
	for _, a := range aud {
		okAud = okAud || strings.TrimSuffix(a, "/") == AzureDatabricksResource
	}
	tid, _ := claims["tid"].(string)
	if !okAud || (s.cfg.TenantID != "" && !strings.EqualFold(tid, s.cfg.TenantID)) {
		return nil, errors.New("wrong audience or tenant")
	}
	if _, delegated := claims["scp"]; delegated {
		oid, _ := claims["oid"].(string)
		for i := range s.cfg.Users {
			if u := &s.cfg.Users[i]; oid != "" && strings.EqualFold(u.EntraObjectID, oid) {
				return &caller{user: u}, nil
			}
		}
		return nil, errNoPrincipal
	}
	appID, _ := claims["appid"].(string)
	if appID == "" {
		appID, _ = claims["azp"].(string)
	}
	if sp := s.servicePrincipal(appID); sp != nil {
		return &caller{sp: sp}, nil
	}
	return nil, errNoPrincipal
}
