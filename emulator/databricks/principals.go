package databricks

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
)

// managementAudiences are the Azure management resource a management token is for.
var managementAudiences = []string{"https://management.core.windows.net/", "https://management.azure.com/"}

func (s *server) user(userName string) *User {
	for i := range s.cfg.Users {
		if u := &s.cfg.Users[i]; userName != "" && strings.EqualFold(u.UserName, userName) {
			return u
		}
	}
	return nil
}

// servicePrincipal finds a member service principal by application id.
func (s *server) servicePrincipal(applicationID string) *ServicePrincipal {
	if applicationID == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sp := range s.sps {
		if strings.EqualFold(sp.ApplicationID, applicationID) {
			return sp
		}
	}
	return nil
}

// provisionFromManagementToken lets in an Entra service principal that is
// not a member yet but manages the workspace resource, when its request
// carries a valid management token for the same application: Azure Databricks
// then adds it to the workspace.
func (s *server) provisionFromManagementToken(r *http.Request, appID string) *ServicePrincipal {
	raw := strings.TrimSpace(r.Header.Get("X-Databricks-Azure-SP-Management-Token"))
	if raw == "" || appID == "" {
		return nil
	}
	mgmt := bearer.Checker{Key: s.cfg.EntraPublicKey, Audiences: managementAudiences, TenantID: s.cfg.TenantID, Now: s.cfg.Now}
	claims, f := mgmt.CheckToken(raw)
	if f != nil || !strings.EqualFold(bearer.String(claims, "appid"), appID) {
		return nil
	}
	for _, m := range s.cfg.ResourceManagers {
		if !strings.EqualFold(m.ApplicationID, appID) {
			continue
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, sp := range s.sps { // another request may have added it meanwhile
			if strings.EqualFold(sp.ApplicationID, appID) {
				return sp
			}
		}
		sp := m
		s.sps = append(s.sps, &sp)
		return &sp
	}
	return nil
}

// serveAADAuth is the Azure Databricks sign-in entry: a redirect to the
// workspace tenant's Entra authorize endpoint (clients read the tenant from it).
func (s *server) serveAADAuth(w http.ResponseWriter, r *http.Request) {
	if s.cfg.TenantID == "" {
		writeAPIError(w, http.StatusNotFound, "ENDPOINT_NOT_FOUND", "No API found for '"+r.Method+" "+r.URL.Path+"'")
		return
	}
	q := url.Values{
		"response_type": {"code"},
		"client_id":     {AzureDatabricksResource},
		"redirect_uri":  {"https://" + s.cfg.Host + "/aad/redirect"},
		"state":         {randomString(16)},
		"resource":      {AzureDatabricksResource},
	}
	w.Header().Set("Location", "https://login.microsoftonline.com/"+s.cfg.TenantID+"/oauth2/authorize?"+q.Encode())
	w.WriteHeader(http.StatusFound)
}
