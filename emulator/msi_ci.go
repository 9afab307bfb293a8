package emulator

import (
	"net/http"
	"strings"
	"time"
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
			"AZURESUBSCRIPTION_SERVICE_CONNECTION_ID=" + seedGUID("pipelines/service-connection")}
	}
	return nil
}

func (m *msiServer) ci(w http.ResponseWriter, r *http.Request) {
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || bearer != m.ciToken {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Bad credentials: the request token is missing or wrong"})
		return
	}
	q := r.URL.Query()
	audience := workloadAudience
	if r.URL.Path == ciActionsPath {
		if r.Method != http.MethodGet {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"message": "use GET"})
			return
		}
		if a := q.Get("audience"); a != "" {
			audience = a
		}
	} else {
		if r.Method != http.MethodPost || q.Get("api-version") == "" || q.Get("serviceConnectionId") == "" {
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": "POST with api-version and serviceConnectionId"})
			return
		}
	}
	tok, err := m.em.FederatedToken(workloadSubject, audience, m.em.cfg.AssertionLifetime)
	if err != nil || m.em.cfg.AssertionLifetime <= 0 {
		tok, err = m.em.FederatedToken(workloadSubject, audience, time.Hour)
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"message": "could not sign"})
		return
	}
	if r.URL.Path == ciActionsPath {
		writeJSON(w, http.StatusOK, map[string]any{"count": 1, "value": tok})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"oidcToken": tok})
}
