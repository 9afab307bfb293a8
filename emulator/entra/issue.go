package entra

import (
	"crypto/sha256"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/golang-jwt/jwt/v5"
)

// expiresIn is an app token's expires_in (client credentials, managed
// identity): 3599 s as Entra answers, or the configured lifetime.
func (e *Server) expiresIn() int {
	if e.lifetime <= 0 {
		return 3599
	}
	s := int(e.lifetime / time.Second)
	if s > 1 {
		s--
	}
	return s
}

// userExpiresIn is a user token's expires_in: Entra picks 60–90 minutes at
// random (recordings: 3599, 4145, 4697, 4749, 4771), unless a lifetime is
// configured.
func (e *Server) userExpiresIn() int {
	if e.lifetime > 0 {
		return e.expiresIn()
	}
	return 3599 + rand.IntN(1801)
}

// pairwiseSub is the per-app subject identifier of the user.
func pairwiseSub(oid, clientID string) string {
	sum := sha256.Sum256([]byte(oid + "|" + clientID))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:43]
}

// clockSkew is how far Entra backdates iat and nbf; idTokenLifetime is the
// id_token's own lifetime, whatever the access token's.
const (
	clockSkew       = 5 * time.Minute
	idTokenLifetime = time.Hour
)

func (e *Server) baseClaims(g grant, now time.Time, exp int64) jwt.MapClaims {
	tid := e.world.TenantID
	if g.tenant.guest != nil {
		tid = g.tenant.guest.TenantID
	}
	return jwt.MapClaims{
		"iss": "https://sts.windows.net/" + e.tenantID(g.tenant) + "/",
		"iat": now.Add(-clockSkew).Unix(), // Entra backdates iat/nbf by five minutes
		"nbf": now.Add(-clockSkew).Unix(),
		"exp": exp,
		"tid": tid,
		"aio": wire.RandomToken(24),
		"rh":  "0." + wire.RandomToken(20) + ".",
		"uti": wire.RandomToken(16),
		"ver": "1.0",
		"idp": "https://sts.windows.net/" + e.world.TenantID + "/",
	}
}

