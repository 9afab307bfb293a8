// Package msi serves the managed identity endpoints of Azure compute (IMDS,
// App Service, Cloud Shell, Azure Arc) and the OIDC token endpoints of CI
// systems, on the emulator's plain-HTTP loopback listener; Entra mints the
// tokens.
package msi

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/azrepl/azrepl/emulator/entra"
	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/azrepl/azrepl/emulator/world"
)

// Managed identity endpoints, served on their own plain-HTTP loopback
// listener as the real ones are plain HTTP on a local address. One path per
// style (MSAL Go apps/managedidentity for the wire details):
//
//	/metadata/identity/oauth2/token       IMDS (GET, Metadata: true, api-version 2018-02-01)
//	/appservice/msi/token                 App Service / Functions (GET, X-IDENTITY-HEADER, 2019-08-01)
//	/cloudshell/oauth2/token              Cloud Shell (POST form, Metadata: true)
//	/arc/metadata/identity/oauth2/token   Azure Arc (GET, Metadata: true, 2020-06-01 or 2019-11-01; 401 challenge naming a .key file)
const (
	IMDSPath       = "/metadata/identity/oauth2/token"
	AppServicePath = "/appservice/msi/token"
	CloudShellPath = "/cloudshell/oauth2/token"
	ArcPath        = "/arc/metadata/identity/oauth2/token"
)

// Server serves the managed identity styles and mints their tokens with
// the Entra signer.
type Server struct {
	entra *entra.Server
	world *world.World
	// assertionLifetime is the CI assertions' (an hour when not set).
	assertionLifetime time.Duration
	header            string // IDENTITY_HEADER of the App Service style
	ciToken           string // the CI job's request token (ACTIONS_ID_TOKEN_REQUEST_TOKEN, SYSTEM_ACCESSTOKEN)
	keyDir            string // where the Arc challenge writes its .key files
	mu                sync.Mutex
	keys              map[string]bool   // Arc key file contents handed out and not yet used
	keyFiles          map[string]string // the key of each key file still on disk
	keyOrder          []string          // those files, oldest first
}

// Config configures New.
type Config struct {
	Entra *entra.Server
	World *world.World
	// AssertionLifetime is the CI assertions' (an hour when not set).
	AssertionLifetime time.Duration
	// KeyDir is where the Arc challenge writes its .key files.
	KeyDir string
}

// MaxArcKeys bounds the Arc challenges outstanding: past it the oldest key
// file goes, so a loop of challenges cannot fill the disk.
const MaxArcKeys = 16

// New makes the endpoints with a fresh App Service header and CI request token.
func New(cfg Config) *Server {
	return &Server{entra: cfg.Entra, world: cfg.World, assertionLifetime: cfg.AssertionLifetime,
		header: wire.RandomToken(24), ciToken: wire.RandomToken(32), keyDir: cfg.KeyDir, keys: map[string]bool{}, keyFiles: map[string]string{}}
}

// Env is the environment each style's real host sets, for endpoints served
// at base: "appservice", "cloudshell", "arc" or "imds" (the IMDS base
// through AZURE_POD_IDENTITY_AUTHORITY_HOST; nothing ever names
// 169.254.169.254).
func (m *Server) Env(base, style string) []string {
	switch style {
	case "appservice":
		return []string{"IDENTITY_ENDPOINT=" + base + AppServicePath, "IDENTITY_HEADER=" + m.header}
	case "cloudshell":
		return []string{"MSI_ENDPOINT=" + base + CloudShellPath}
	case "arc":
		return []string{"IDENTITY_ENDPOINT=" + base + ArcPath, "IMDS_ENDPOINT=" + base + "/arc",
			"AZREPL_ARC_TOKENS_DIR=" + m.keyDir}
	case "imds":
		return []string{"AZURE_POD_IDENTITY_AUTHORITY_HOST=" + base}
	}
	return nil
}

// CIEnv is the environment a CI job gets, for endpoints served at base:
// "github" or "pipelines".
func (m *Server) CIEnv(base, system string) []string {
	switch system {
	case "github":
		return []string{"ACTIONS_ID_TOKEN_REQUEST_URL=" + base + CIActionsPath + "?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + m.ciToken}
	case "pipelines":
		return []string{"SYSTEM_OIDCREQUESTURI=" + base + CIPipelinesPath, "SYSTEM_ACCESSTOKEN=" + m.ciToken,
			"AZURESUBSCRIPTION_SERVICE_CONNECTION_ID=" + world.SeedGUID("pipelines/service-connection")}
	}
	return nil
}

func (m *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case IMDSPath:
		m.imds(w, r)
	case AppServicePath:
		m.appService(w, r)
	case CloudShellPath:
		m.cloudShell(w, r)
	case ArcPath:
		m.arc(w, r)
	case CIActionsPath, CIPipelinesPath:
		m.ci(w, r)
	default:
		wire.JSON(w, http.StatusNotFound, map[string]any{"error": "not_found", "error_description": "no managed identity endpoint at " + r.URL.Path})
	}
}

