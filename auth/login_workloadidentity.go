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
	"strings"
)

// FlowWorkloadIdentity is workload identity federation: an app signs in
// with an assertion its platform issues (a Kubernetes projected token, a
// GitHub Actions or Azure Pipelines OIDC token) instead of a secret.
const FlowWorkloadIdentity = "workload-identity"

// federatedAudience is the audience Entra expects of a federated assertion.
const federatedAudience = "api://AzureADTokenExchange"

type workloadIdentityFlow struct{}

func init() {
	registerFlow(FlowWorkloadIdentity, workloadIdentityFlow{}, "a federated assertion: tokenFile / AZURE_FEDERATED_TOKEN_FILE, GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_*, Azure Pipelines' SYSTEM_OIDCREQUESTURI; read again before every exchange, so the session outlives each assertion")
}

// assertionSource gets a fresh assertion: the file is read again, the
// CI endpoint asked again, before every exchange — so a session outlives
// any one assertion (az reads it once: Azure/azure-cli#28708).
type assertionSource struct {
	kind     string // "file", "env", "GitHub Actions", "Azure Pipelines"
	path     string // file
	url      string // GitHub / Pipelines request URL
	bearer   string // ACTIONS_ID_TOKEN_REQUEST_TOKEN / SYSTEM_ACCESSTOKEN
	variable string // the variable that named it (for messages and whoami); for "env", the one holding the token
	audience string // asked of GitHub Actions; default Entra's api://AzureADTokenExchange
}

