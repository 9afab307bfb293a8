package entra

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Continuous access evaluation. A client announces it can handle claims
// challenges by sending claims={"access_token":{"xms_cc":{"values":["CP1"]}}};
// its access tokens then carry xms_cc. When a user's sessions are revoked
// (RevokeSessions, or POST /_emulator/revoke on the direct listener), Graph
// and ARM answer such tokens with a 401 insufficient_claims challenge, and
// the user's refresh tokens stop working (AADSTS50173).

// clientCapabilities reads the xms_cc values of a claims request parameter.
func clientCapabilities(claims string) []string {
	if claims == "" {
		return nil
	}
	var c struct {
		AccessToken struct {
			XmsCC struct {
				Values []string `json:"values"`
			} `json:"xms_cc"`
		} `json:"access_token"`
	}
	if json.Unmarshal([]byte(claims), &c) != nil {
		return nil
	}
	return c.AccessToken.XmsCC.Values
}

// SessionRevoked is the resource servers' CAE hook: a CAE-capable token
// issued before the user's sessions were revoked gets a challenge asking
// for a token issued after.
func (e *Server) SessionRevoked(claims jwt.MapClaims) (string, bool) {
	oid, _ := claims["oid"].(string)
	cc, _ := claims["xms_cc"].([]any)
	capable := false
	for _, v := range cc {
		if s, _ := v.(string); strings.EqualFold(s, "cp1") {
			capable = true
		}
	}
	if oid == "" || !capable {
		return "", false
	}
	uti, _ := claims["uti"].(string)
	e.mu.Lock()
	at, ok := e.sessionsRevoked[oid]
	issued, known := e.caeIssued[uti]
	e.mu.Unlock()
	// iat is second-granular (and backdated); the emulator remembers when
	// each CAE token was really issued.
	if !ok || !known || issued.After(at) {
		return "", false
	}
	return fmt.Sprintf(`{"access_token":{"nbf":{"essential":true,"value":"%d"}}}`, at.Unix()), true
}

// RevokeSessions revokes a user's sessions (as an administrator's "revoke
// sessions" would): refresh tokens stop working, and CAE-capable access
// tokens are refused by Graph and ARM with a claims challenge.
func (e *Server) RevokeSessions(username string) error {
	u := e.world.User(username)
	if u == nil {
		return fmt.Errorf("revoke sessions: no user %q", username)
	}
	e.revokeSessions(u.ObjectID)
	return nil
}

func (e *Server) revokeSessions(oid string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	e.validFrom[oid] = now
	e.sessionsRevoked[oid] = now
}
