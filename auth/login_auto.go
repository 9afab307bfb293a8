package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
)

// FlowAuto tries the credentials a workload may have, in azidentity's
// DefaultAzureCredential order, and says why it passed over each one.
const FlowAuto = "auto"

type autoFlow struct{}

func init() {
	registerFlow(FlowAuto, autoFlow{}, "azidentity's chain: env secret/certificate, workload identity, managed identity, az login, azrepl's cached account; .source says which, .skipped why not the others")
}

// errSkip marks a credential that is not configured here: the chain goes
// on. Any other error (a credential that is configured but refused) stops
// it, as DefaultAzureCredential stops on an authentication failure.
var errSkip = errors.New("not configured")

type autoStep struct {
	name string
	try  func(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error)
}

var autoChain = []autoStep{
	{"environment (AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH)", func(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
		tenant, client := s.env("AZURE_TENANT_ID"), s.env("AZURE_CLIENT_ID")
		switch {
		case s.env("AZURE_CLIENT_SECRET") == "" && s.env("AZURE_CLIENT_CERTIFICATE_PATH") == "":
			return nil, fmt.Errorf("%w: neither AZURE_CLIENT_SECRET nor AZURE_CLIENT_CERTIFICATE_PATH is set", errSkip)
		case tenant == "" || client == "":
			return nil, fmt.Errorf("%w: AZURE_TENANT_ID and AZURE_CLIENT_ID are needed with it", errSkip)
		case s.env("AZURE_CLIENT_SECRET") != "":
			return secretFlow{}.login(ctx, s, LoginOptions{Flow: FlowSecret, Scope: o.Scope})
		}
		return certificateFlow{}.login(ctx, s, LoginOptions{Flow: FlowCertificate, Scope: o.Scope})
	}},
	{"workload identity (AZURE_FEDERATED_TOKEN_FILE)", func(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
		if s.env("AZURE_FEDERATED_TOKEN_FILE") == "" {
			return nil, fmt.Errorf("%w: AZURE_FEDERATED_TOKEN_FILE is not set", errSkip)
		}
		if s.env("AZURE_TENANT_ID") == "" || s.env("AZURE_CLIENT_ID") == "" {
			return nil, fmt.Errorf("%w: AZURE_TENANT_ID and AZURE_CLIENT_ID are needed with it", errSkip)
		}
		return workloadIdentityFlow{}.login(ctx, s, LoginOptions{Flow: FlowWorkloadIdentity, Scope: o.Scope})
	}},
	{"managed identity", func(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
		if _, err := s.managedIdentity(LoginOptions{}); err != nil {
			return nil, fmt.Errorf("%w: %s", errSkip, strings.TrimPrefix(err.Error(), "managed identity: "))
		}
		// AZURE_CLIENT_ID names a user-assigned identity here, as in azidentity.
		return managedIdentityFlow{}.login(ctx, s, LoginOptions{Flow: FlowManagedIdentity, Scope: o.Scope, ClientID: o.ClientID})
	}},
	{"Azure CLI (az login)", func(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
		r, err := azcliFlow{}.login(ctx, s, LoginOptions{Flow: FlowAzCLI})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errSkip, err)
		}
		return r, nil
	}},
	{"azrepl's cached account", func(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
		d, err := s.cache.read()
		if err != nil {
			return nil, err
		}
		a, ok := d.Accounts[d.Default]
		if !ok {
			return nil, fmt.Errorf("%w: no account in %s", errSkip, s.cache.path)
		}
		if !sameHost(s.cfg.Cloud.host(), a.Environment) {
			return nil, fmt.Errorf("%w: the cached account %s signed in at %s, not at %s", errSkip, cmp.Or(a.Username, a.ClientID), a.Environment, s.cfg.Cloud.host())
		}
		if a.isApp() {
			if _, err := s.credentialFor(a); err != nil {
				return nil, fmt.Errorf("%w: the cached app login %s has no credential here", errSkip, a.ClientID)
			}
		} else if _, err := findRefresh(d, a, a.ClientID); err != nil {
			return nil, fmt.Errorf("%w: the cached account %s has no refresh token", errSkip, a.Username)
		}
		a.Source = cmp.Or(a.Source, "cache "+s.cache.path)
		return &loginResult{account: a, tenant: a.Tenant}, nil
	}},
}

func (autoFlow) login(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
	var skipped []string
	for _, step := range autoChain {
		r, err := step.try(ctx, s, o)
		if err == nil {
			r.skipped = skipped
			r.account.Source = "auto: " + step.name + ": " + r.account.Source
			return r, nil
		}
		if !errors.Is(err, errSkip) {
			return nil, fmt.Errorf("auto: %s is configured but failed (after skipping %d): %w", step.name, len(skipped), err)
		}
		skipped = append(skipped, step.name+": "+strings.TrimPrefix(err.Error(), errSkip.Error()+": "))
	}
	return nil, fmt.Errorf("%w: auto: no credential found: %s", ErrLoginNeeded, strings.Join(skipped, "; "))
}

func (autoFlow) credential(*Session, Account) (credential, error) { return nil, nil }
