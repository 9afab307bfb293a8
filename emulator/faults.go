package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/azrepl/azrepl/emulator/entra"
	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// faultKind is one way a request can be made to fail.
type faultKind string

const (
	fault429      faultKind = "429"
	fault503      faultKind = "503"
	faultReset    faultKind = "reset"
	faultTruncate faultKind = "truncate"
	faultHTML     faultKind = "html"
)

// faultSpec is a parsed --faults value, e.g.
// "rate=0.2,kinds=429+503+reset+truncate+html,host=graph.microsoft.com" or "every=5,kinds=429".
type faultSpec struct {
	rate  float64
	every int
	kinds []faultKind
	host  string

	mu    sync.Mutex
	count int
}

func parseFaults(spec string) (*faultSpec, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, nil
	}
	f := &faultSpec{}
	for _, part := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || v == "" {
			return nil, fmt.Errorf("faults: %q is not key=value (keys: rate, every, kinds, host)", part)
		}
		switch k {
		case "rate":
			r, err := strconv.ParseFloat(v, 64)
			if err != nil || r <= 0 || r > 1 {
				return nil, fmt.Errorf("faults: rate=%s must be a number in (0, 1]", v)
			}
			f.rate = r
		case "every":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("faults: every=%s must be a whole number >= 1", v)
			}
			f.every = n
		case "kinds":
			for _, kind := range strings.Split(v, "+") {
				switch fk := faultKind(kind); fk {
				case fault429, fault503, faultReset, faultTruncate, faultHTML:
					f.kinds = append(f.kinds, fk)
				default:
					return nil, fmt.Errorf("faults: unknown kind %q (kinds: 429, 503, reset, truncate, html)", kind)
				}
			}
		case "host":
			f.host = strings.ToLower(v)
		default:
			return nil, fmt.Errorf("faults: unknown key %q (keys: rate, every, kinds, host)", k)
		}
	}
	switch {
	case f.rate == 0 && f.every == 0:
		return nil, fmt.Errorf("faults: give rate=R or every=N")
	case f.rate != 0 && f.every != 0:
		return nil, fmt.Errorf("faults: give rate=R or every=N, not both")
	}
	if len(f.kinds) == 0 {
		f.kinds = []faultKind{fault429}
	}
	return f, nil
}

// pick decides whether this request fails and how. every=N fails the Nth,
// 2Nth... matching request, cycling through the kinds; rate=R fails at random.
func (f *faultSpec) pick(host string) (faultKind, bool) {
	if f == nil || (f.host != "" && wire.HostOnly(host) != f.host) {
		return "", false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count++
	if f.every > 0 {
		if f.count%f.every != 0 {
			return "", false
		}
		return f.kinds[(f.count/f.every-1)%len(f.kinds)], true
	}
	if rand.Float64() >= f.rate {
		return "", false
	}
	return f.kinds[rand.IntN(len(f.kinds))], true
}

// faultService is whose error envelope an injected fault wears: by host name
// through the proxy, by path on the direct listener.
func faultService(r *http.Request) string {
	switch h := wire.HostOnly(r.Host); {
	case h == "login.microsoftonline.com":
		return "entra"
	case h == "graph.microsoft.com":
		return "graph"
	case h == "management.azure.com":
		return "arm"
	case strings.HasSuffix(h, ".azuredatabricks.net"):
		return "databricks"
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch first {
	case "v1.0", "beta":
		return "graph"
	case "subscriptions", "tenants", "providers":
		return "arm"
	case "oidc", "api", "aad", ".well-known":
		if first != ".well-known" || strings.HasPrefix(r.URL.Path, "/.well-known/databricks-config") {
			return "databricks"
		}
	}
	return "entra"
}

// armSubscription is the subscription id of an ARM path.
func armSubscription(path string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.ToLower(path), "/subscriptions/")
	id, _, _ := strings.Cut(rest, "/")
	return id, ok && id != ""
}

// armOperationKind is how ARM counts a request: read, write or delete.
func armOperationKind(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead:
		return "read"
	case http.MethodDelete:
		return "delete"
	}
	return "write"
}

// tokenObjectID is the oid of the bearer token (not verified: it only names
// the actor in a throttling message).
func tokenObjectID(r *http.Request) string {
	_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		OID string `json:"oid"`
	}
	if err != nil || json.Unmarshal(b, &c) != nil {
		return ""
	}
	return c.OID
}

// writeFaultBody answers an injected 429 or 503 in the envelope of the
// service the request went to (https://learn.microsoft.com/graph/throttling, https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling), with Retry-After.
func writeFaultBody(w http.ResponseWriter, r *http.Request, kind faultKind) {
	status := http.StatusTooManyRequests
	if kind == fault503 {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Retry-After", "1")
	switch faultService(r) {
	case "graph":
		if kind == fault503 {
			wire.JSON(w, status, map[string]any{"error": map[string]any{
				"code": "ServiceUnavailable", "message": "The service is temporarily unavailable. Please retry later."}})
			return
		}
		// Graph's documented throttling body (learn.microsoft.com/graph/throttling).
		wire.JSON(w, status, map[string]any{"error": map[string]any{
			"code": "TooManyRequests", "message": "Please retry again later.",
			"innerError": map[string]any{"code": "429", "date": time.Now().UTC().Format("2006-01-02T15:04:05"),
				"message": "Please retry after", "request-id": wire.TraceID(r), "status": "429"}}})
	case "arm":
		// ARM's envelope has no innerError.
		if kind == fault503 {
			wire.JSON(w, status, map[string]any{"error": map[string]any{
				"code": "ServiceUnavailable", "message": "The server is currently unable to handle the request. Please retry the request after some time."}})
			return
		}
		if sub, ok := armSubscription(r.URL.Path); ok {
			// ARM's own throttling of a subscription's requests (velero-io/velero#9171).
			wire.JSON(w, status, map[string]any{"error": map[string]any{
				"code": "SubscriptionRequestsThrottled",
				"message": fmt.Sprintf("Number of '%s' requests for subscription '%s' actor '%s' exceeded. Please try again after '1' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.",
					armOperationKind(r.Method), sub, tokenObjectID(r))}})
			return
		}
		wire.JSON(w, status, map[string]any{"error": map[string]any{
			"code":    "TooManyRequests",
			"message": "The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. For more information, see - https://aka.ms/srpthrottlinglimits"}})
	case "databricks":
		if kind == fault503 {
			wire.JSON(w, status, map[string]any{"error_code": "TEMPORARILY_UNAVAILABLE",
				"message": "The service at " + r.URL.Path + " is temporarily unavailable. Please try again later."})
			return
		}
		wire.JSON(w, status, map[string]any{"error_code": "REQUEST_LIMIT_EXCEEDED",
			"message": "Too many requests. Please wait a moment and try again. If the issue persists, consider adjusting your request frequency or reaching out to support for assistance."})
	default:
		// Entra answers in its OAuth envelope, even when throttling. The
		// AADSTS codes are those of Entra's error table (90055 tenant
		// throttling, 90033 a transient outage); no recorded body was found.
		if kind == fault503 {
			entra.WriteError(w, r, status, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.")
			return
		}
		entra.WriteError(w, r, status, "temporarily_unavailable", 90055,
			"TenantThrottlingError: There are too many incoming requests. Please try again later.")
	}
}