// imdsError is IMDS's error shape.
func imdsError(w http.ResponseWriter, status int, code, desc string) {
	wire.JSON(w, status, map[string]any{"error": code, "error_description": desc})
}

// metadataRequest checks what IMDS and Cloud Shell ask of every request, the
// method and the Metadata: true header, and answers IMDS's error otherwise.
func metadataRequest(w http.ResponseWriter, r *http.Request, method, wrongMethod string) bool {
	if r.Method != method {
		imdsError(w, http.StatusMethodNotAllowed, "invalid_request", wrongMethod)
		return false
	}
	if !strings.EqualFold(r.Header.Get("Metadata"), "true") {
		imdsError(w, http.StatusBadRequest, "invalid_request", "Required metadata header not specified")
		return false
	}
	return true
}

func (m *Server) imds(w http.ResponseWriter, r *http.Request) {
	if !metadataRequest(w, r, http.MethodGet, "The requested HTTP method is not supported") {
		return
	}
	q := r.URL.Query()
	if v := q.Get("api-version"); v != "2018-02-01" && v != "2019-08-01" {
		imdsError(w, http.StatusBadRequest, "invalid_request", "Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds")
		return
	}
	mi, desc := m.pick(q.Get("client_id"), q.Get("object_id"), q.Get("msi_res_id"))
	if mi == nil {
		imdsError(w, http.StatusBadRequest, "invalid_request", desc)
		return
	}
	m.issue(w, r, mi, q.Get("resource"), true)
}

func (m *Server) appService(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("api-version") != "2019-08-01" {
		wire.JSON(w, http.StatusBadRequest, map[string]any{"statusCode": 400, "message": "The api-version " + strconv.Quote(q.Get("api-version")) + " is not supported: use 2019-08-01"})
		return
	}
	h := r.Header.Get("X-IDENTITY-HEADER")
	if h == "" {
		wire.JSON(w, http.StatusBadRequest, map[string]any{"statusCode": 400, "message": "The X-IDENTITY-HEADER header is missing"})
		return
	}
	if h != m.header {
		wire.JSON(w, http.StatusUnauthorized, map[string]any{"statusCode": 401, "message": "The X-IDENTITY-HEADER header does not match"})
		return
	}
	mi, desc := m.pick(q.Get("client_id"), cmp.Or(q.Get("principal_id"), q.Get("object_id")), q.Get("mi_res_id"))
	if mi == nil {
		wire.JSON(w, http.StatusBadRequest, map[string]any{"statusCode": 400, "message": desc})
		return
	}
	m.issue(w, r, mi, q.Get("resource"), false)
}

func (m *Server) cloudShell(w http.ResponseWriter, r *http.Request) {
	if !metadataRequest(w, r, http.MethodPost, "Cloud Shell's token endpoint takes POST") {
		return
	}
	_ = r.ParseForm()
	if r.PostForm.Get("client_id") != "" || r.PostForm.Get("msi_res_id") != "" || r.PostForm.Get("object_id") != "" {
		imdsError(w, http.StatusBadRequest, "invalid_request", "Cloud Shell supports only its own identity: no user-assigned identity")
		return
	}
	m.issue(w, r, m.system(), r.PostForm.Get("resource"), true)
}

func (m *Server) arc(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.Header.Get("Metadata"), "true") {
		imdsError(w, http.StatusBadRequest, "invalid_request", "Required metadata header not specified")
		return
	}
	q := r.URL.Query()
	if v := q.Get("api-version"); v != "2020-06-01" && v != "2019-11-01" {
		imdsError(w, http.StatusBadRequest, "invalid_request", "Bad request. api-version is invalid or was not specified in the request")
		return
	}
	if q.Get("client_id") != "" || q.Get("object_id") != "" || q.Get("msi_res_id") != "" {
		imdsError(w, http.StatusBadRequest, "invalid_request", "Azure Arc supports only the machine's system-assigned identity")
		return
	}
	scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Basic") || key == "" {
		// The challenge: a new key file only the machine's administrators
		// can read; the caller proves it can by sending its content.
		key := wire.RandomToken(32)
		path := filepath.Join(m.keyDir, wire.RandomGUID()+".key")
		if err := os.MkdirAll(m.keyDir, 0o700); err != nil {
			imdsError(w, http.StatusInternalServerError, "unknown_error", "could not create the key folder")
			return
		}
		if err := os.WriteFile(path, []byte(key), 0o600); err != nil {
			imdsError(w, http.StatusInternalServerError, "unknown_error", "could not write the key file")
			return
		}
		m.mu.Lock()
		if len(m.keyOrder) >= MaxArcKeys {
			oldest := m.keyOrder[0]
			_ = os.Remove(oldest)
			delete(m.keys, m.keyFiles[oldest])
			delete(m.keyFiles, oldest)
			m.keyOrder = m.keyOrder[1:]
		}
		m.keys[key] = true
		m.keyFiles[path] = key
		m.keyOrder = append(m.keyOrder, path)
		m.mu.Unlock()
		w.Header().Set("WWW-Authenticate", "Basic realm="+path)
		imdsError(w, http.StatusUnauthorized, "unauthorized", "Use the key in the file named by WWW-Authenticate")
		return
	}
	m.mu.Lock()
	ok := m.keys[key]
	delete(m.keys, key)
	m.mu.Unlock()
	if !ok {
		imdsError(w, http.StatusUnauthorized, "unauthorized", "The key is not valid")
		return
	}
	m.issue(w, r, m.system(), q.Get("resource"), true)
}

