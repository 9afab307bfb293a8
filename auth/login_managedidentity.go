package auth

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// FlowManagedIdentity is az login --identity: the Azure host hands out
// tokens for the identity it runs as, over plain HTTP on a local address.
const FlowManagedIdentity = "managed-identity"

// Managed identity styles, found from the environment in MSAL Go's and
// azidentity's order: App Service, Cloud Shell, Azure Arc, then IMDS.
const (
	miAppService = "App Service"
	miCloudShell = "Cloud Shell"
	miArc        = "Azure Arc"
	miIMDS       = "IMDS"
)

// arcTokensDir is where the Arc agent writes its challenge key files on
// Linux; only a file there is read (as MSAL Go checks).
const arcTokensDir = "/var/opt/azcmagent/tokens"

type managedIdentityFlow struct{}

func init() {
	registerFlow(FlowManagedIdentity, managedIdentityFlow{}, "IDENTITY_ENDPOINT+IDENTITY_HEADER, MSI_ENDPOINT, Arc, or the IMDS host in AZURE_POD_IDENTITY_AUTHORITY_HOST; never 169.254.169.254 by itself")
}

// miCredential is one managed identity endpoint and the identity asked of
// it (none: the system-assigned one).
type miCredential struct {
	style                          string
	endpoint                       string
	envName                        string // the variable that named the endpoint
	header                         string // App Service's IDENTITY_HEADER
	arcDir                         string
	clientID, objectID, resourceID string
}

// managedIdentity finds the endpoint from the environment. It never
// defaults to the link-local IMDS address: on an Azure VM, say so with
// AZURE_POD_IDENTITY_AUTHORITY_HOST=http://169.254.169.254.
func (s *Session) managedIdentity(o LoginOptions) (*miCredential, error) {
	c := &miCredential{clientID: o.ClientID, objectID: o.ObjectID, resourceID: o.ResourceID}
	n := 0
	for _, v := range []string{c.clientID, c.objectID, c.resourceID} {
		if v != "" {
			n++
		}
	}
	if n > 1 {
		return nil, errors.New("managed identity: name the user-assigned identity by one of clientId, objectId or resourceId, not several")
	}
	idEndpoint, idHeader := s.env("IDENTITY_ENDPOINT"), s.env("IDENTITY_HEADER")
	switch {
	case idEndpoint != "" && idHeader != "":
		c.style, c.endpoint, c.envName, c.header = miAppService, idEndpoint, "IDENTITY_ENDPOINT", idHeader
	case s.env("MSI_ENDPOINT") != "":
		c.style, c.endpoint, c.envName = miCloudShell, s.env("MSI_ENDPOINT"), "MSI_ENDPOINT"
	case idEndpoint != "" && s.env("IMDS_ENDPOINT") != "":
		c.style, c.endpoint, c.envName = miArc, idEndpoint, "IDENTITY_ENDPOINT"
		c.arcDir = cmp.Or(s.env("AZREPL_ARC_TOKENS_DIR"), arcTokensDir)
	case s.env("AZURE_POD_IDENTITY_AUTHORITY_HOST") != "":
		c.style, c.envName = miIMDS, "AZURE_POD_IDENTITY_AUTHORITY_HOST"
		c.endpoint = strings.TrimSuffix(s.env("AZURE_POD_IDENTITY_AUTHORITY_HOST"), "/") + "/metadata/identity/oauth2/token"
	case idEndpoint != "":
		return nil, errors.New("managed identity: IDENTITY_ENDPOINT is set but neither IDENTITY_HEADER (App Service) nor IMDS_ENDPOINT (Azure Arc) is")
	default:
		return nil, errors.New("managed identity: no endpoint in the environment (IDENTITY_ENDPOINT + IDENTITY_HEADER, MSI_ENDPOINT, IDENTITY_ENDPOINT + IMDS_ENDPOINT, or AZURE_POD_IDENTITY_AUTHORITY_HOST); azrepl never probes 169.254.169.254 by itself: on an Azure VM set AZURE_POD_IDENTITY_AUTHORITY_HOST=http://169.254.169.254")
	}
	u, err := url.Parse(c.endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("managed identity: %s is not an http URL", c.envName)
	}
	if n > 0 && (c.style == miCloudShell || c.style == miArc) {
		return nil, fmt.Errorf("managed identity: %s supports only the system-assigned identity: drop clientId/objectId/resourceId", c.style)
	}
	if c.header != "" {
		s.learn(c.header)
	}
	return c, nil
}

