package auth

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// loginApp is the client credentials login with a secret or a certificate.
// The credential stays in this process's memory only.
func (s *Session) loginApp(ctx context.Context, o LoginOptions) (*Account, error) {
	tenant := firstNonEmpty(o.Tenant, s.env("AZURE_TENANT_ID"))
	clientID := firstNonEmpty(o.ClientID, s.env("AZURE_CLIENT_ID"))
	if tenant == "" || tenant == "organizations" || tenant == "common" {
		return nil, errors.New("an app login needs its tenant (a GUID or domain): pass tenant or set AZURE_TENANT_ID")
	}
	if clientID == "" {
		return nil, errors.New("an app login needs its client id: pass clientId or set AZURE_CLIENT_ID")
	}
	cred := appCredential{alg: o.Alg}
	if o.Flow == FlowSecret {
		cred.secret = firstNonEmpty(o.ClientSecret, s.env("AZURE_CLIENT_SECRET"))
		if cred.secret == "" {
			return nil, errors.New("the secret flow needs a client secret: pass clientSecret or set AZURE_CLIENT_SECRET")
		}
	} else {
		path := firstNonEmpty(o.CertificatePath, s.env("AZURE_CLIENT_CERTIFICATE_PATH"))
		if path == "" {
			return nil, errors.New("the certificate flow needs a PEM file: pass certificate or set AZURE_CLIENT_CERTIFICATE_PATH")
		}
		cert, err := LoadCertificate(filepath.SplitList(path)...)
		if err != nil {
			return nil, err
		}
		cred.cert = cert
	}
	scope := firstNonEmpty(o.Scope, DefaultScope)
	tr, err := s.appToken(ctx, tenant, clientID, cred, scope)
	if err != nil {
		return nil, err
	}
	a := Account{ClientID: clientID, Flow: o.Flow, Tenant: tenant, TenantID: tenant,
		Environment: s.cfg.Cloud.host(), Authority: s.cfg.Cloud.Authority(tenant)}
	if j, err := DecodeJWT(tr.AccessToken); err == nil {
		a.TenantID = firstNonEmpty(j.StringClaim("tid"), tenant)
		a.ObjectID = j.StringClaim("oid")
	}
	// An app has no home account: key it by the app in its tenant.
	a.HomeAccountID = "app:" + strings.ToLower(clientID) + "." + strings.ToLower(a.TenantID)
	s.mu.Lock()
	s.creds[accountKey(a)] = cred
	s.mu.Unlock()
	err = s.cache.update(func(d *cacheData) error {
		k := accountKey(a)
		d.Accounts[k] = a
		d.Default = k
		putAccess(d, a, tenant, scope, tr, time.Now().Unix())
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

func (s *Session) appToken(ctx context.Context, tenant, clientID string, cred appCredential, scope string) (*TokenResponse, error) {
	tokenURL := s.cfg.Cloud.TokenURL(tenant)
	if cred.cert != nil {
		return ClientCertificateToken(ctx, s.cfg.HTTP, tokenURL, clientID, cred.cert, cred.alg, scope)
	}
	return ClientSecretToken(ctx, s.cfg.HTTP, tokenURL, clientID, cred.secret, scope)
}

// appCredentialFor finds the in-memory credential of an app login, or the
// AZURE_* environment when it names the same app.
func (s *Session) appCredentialFor(a Account) (appCredential, error) {
	s.mu.Lock()
	c, ok := s.creds[accountKey(a)]
	s.mu.Unlock()
	if ok {
		return c, nil
	}
	if strings.EqualFold(s.env("AZURE_CLIENT_ID"), a.ClientID) {
		if sec := s.env("AZURE_CLIENT_SECRET"); sec != "" && a.Flow == FlowSecret {
			return appCredential{secret: sec}, nil
		}
		if p := s.env("AZURE_CLIENT_CERTIFICATE_PATH"); p != "" && a.Flow == FlowCertificate {
			cert, err := LoadCertificate(filepath.SplitList(p)...)
			if err != nil {
				return appCredential{}, err
			}
			return appCredential{cert: cert}, nil
		}
	}
	return appCredential{}, fmt.Errorf("%w: the %s of app %s is kept in memory only and this process does not have it: run login({flow: %q, tenant: %q, clientId: %q, ...}) again",
		ErrLoginNeeded, map[string]string{FlowSecret: "secret", FlowCertificate: "certificate"}[a.Flow], a.ClientID, a.Flow, a.Tenant, a.ClientID)
}
