package entra

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// entraError is an OAuth error as Entra ID returns it; it is written with the
// full envelope (AADSTS code, trace and correlation ids, timestamp).
type entraError struct {
	status   int
	code     string // the OAuth "error" field
	aadsts   int
	message  string // the text after "AADSTSnnnnn: "
	suberror string
	claims   string // a claims challenge (JSON) the client must send back
	// noErrorURI: Entra leaves error_uri out of some bodies (65001, 54005).
	noErrorURI bool
}

func (e *entraError) Error() string { return fmt.Sprintf("AADSTS%d: %s", e.aadsts, e.message) }

func newEntraError(status int, code string, aadsts int, format string, args ...any) *entraError {
	return &entraError{status: status, code: code, aadsts: aadsts, message: fmt.Sprintf(format, args...)}
}

// Common errors, named after what the client did wrong.
func errMissingParam(name string) *entraError {
	return newEntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: '%s'.", name)
}

func errUnknownClient(clientID, tenantName string) *entraError {
	return newEntraError(400, "unauthorized_client", 700016,
		"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
		clientID, tenantName)
}

func errUnknownTenant(tenant string) *entraError {
	return newEntraError(400, "invalid_tenant", 90002,
		"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
		tenant)
}

// errorHost is the host error_uri names: the Entra host asked (Entra echoes
// login.microsoft.com, as in the 53003 answer quoted in
// github.com/MartinIngesen/MSOLSpray/issues/5), login.microsoftonline.com
// on the direct listener.
func errorHost(r *http.Request) string {
	if isEntraHost(r.Host) {
		return strings.ToLower(wire.HostOnly(r.Host))
	}
	return Host
}

// writeEntraError writes the error envelope. trace/correlation ids come from
// the request so a person can match a failure to requests.log.
func writeEntraError(w http.ResponseWriter, r *http.Request, e *entraError) {
	traceID := wire.TraceID(r)
	corr := r.Header.Get("Client-Request-Id")
	if corr == "" {
		corr = traceID
	}
	ts := time.Now().UTC().Format("2006-01-02 15:04:05Z")
	body := map[string]any{
		"error": e.code,
		"error_description": fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
			e.aadsts, e.message, traceID, corr, ts),
		"error_codes":    []int{e.aadsts},
		"timestamp":      ts,
		"trace_id":       traceID,
		"correlation_id": corr,
		"error_uri":      fmt.Sprintf("https://%s/error?code=%d", errorHost(r), e.aadsts),
	}
	if e.suberror != "" {
		body["suberror"] = e.suberror
	}
	if e.claims != "" {
		body["claims"] = e.claims
	}
	if e.noErrorURI {
		delete(body, "error_uri")
	}
	w.Header().Set("Cache-Control", "no-store, no-cache")
	wire.JSON(w, e.status, body)
}

// WriteError writes an OAuth error with Entra's whole envelope (AADSTS
// code, trace and correlation ids, timestamp): for answers made outside
// Entra in its name, such as injected throttling.
func WriteError(w http.ResponseWriter, r *http.Request, status int, code string, aadsts int, message string) {
	writeEntraError(w, r, &entraError{status: status, code: code, aadsts: aadsts, message: message})
}