// source says where the credential came from (whoami).
func (c *miCredential) source() string {
	who := "system-assigned"
	switch {
	case c.clientID != "":
		who = "user-assigned clientId " + c.clientID
	case c.objectID != "":
		who = "user-assigned objectId " + c.objectID
	case c.resourceID != "":
		who = "user-assigned resourceId " + c.resourceID
	}
	return fmt.Sprintf("endpoint %s=%s (%s, %s)", c.envName, redactURL(c.endpoint), c.style, who)
}

func (managedIdentityFlow) login(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
	c, err := s.managedIdentity(o)
	if err != nil {
		return nil, err
	}
	scope := cmp.Or(o.Scope, DefaultScope)
	tr, err := c.token(ctx, s, "", scope)
	if err != nil {
		return nil, err
	}
	tenant := ""
	if j, err := DecodeJWT(tr.AccessToken); err == nil {
		tenant = j.StringClaim("tid")
	}
	a := s.appAccount(FlowManagedIdentity, tenant, "", tr)
	a.Source = c.source()
	return &loginResult{account: a, tenant: tenant, scope: scope, resp: tr, cred: c}, nil
}

// credential: the same endpoint found again from the environment; the
// identity is the one the account's token named.
func (managedIdentityFlow) credential(s *Session, a Account) (credential, error) {
	c, err := s.managedIdentity(LoginOptions{})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLoginNeeded, err)
	}
	if c.style == miAppService || c.style == miIMDS {
		c.clientID = a.ClientID
	}
	return c, nil
}

// miResource is the resource a managed identity endpoint takes: the scope
// without "/.default" (ARM's "https://management.core.windows.net//.default"
// keeps its trailing slash).
func miResource(scope string) (string, error) {
	f := strings.Fields(scope)
	if len(f) != 1 {
		return "", fmt.Errorf("managed identity tokens are for one resource: %q names %d scopes", scope, len(f))
	}
	return strings.TrimSuffix(f[0], "/.default"), nil
}

func (c *miCredential) token(ctx context.Context, s *Session, _ string, scope string) (*TokenResponse, error) {
	resource, err := miResource(scope)
	if err != nil {
		return nil, err
	}
	req, err := c.request(ctx, resource, "")
	if err != nil {
		return nil, err
	}
	start := time.Now()
	body, status, ctype, hdr, err := c.do(s, req)
	if err != nil {
		return nil, err
	}
	if c.style == miArc && status == http.StatusUnauthorized {
		key, err := c.arcKey(ctx, hdr.Get("WWW-Authenticate"))
		if err != nil {
			return nil, err
		}
		s.learn(key)
		if req, err = c.request(ctx, resource, key); err != nil {
			return nil, err
		}
		start = time.Now()
		if body, status, ctype, _, err = c.do(s, req); err != nil {
			return nil, err
		}
	}
	if status < 200 || status > 299 {
		return nil, fmt.Errorf("managed identity (%s at %s): HTTP %d: %s", c.style, redactURL(c.endpoint), status, miErrorText(body))
	}
	return parseTokenResponse(c.endpoint, status, ctype, body, start)
}