// userTokenResponse mints the access token (v1 shape), id_token (v2), refresh
// token and client_info for a delegated grant.
func (e *Server) userTokenResponse(g grant, issueRefresh bool) (map[string]any, *entraError) {
	now := e.now()
	expiresIn := e.userExpiresIn()
	exp := now.Add(time.Duration(expiresIn) * time.Second).Unix()
	u := g.user
	if e.loops.tooMany(loopKey(g), now) {
		return nil, errLoop()
	}
	allowed, aerr := e.allowedScopes(g.client, u, g.scopes)
	if aerr != nil {
		return nil, aerr
	}
	g.scopes.allowed = allowed
	guest := g.tenant.guest
	if guest != nil && !guest.HasGuest(u) {
		return nil, e.errNotGuest(u, guest, g.client.id)
	}
	if needsMFA(u, g.scopes.info) && !g.mfa {
		return nil, errMFA(u, g.scopes.info)
	}
	amr := []string{"pwd"}
	if g.mfa {
		amr = append(amr, "mfa")
	}
	given, family, _ := strings.Cut(u.DisplayName, " ")
	at := e.baseClaims(g, now, exp)
	delete(at, "idp") // members' user tokens carry no idp (guests' and app tokens do)
	for k, v := range map[string]any{
		"aud": g.scopes.audience(), "acr": "1", "amr": amr,
		"appid": g.client.id, "appidacr": g.appidacr,
		"given_name": given, "family_name": family, "name": u.DisplayName,
		"idtyp": "user", "ipaddr": "127.0.0.1", "oid": u.ObjectID,
		"scp": strings.Join(g.scopes.granted(), " "), "sub": pairwiseSub(u.ObjectID, g.client.id),
		"unique_name": u.Username, "upn": u.Username,
	} {
		at[k] = v
	}
	if guest != nil {
		// A guest's token: its object in the inviting tenant, the home
		// tenant as idp, acct=1, and no upn there.
		at["oid"] = guest.GuestObjectID(u)
		at["sub"] = pairwiseSub(guest.GuestObjectID(u), g.client.id)
		at["idp"] = "https://sts.windows.net/" + e.world.TenantID + "/"
		at["acct"] = 1
		at["email"] = u.Username
		delete(at, "upn")
	}
	if cc := clientCapabilities(g.r.PostForm.Get("claims")); len(cc) > 0 {
		at["xms_cc"] = cc
		e.mu.Lock()
		e.caeIssued[at["uti"].(string)] = now
		e.mu.Unlock()
	}
	access, err := e.signer.sign(at, true)
	if err != nil {
		return nil, newEntraError(500, "server_error", 90000, "Could not sign the token.")
	}
	resp := map[string]any{
		"token_type":     "Bearer",
		"scope":          g.scopes.echo(),
		"expires_in":     expiresIn,
		"ext_expires_in": expiresIn,
		"access_token":   access,
	}
	if g.scopes.reserved["openid"] {
		id := jwt.MapClaims{
			"aud": g.client.id, "iss": issuerBase(g.r) + "/" + e.world.TenantID + "/v2.0",
			"iat": now.Add(-clockSkew).Unix(), "nbf": now.Add(-clockSkew).Unix(), "exp": now.Add(idTokenLifetime).Unix(),
			"aio": wire.RandomToken(24), "name": u.DisplayName, "oid": u.ObjectID,
			"preferred_username": u.Username, "rh": "0." + wire.RandomToken(20) + ".",
			"sub": pairwiseSub(u.ObjectID, g.client.id), "tid": e.world.TenantID,
			"uti": wire.RandomToken(16), "ver": "2.0",
		}
		if guest != nil {
			// Guest sign-ins answer an id_token without oid (client_info
			// still names the home account).
			delete(id, "oid")
			id["iss"] = issuerBase(g.r) + "/" + guest.TenantID + "/v2.0"
			id["tid"] = guest.TenantID
			id["sub"] = pairwiseSub(guest.GuestObjectID(u), g.client.id)
			id["idp"] = "https://sts.windows.net/" + e.world.TenantID + "/"
		}
		if g.nonce != "" {
			id["nonce"] = g.nonce
		}
		if g.scopes.reserved["email"] {
			id["email"] = u.Username
		}
		idToken, err := e.signer.sign(id, false)
		if err != nil {
			return nil, newEntraError(500, "server_error", 90000, "Could not sign the token.")
		}
		resp["id_token"] = idToken
	}
	if issueRefresh {
		rt := "1.A" + wire.RandomToken(96)
		e.mu.Lock()
		e.refresh[rt] = &refreshGrant{userOID: u.ObjectID, clientID: g.client.id, family: g.client.family, issued: now, mfa: g.mfa}
		e.mu.Unlock()
		resp["refresh_token"] = rt // no refresh_token_expires_in: Entra sends it to SPAs only
	}
	if g.clientInfo {
		resp["client_info"] = clientInfoValue(u, e.world.TenantID)
	}
	if g.client.family {
		resp["foci"] = "1"
	}
	return resp, nil
}

// appTokenResponse mints an app-only token (client credentials): roles
// instead of scp, the service principal as oid/sub, no user claims.
func (e *Server) appTokenResponse(g grant) (map[string]any, *entraError) {
	now := e.now()
	expiresIn := e.expiresIn()
	exp := now.Add(time.Duration(expiresIn) * time.Second).Unix()
	at := e.baseClaims(g, now, exp)
	at["aud"] = g.scopes.audience()
	at["appid"] = g.client.id
	at["appidacr"] = g.appidacr
	at["idtyp"] = "app"
	at["oid"] = g.client.app.ObjectID
	at["sub"] = g.client.app.ObjectID
	if g.scopes.info.name == "graph" && len(g.client.app.GraphAppRoles) > 0 {
		at["roles"] = g.client.app.GraphAppRoles
	}
	access, err := e.signer.sign(at, true)
	if err != nil {
		return nil, newEntraError(500, "server_error", 90000, "Could not sign the token.")
	}
	return map[string]any{
		"token_type":     "Bearer",
		"expires_in":     expiresIn,
		"ext_expires_in": expiresIn,
		"access_token":   access,
	}, nil
}
