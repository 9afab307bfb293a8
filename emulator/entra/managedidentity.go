package entra

import (
	"errors"
	"time"

	"github.com/azrepl/azrepl/emulator/world"
)

// ManagedIdentityToken is an access token Entra issues to a managed
// identity, with the times the managed identity endpoints report.
type ManagedIdentityToken struct {
	AccessToken          string
	ExpiresIn            int   // seconds
	ExpiresOn, NotBefore int64 // Unix seconds
}

// ErrUnknownResource: no resource principal of that name (AADSTS500011).
var ErrUnknownResource = errors.New("unknown resource")

// ManagedIdentityToken mints an app token for the identity and resource
// (an App ID URI, as the managed identity endpoints take it).
func (e *Server) ManagedIdentityToken(mi *world.ManagedIdentity, resource string) (ManagedIdentityToken, error) {
	info := lookupResource(resource)
	if info == nil {
		return ManagedIdentityToken{}, ErrUnknownResource
	}
	now := e.now()
	expiresIn := e.expiresIn()
	exp := now.Add(time.Duration(expiresIn) * time.Second).Unix()
	aud := resource
	if info.name == "graph" {
		aud = graphResource
	}
	claims := e.baseClaims(grant{tenant: tenantRef{segment: e.world.TenantID}}, now, exp)
	for k, v := range map[string]any{
		"aud": aud, "appid": mi.ClientID, "appidacr": "2", "idtyp": "app",
		"oid": mi.ObjectID, "sub": mi.ObjectID, "xms_mirid": mi.ResourceID,
	} {
		claims[k] = v
	}
	if info.name == "graph" && len(mi.GraphAppRoles) > 0 {
		claims["roles"] = mi.GraphAppRoles
	}
	at, err := e.signer.sign(claims, true)
	if err != nil {
		return ManagedIdentityToken{}, err
	}
	return ManagedIdentityToken{AccessToken: at, ExpiresIn: expiresIn, ExpiresOn: exp, NotBefore: now.Unix()}, nil
}
