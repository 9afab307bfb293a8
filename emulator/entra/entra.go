package entra

import (
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/azrepl/azrepl/emulator/world"
)

// Package entra is the emulator's Entra ID (login.microsoftonline.com): the
// v2.0 and v1 endpoints, the device login page, the workload identity
// issuer and the tokens of managed identities, with the grant state kept
// in memory (device codes, authorization codes, refresh tokens, sessions).
// It signs every token with one key; the resource servers verify with
// PublicKey.

// consumersTenantID is the Microsoft account tenant ("consumers").
const consumersTenantID = "9188040d-6c67-4c5b-b112-36a304b66dad"

// Host is Entra's host name.
const Host = "login.microsoftonline.com"

// Aliases are the other host names of Entra's public cloud, which serve the
// same endpoints: instance discovery lists them (fidelity/recordings/entra/
// instance-discovery.json), ARM's errors name login.windows.net.
var Aliases = []string{"login.windows.net", "login.microsoft.com", "sts.windows.net"}

// isEntraHost tells whether host is Host or one of its Aliases.
func isEntraHost(host string) bool {
	h := wire.HostOnly(host)
	return strings.EqualFold(h, Host) || slices.ContainsFunc(Aliases, func(a string) bool { return strings.EqualFold(a, h) })
}

// Config configures New.
type Config struct {
	World *world.World
	// SigningKey signs every Entra token; FederationKey signs the workload
	// identity issuer's assertions, whose URL is FederationIssuer.
	SigningKey, FederationKey *rsa.PrivateKey
	FederationIssuer          string
	// TokenLifetime, when set, is every access token's lifetime; 0 is
	// Entra's (user tokens 60–90 minutes at random, app tokens 3599 s).
	TokenLifetime time.Duration
	// ApproveAfter, when set, approves a pending device code as ApproveAs
	// after that long; 0 waits for a person (or ApproveDevice).
	ApproveAfter time.Duration
	ApproveAs    string
}

// Server is Entra ID; it serves HTTP and answers the host's calls.
type Server struct {
	world        *world.World
	signer       *signer
	certs        map[string]*x509.Certificate // client id → certificate registered for assertions
	apis         []resourceInfo               // the world's API apps as resources
	federation   *signer                      // signs the emulator issuer's workload assertions
	issuer       string                       // that issuer's URL
	issuerPath   string                       // its path, where FederationHandler serves
	lifetime     time.Duration
	approveAfter time.Duration
	approveAs    string
	now          func() time.Time

	mu        sync.Mutex
	devices   map[string]*deviceAuth // by device_code
	codes     map[string]*authCode
	refresh   map[string]*refreshGrant
	validFrom map[string]time.Time // user object id → refresh tokens issued before are revoked
	// sessionsRevoked: user object id → CAE-capable tokens issued before are refused by resources.
	sessionsRevoked map[string]time.Time
	caeIssued       map[string]time.Time // uti of each CAE-capable access token → when it was issued
	mfaFlows        map[string]*mfaPending
	loops           loopDetector // AADSTS50196
}

// New builds Entra for the world, reading the certificates its apps registered.
func New(cfg Config) (*Server, error) {
	sig, err := newSigner(cfg.SigningKey)
	if err != nil {
		return nil, err
	}
	fed, err := newSigner(cfg.FederationKey)
	if err != nil {
		return nil, err
	}
	issuerURL, err := url.Parse(cfg.FederationIssuer)
	if err != nil {
		return nil, fmt.Errorf("federation issuer: %w", err)
	}
	e := &Server{
		world: cfg.World, signer: sig, certs: map[string]*x509.Certificate{},
		lifetime: cfg.TokenLifetime, approveAfter: cfg.ApproveAfter, approveAs: cfg.ApproveAs, now: time.Now,
		devices: map[string]*deviceAuth{}, codes: map[string]*authCode{},
		refresh: map[string]*refreshGrant{}, validFrom: map[string]time.Time{}, sessionsRevoked: map[string]time.Time{}, caeIssued: map[string]time.Time{}, mfaFlows: map[string]*mfaPending{},
		apis: apiResources(cfg.World), federation: fed, issuer: cfg.FederationIssuer, issuerPath: issuerURL.Path,
	}
	for _, a := range cfg.World.Apps {
		if a.CertificatePath == "" {
			continue
		}
		c, err := ReadCertificate(a.CertificatePath)
		if err != nil {
			return nil, fmt.Errorf("certificate of app %s: %w", a.Name, err)
		}
		e.certs[strings.ToLower(a.ClientID)] = c
	}
	return e, nil
}

// PublicKey is the key that verifies every Entra token.
func (e *Server) PublicKey() *rsa.PublicKey { return &e.signer.key.PublicKey }

// RevokeRefreshTokens revokes every refresh token issued to the user so far
// (as a password reset would); the next redemption fails with AADSTS50173.
func (e *Server) RevokeRefreshTokens(username string) {
	if u := e.world.User(username); u != nil {
		e.revoke(u.ObjectID)
	}
}

func (e *Server) resolveTenant(seg string) (tenantRef, *entraError) {
	switch s := strings.ToLower(seg); {
	case s == "common" || s == "organizations":
		return tenantRef{segment: seg, multi: true}, nil
	case s == "consumers" || s == consumersTenantID:
		return tenantRef{segment: seg, consumers: true}, nil
	case s == strings.ToLower(e.world.TenantID) || s == strings.ToLower(e.world.Domain):
		return tenantRef{segment: seg}, nil
	}
	if g := e.world.GuestTenant(seg); g != nil {
		return tenantRef{segment: seg, guest: g}, nil
	}
	if !wellFormedTenant(seg) {
		// Neither a GUID nor a domain ("undefined", "{{tenantid}}"): caddy-dns/azure#3.
		return tenantRef{}, newEntraError(400, "invalid_request", 900023,
			"Specified tenant identifier '%s' is neither a valid DNS name, nor a valid external domain.", seg)
	}
	return tenantRef{}, errUnknownTenant(seg)
}

// wellFormedTenant: a GUID, or a DNS name (labels of letters, digits and hyphens).
func wellFormedTenant(seg string) bool {
	if len(seg) == 36 && strings.Count(seg, "-") == 4 {
		for _, c := range strings.ReplaceAll(seg, "-", "") {
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
		return true
	}
	labels := strings.Split(seg, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.Trim(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
			return false
		}
	}
	return true
}

// tenantID is the GUID documents and tokens name for this tenant segment.
func (e *Server) tenantID(t tenantRef) string {
	if t.consumers {
		return consumersTenantID
	}
	if t.guest != nil {
		return t.guest.TenantID
	}
	return e.world.TenantID
}

func baseURL(r *http.Request) string { return "https://" + r.Host }

// issuerBase is the origin of v2 issuers: Entra issues for
// login.microsoftonline.com whichever alias was asked; the direct listener
// issues for itself.
func issuerBase(r *http.Request) string {
	if isEntraHost(r.Host) {
		return "https://" + Host
	}
	return baseURL(r)
}

// issuerV2 is the v2 issuer: literal {tenantid} for the multi-tenant documents.
func (e *Server) issuerV2(r *http.Request, t tenantRef) string {
	if t.multi {
		return issuerBase(r) + "/{tenantid}/v2.0"
	}
	return issuerBase(r) + "/" + e.tenantID(t) + "/v2.0"
}

// revokedBefore is when the user's refresh tokens were last revoked (zero: never).
func (e *Server) revokedBefore(oid string) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.validFrom[oid]
}

func (e *Server) revoke(oid string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.validFrom[oid] = e.now()
}
