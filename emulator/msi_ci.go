package emulator

import (
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/azrepl/azrepl/emulator/world"
)

// The OIDC token endpoints of CI systems, served on the managed identity
// listener: a job asks them for an assertion to exchange at Entra.
//
//	GET  /actions/idtoken?audience=…               GitHub Actions (Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN) → {"value"}
//	POST /pipelines/oidctoken?api-version=7.1&serviceConnectionId=…  Azure Pipelines (Bearer $SYSTEM_ACCESSTOKEN) → {"oidcToken"}
//
// The assertions come from the emulator's issuer with the seeded workload
// subject, so the seeded federated credentials accept them.
const (
	ciActionsPath   = "/actions/idtoken"
	ciPipelinesPath = "/pipelines/oidctoken"
)

// CIEnv is the environment a CI job gets: "github" or "pipelines".
func (em *Emulator) CIEnv(system string) []string {
	base := em.MSIURL()
	switch system {
	case "github":
		return []string{"ACTIONS_ID_TOKEN_REQUEST_URL=" + base + ciActionsPath + "?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + em.msi.ciToken}
	case "pipelines":
		return []string{"SYSTEM_OIDCREQUESTURI=" + base + ciPipelinesPath, "SYSTEM_ACCESSTOKEN=" + em.msi.ciToken,
			"AZURESUBSCRIPTION_SERVICE_CONNECTION_ID=" + world.SeedGUID("pipelines/service-connection")}
	}
	return nil
}

func (m *msiServer) ci(w http.ResponseWriter, r *http.Request) {
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || bearer != m.ciToken {
		wire.JSON(w, http.StatusUnauthorized, map[string]any{"message": "Bad credentials: the request token is missing or wrong"})
		return
	}
	q := r.URL.Query()
	audience := world.WorkloadAudience
	if r.URL.Path == ciActionsPath {
		if r.Method != http.MethodGet {
			wire.JSON(w, http.StatusMethodNotAllowed, map[string]any{"message": "use GET"})
			return
		}
		if a := q.Get("audience"); a != "" {
			audience = a
		}
	} else {
		if r.Method != http.MethodPost || q.Get("api-version") == "" || q.Get("serviceConnectionId") == "" {
			wire.JSON(w, http.StatusBadRequest, map[string]any{"message": "POST with api-version and serviceConnectionId"})
			return
		}
	}
	tok, err := m.entra.FederatedToken(world.WorkloadSubject, audience, m.assertionLifetime)
	if err != nil || m.assertionLifetime <= 0 {
		tok, err = m.entra.FederatedToken(world.WorkloadSubject, audience, time.Hour)
	}
	if err != nil {
		wire.JSON(w, http.StatusInternalServerError, map[string]any{"message": "could not sign"})
		return
	}
	if r.URL.Path == ciActionsPath {
		wire.JSON(w, http.StatusOK, map[string]any{"count": 1, "value": tok})
		return
	}
	wire.JSON(w, http.StatusOK, map[string]any{"oidcToken": tok})
}