func (m *Server) system() *world.ManagedIdentity {
	for i := range m.world.ManagedIdentities {
		if mi := &m.world.ManagedIdentities[i]; mi.Type == "system" {
			return mi
		}
	}
	return nil
}

// pick finds the identity a request names; none named means the
// system-assigned one.
func (m *Server) pick(clientID, objectID, resourceID string) (*world.ManagedIdentity, string) {
	named := clientID != "" || objectID != "" || resourceID != ""
	for i := range m.world.ManagedIdentities {
		mi := &m.world.ManagedIdentities[i]
		switch {
		case !named && mi.Type == "system",
			clientID != "" && strings.EqualFold(mi.ClientID, clientID),
			objectID != "" && strings.EqualFold(mi.ObjectID, objectID),
			resourceID != "" && strings.EqualFold(mi.ResourceID, resourceID):
			return mi, ""
		}
	}
	if !named {
		return nil, "Identity not found: this host has no system-assigned identity"
	}
	return nil, "Identity not found"
}

// issue mints the token. IMDS-style answers have every field as a string
// (expires_in "3599"); App Service's has expires_on only, and client_id.
func (m *Server) issue(w http.ResponseWriter, r *http.Request, mi *world.ManagedIdentity, resource string, imdsShape bool) {
	if mi == nil {
		imdsError(w, http.StatusBadRequest, "invalid_request", "Identity not found")
		return
	}
	if resource == "" {
		imdsError(w, http.StatusBadRequest, "invalid_request", "Required query variable 'resource' is missing")
		return
	}
	tok, err := m.entra.ManagedIdentityToken(mi, resource)
	if errors.Is(err, entra.ErrUnknownResource) {
		imdsError(w, http.StatusBadRequest, "invalid_resource",
			fmt.Sprintf("AADSTS500011: The resource principal named %s was not found in the tenant named %s.", resource, m.world.TenantID))
		return
	}
	if err != nil {
		imdsError(w, http.StatusInternalServerError, "unknown_error", "could not sign the token")
		return
	}
	body := map[string]any{"access_token": tok.AccessToken, "expires_on": strconv.FormatInt(tok.ExpiresOn, 10), "resource": resource, "token_type": "Bearer"}
	if imdsShape {
		body["refresh_token"] = ""
		body["expires_in"] = strconv.Itoa(tok.ExpiresIn)
		body["ext_expires_in"] = strconv.Itoa(tok.ExpiresIn)
		body["not_before"] = strconv.FormatInt(tok.NotBefore, 10)
		body["client_id"] = mi.ClientID
	} else {
		body["client_id"] = mi.ClientID
	}
	wire.JSON(w, http.StatusOK, body)
}

// The OIDC token endpoints of CI systems, served on the managed identity
// listener: a job asks them for an assertion to exchange at Entra.
//
//	GET  /actions/idtoken?audience=…               GitHub Actions (Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN) → {"value"}
//	POST /pipelines/oidctoken?api-version=7.1&serviceConnectionId=…  Azure Pipelines (Bearer $SYSTEM_ACCESSTOKEN) → {"oidcToken"}
//
// The assertions come from the emulator's issuer with the seeded workload
// subject, so the seeded federated credentials accept them.
const (
	CIActionsPath   = "/actions/idtoken"
	CIPipelinesPath = "/pipelines/oidctoken"
)

func (m *Server) ci(w http.ResponseWriter, r *http.Request) {
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || bearer != m.ciToken {
		wire.JSON(w, http.StatusUnauthorized, map[string]any{"message": "Bad credentials: the request token is missing or wrong"})
		return
	}
	q := r.URL.Query()
	audience := world.WorkloadAudience
	if r.URL.Path == CIActionsPath {
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
	if r.URL.Path == CIActionsPath {
		wire.JSON(w, http.StatusOK, map[string]any{"count": 1, "value": tok})
		return
	}
	wire.JSON(w, http.StatusOK, map[string]any{"oidcToken": tok})
}