// workloadSource picks the assertion source: the option or
// AZURE_FEDERATED_TOKEN_FILE, else GitHub Actions, else Azure Pipelines.
func (s *Session) workloadSource(tokenFile string) (assertionSource, error) {
	switch {
	case tokenFile != "":
		return assertionSource{kind: "file", path: tokenFile, variable: "option tokenFile"}, nil
	case s.env("AZURE_FEDERATED_TOKEN_FILE") != "":
		return assertionSource{kind: "file", path: s.env("AZURE_FEDERATED_TOKEN_FILE"), variable: "AZURE_FEDERATED_TOKEN_FILE"}, nil
	case s.env("ACTIONS_ID_TOKEN_REQUEST_URL") != "":
		tok := s.env("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
		if tok == "" {
			return assertionSource{}, errors.New("workload identity: ACTIONS_ID_TOKEN_REQUEST_URL is set but ACTIONS_ID_TOKEN_REQUEST_TOKEN is not (the job needs permissions: id-token: write)")
		}
		s.learn(tok)
		return assertionSource{kind: "GitHub Actions", url: s.env("ACTIONS_ID_TOKEN_REQUEST_URL"), bearer: tok, variable: "ACTIONS_ID_TOKEN_REQUEST_URL"}, nil
	case s.env("SYSTEM_OIDCREQUESTURI") != "":
		tok, conn := s.env("SYSTEM_ACCESSTOKEN"), s.env("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID")
		if tok == "" || conn == "" {
			return assertionSource{}, errors.New("workload identity: SYSTEM_OIDCREQUESTURI is set but SYSTEM_ACCESSTOKEN or AZURESUBSCRIPTION_SERVICE_CONNECTION_ID is not (map $(System.AccessToken) into the step's env)")
		}
		s.learn(tok)
		u, err := url.Parse(s.env("SYSTEM_OIDCREQUESTURI"))
		if err != nil {
			return assertionSource{}, errors.New("workload identity: SYSTEM_OIDCREQUESTURI is not a URL")
		}
		q := u.Query()
		q.Set("api-version", "7.1")
		q.Set("serviceConnectionId", conn)
		u.RawQuery = q.Encode()
		return assertionSource{kind: "Azure Pipelines", url: u.String(), bearer: tok, variable: "SYSTEM_OIDCREQUESTURI"}, nil
	}
	return assertionSource{}, errors.New("workload identity: no assertion source: pass tokenFile or set AZURE_FEDERATED_TOKEN_FILE (Kubernetes), ACTIONS_ID_TOKEN_REQUEST_URL + ACTIONS_ID_TOKEN_REQUEST_TOKEN (GitHub Actions) or SYSTEM_OIDCREQUESTURI (Azure Pipelines)")
}

func (a assertionSource) String() string {
	switch a.kind {
	case "file":
		return fmt.Sprintf("file %s (%s, read before every exchange)", a.path, a.variable)
	case "env":
		return fmt.Sprintf("env %s (read before every exchange)", a.variable)
	}
	return fmt.Sprintf("endpoint %s=%s (%s, asked before every exchange)", a.variable, redactURL(a.url), a.kind)
}

// assertion reads or fetches a fresh assertion.
func (a assertionSource) assertion(ctx context.Context, s *Session) (string, error) {
	if a.kind == "file" {
		b, err := readFile(ctx, a.path, maxTokenFile)
		if err != nil {
			return "", fmt.Errorf("workload identity: the assertion file (%s): %w", a.variable, unwrapPathError(err))
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return "", fmt.Errorf("workload identity: the assertion file %s is empty", a.path)
		}
		s.learn(tok)
		return tok, nil
	}
	if a.kind == "env" {
		tok := strings.TrimSpace(s.env(a.variable))
		if tok == "" {
			return "", fmt.Errorf("workload identity: %s is empty or not set", a.variable)
		}
		s.learn(tok)
		return tok, nil
	}
	u := a.url
	method := http.MethodGet
	if a.kind == "GitHub Actions" {
		p, err := url.Parse(u)
		if err != nil {
			return "", errors.New("workload identity: ACTIONS_ID_TOKEN_REQUEST_URL is not a URL")
		}
		q := p.Query()
		q.Set("audience", cmp.Or(a.audience, federatedAudience))
		p.RawQuery = q.Encode()
		u = p.String()
	} else {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return "", fmt.Errorf("workload identity: %s: %w", a.variable, err)
	}
	req.Header.Set("Authorization", "Bearer "+a.bearer)
	req.Header.Set("Accept", "application/json")
	if a.kind == "Azure Pipelines" {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-TFS-FedAuthRedirect", "Suppress")
	}
	ans, err := send(ctx, s.cfg.HTTP, req)
	var re *readError
	switch {
	case errors.As(err, &re):
		return "", fmt.Errorf("workload identity: reading the %s answer: %w", a.kind, re.err)
	case err != nil && ctx.Err() != nil:
		return "", ctx.Err()
	case err != nil:
		return "", fmt.Errorf("workload identity: the %s token endpoint (%s) is unreachable: %v", a.kind, a.variable, err)
	}
	body, status := ans.body, ans.status
	var v struct {
		Value     string `json:"value"`     // GitHub Actions
		OIDCToken string `json:"oidcToken"` // Azure Pipelines
		Message   string `json:"message"`
	}
	if json.Unmarshal(body, &v) != nil {
		return "", fmt.Errorf("workload identity: the %s token endpoint answered HTTP %d without JSON", a.kind, status)
	}
	tok := cmp.Or(v.Value, v.OIDCToken)
	if status != http.StatusOK || tok == "" {
		return "", fmt.Errorf("workload identity: the %s token endpoint answered HTTP %d: %s", a.kind, status, oneLine(cmp.Or(v.Message, "no token")))
	}
	s.learn(tok)
	return tok, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// The federated assertion goes as client_assertion of a client credentials
// request (appCredential) — what azidentity's WorkloadIdentityCredential
// sends through MSAL Go's assertion callback.

// explainAssertionError adds which assertion was refused to Entra's line.
func explainAssertionError(err error, src assertionSource) error {
	var ee *EntraError
	if errors.As(err, &ee) && (ee.HasCode(700024) || ee.HasCode(700211) || ee.HasCode(700212) || ee.HasCode(700213) || ee.HasCode(700027)) {
		return fmt.Errorf("workload identity: the assertion from %s was refused: %w", src, ee)
	}
	return err
}

func (workloadIdentityFlow) login(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
	tenant, clientID, err := s.appIdentity(FlowWorkloadIdentity, o)
	if err != nil {
		return nil, err
	}
	src, err := s.workloadSource(o.TokenFile)
	if err != nil {
		return nil, err
	}
	return s.appLogin(ctx, FlowWorkloadIdentity, tenant, clientID, o.Scope, src.String(), appCredential{clientID: clientID, federated: &src})
}

// credential: the assertion source found again in the environment.
func (workloadIdentityFlow) credential(s *Session, a Account) (credential, error) {
	src, err := s.workloadSource("")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLoginNeeded, err)
	}
	return appCredential{clientID: a.ClientID, federated: &src}, nil
}
