package arm

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/golang-jwt/jwt/v5"
)

// requestContext carries one request, its ids and the writer.
type requestContext struct {
	s      *server
	w      http.ResponseWriter
	r      *http.Request
	claims jwt.MapClaims // the token's, once authenticated
	caller caller
}

func newRequestContext(s *server, w http.ResponseWriter, r *http.Request) *requestContext {
	id := wire.RandomGUID()
	h := w.Header()
	h.Set("x-ms-request-id", id)
	corr := r.Header.Get("x-ms-correlation-request-id")
	if corr == "" {
		corr = id
	}
	h.Set("x-ms-correlation-request-id", corr)
	h.Set("x-ms-routing-request-id", "WESTUS:"+s.cfg.Now().UTC().Format("20060102T150405Z")+":"+id)
	setRateLimitHeaders(h, r)
	h.Set("Cache-Control", "no-cache")
	return &requestContext{s: s, w: w, r: r}
}

// setRateLimitHeaders: ARM counts reads, writes and deletes per subscription
// (tenant-level calls count tenant reads) and says what is left; the values
// are those of a fresh window in Azure/azure-sdk-for-python's recording
// test_mgmt_resource.test_resource_groups.yaml.
func setRateLimitHeaders(h http.Header, r *http.Request) {
	if !strings.HasPrefix(strings.ToLower(r.URL.Path), "/subscriptions/") {
		h.Set("x-ms-ratelimit-remaining-tenant-reads", "11999")
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.Set("x-ms-ratelimit-remaining-subscription-reads", "11999")
		h.Set("x-ms-ratelimit-remaining-subscription-global-reads", "16499")
	case http.MethodDelete:
		h.Set("x-ms-ratelimit-remaining-subscription-deletes", "14999")
		h.Set("x-ms-ratelimit-remaining-subscription-global-deletes", "22499")
	default:
		h.Set("x-ms-ratelimit-remaining-subscription-writes", "1199")
		h.Set("x-ms-ratelimit-remaining-subscription-global-writes", "11999")
	}
}

// fail writes ARM's error envelope.
func (rc *requestContext) fail(status int, code, message string) {
	rc.writeJSON(status, map[string]any{"error": map[string]string{"code": code, "message": message}})
}

func (rc *requestContext) writeJSON(status int, v any) {
	b, _ := json.Marshal(v)
	rc.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	rc.w.WriteHeader(status)
	_, _ = rc.w.Write(b)
}

var apiVersionPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-preview)?$`) })

const defaultPageSize = 100

// writePage answers {"value":[...],"nextLink":...} for the page that
// $skiptoken and $top select; nextLink keeps the other parameters.
func (rc *requestContext) writePage(all []any, withCount bool) {
	q := rc.r.URL.Query()
	size := defaultPageSize
	if t := q.Get("$top"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 {
			rc.fail(http.StatusBadRequest, "InvalidParameter", "The value of '$top' query parameter '"+t+"' is not valid.")
			return
		}
		size = n
	}
	start := 0
	if tok := q.Get("$skiptoken"); tok != "" {
		n, ok := decodeSkipToken(tok)
		if !ok {
			rc.fail(http.StatusBadRequest, "InvalidSkipToken", "The provided skip token is not valid.")
			return
		}
		start = min(n, len(all))
	}
	end := min(start+size, len(all))
	body := map[string]any{"value": all[start:end]}
	if withCount {
		body["count"] = map[string]any{"type": "Total", "value": len(all)}
	}
	if end < len(all) {
		q.Set("$skiptoken", encodeSkipToken(end))
		scheme := "https"
		if rc.r.TLS == nil {
			scheme = "http"
		}
		u := url.URL{Scheme: scheme, Host: rc.r.Host, Path: rc.r.URL.Path, RawQuery: strings.ReplaceAll(q.Encode(), "%24", "$")}
		body["nextLink"] = u.String()
	}
	rc.writeJSON(http.StatusOK, body)
}

func encodeSkipToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("arm-skip:" + strconv.Itoa(offset)))
}

func decodeSkipToken(tok string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	num, ok := strings.CutPrefix(string(b), "arm-skip:")
	n, err := strconv.Atoi(num)
	return n, ok && err == nil && n >= 0
}

// methodIs answers 405 unless the request is a GET (or HEAD) or the given method.
func (rc *requestContext) methodIs(m string) bool {
	if rc.r.Method == m || (m == http.MethodGet && rc.r.Method == http.MethodHead) {
		return true
	}
	rc.fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested resource does not support http method '"+rc.r.Method+"'.")
	return false
}