// request builds the style's request (MSAL Go's parameter names).
func (c *miCredential) request(ctx context.Context, resource, arcKey string) (*http.Request, error) {
	u, err := url.Parse(c.endpoint)
	if err != nil {
		return nil, fmt.Errorf("managed identity: %s is not a URL", c.envName)
	}
	q := u.Query()
	var req *http.Request
	switch c.style {
	case miCloudShell:
		form := url.Values{"resource": {resource}}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Metadata", "true")
		}
		return req, err
	case miAppService:
		q.Set("api-version", "2019-08-01")
		q.Set("resource", resource)
		setSelector(q, c, "mi_res_id")
	case miArc:
		q.Set("api-version", "2020-06-01")
		q.Set("resource", resource)
	case miIMDS:
		q.Set("api-version", "2018-02-01")
		q.Set("resource", resource)
		setSelector(q, c, "msi_res_id")
	}
	u.RawQuery = q.Encode()
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	switch c.style {
	case miAppService:
		req.Header.Set("X-IDENTITY-HEADER", c.header)
	default:
		req.Header.Set("Metadata", "true")
	}
	if arcKey != "" {
		req.Header.Set("Authorization", "Basic "+arcKey)
	}
	return req, nil
}

func setSelector(q url.Values, c *miCredential, resourceParam string) {
	switch {
	case c.clientID != "":
		q.Set("client_id", c.clientID)
	case c.objectID != "":
		q.Set("object_id", c.objectID)
	case c.resourceID != "":
		q.Set(resourceParam, c.resourceID)
	}
}

func (c *miCredential) do(s *Session, req *http.Request) ([]byte, int, string, http.Header, error) {
	a, err := send(req.Context(), s.cfg.HTTP, req)
	var re *readError
	switch {
	case errors.As(err, &re):
		return nil, 0, "", nil, fmt.Errorf("managed identity (%s): reading the answer: %w", c.style, re.err)
	case err != nil && req.Context().Err() != nil:
		return nil, 0, "", nil, req.Context().Err()
	case err != nil:
		return nil, 0, "", nil, fmt.Errorf("managed identity (%s): the endpoint %s=%s is unreachable: %v", c.style, c.envName, redactURL(c.endpoint), err)
	}
	return a.body, a.status, a.contentType(), a.header, nil
}

// arcKey reads the key file the Arc challenge names, only from the agent's
// folder, only a .key file of at most 4096 bytes.
func (c *miCredential) arcKey(ctx context.Context, challenge string) (string, error) {
	_, path, ok := strings.Cut(challenge, "Basic realm=")
	if !ok {
		return "", errors.New("managed identity (Azure Arc): the 401 answer has no WWW-Authenticate: Basic realm=<key file>")
	}
	path = strings.Trim(strings.TrimSpace(path), `"`)
	if runtime.GOOS == "windows" && c.arcDir == arcTokensDir {
		c.arcDir = filepath.Join(os.Getenv("ProgramData"), "AzureConnectedMachineAgent", "Tokens")
	}
	if filepath.Ext(path) != ".key" || filepath.Clean(filepath.Dir(path)) != filepath.Clean(c.arcDir) {
		return "", fmt.Errorf("managed identity (Azure Arc): the challenge names %s, not a .key file in %s: refused", path, c.arcDir)
	}
	b, err := readFile(ctx, path, maxArcKeyFile)
	if err != nil {
		return "", fmt.Errorf("managed identity (Azure Arc): the key file: %w: refused", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// miErrorText is the one line an endpoint's error body says: IMDS's
// error_description, App Service's message, else the status alone.
func miErrorText(body []byte) string {
	var e struct {
		Error            any    `json:"error"`
		ErrorDescription string `json:"error_description"`
		Message          string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil {
		return "(no JSON error)"
	}
	text := cmp.Or(e.ErrorDescription, e.Message)
	if s, ok := e.Error.(string); ok && s != "" {
		if text == "" {
			return oneLine(s)
		}
		return oneLine(s + ": " + text)
	}
	return oneLine(cmp.Or(text, "(no message)"))
}
