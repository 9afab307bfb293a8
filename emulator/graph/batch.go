package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

const maxBatchRequests = 20

type batchRequest struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// serveBatch runs each item through the same routes, with the outer token:
// in request order, except that an item runs after the items it depends on
// (which may come later in the payload, as in Graph's own documentation).
func (s *server) serveBatch(rc *requestContext, p *principal, version string) {
	if rc.r.Method != http.MethodPost {
		rc.methodNotAllowed()
		return
	}
	var in struct {
		Requests []batchRequest `json:"requests"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(rc.w, rc.r.Body, 4<<20))
	if err := dec.Decode(&in); err != nil || in.Requests == nil {
		rc.fail(http.StatusBadRequest, "BadRequest", "Invalid batch payload format.")
		return
	}
	if len(in.Requests) > maxBatchRequests {
		rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Number of batch requests exceed the max limit of %d.", maxBatchRequests))
		return
	}
	order, msg := batchOrder(in.Requests)
	if msg != "" {
		rc.fail(http.StatusBadRequest, "BadRequest", msg)
		return
	}
	// Ids are compared without case; statuses are kept by lower-case id.
	status := map[string]int{}
	out := make([]batchResponse, len(in.Requests))
	throttle := rc.r.Context().Value(throttleKey{}) != nil
	for n, i := range order {
		br := in.Requests[i]
		var res batchResponse
		if throttle && n == 0 {
			res = s.throttledItem(rc, br.ID)
		} else {
			res = s.runBatchItem(rc, p, version, br, status)
		}
		status[strings.ToLower(br.ID)] = res.Status
		out[i] = res
	}
	body, _ := json.Marshal(map[string]any{"responses": out})
	rc.writeBody(jsonContentType, body)
}

func (s *server) runBatchItem(outer *requestContext, p *principal, version string, br batchRequest, status map[string]int) batchResponse {
	rec := newRecorder()
	for _, d := range br.DependsOn {
		if status[strings.ToLower(d)] >= 400 {
			rc := newRequestContext(s, rec, outer.r)
			rc.fail(http.StatusFailedDependency, "BadRequest", "Dependent request "+d+" failed.")
			return rec.response(br.ID)
		}
	}
	path := strings.TrimPrefix(br.URL, "/")
	if strings.Contains(br.URL, "://") || strings.HasPrefix(path, "$batch") {
		rc := newRequestContext(s, rec, outer.r)
		rc.fail(http.StatusBadRequest, "BadRequest", "Invalid request URL: "+br.URL)
		return rec.response(br.ID)
	}
	method := strings.ToUpper(br.Method)
	sub, err := http.NewRequestWithContext(outer.r.Context(), method, "/"+version+"/"+path, bytes.NewReader(br.Body))
	if err != nil {
		rc := newRequestContext(s, rec, outer.r)
		rc.fail(http.StatusBadRequest, "BadRequest", "Invalid request URL: "+br.URL)
		return rec.response(br.ID)
	}
	sub.Host, sub.TLS = outer.r.Host, outer.r.TLS
	for k, v := range br.Headers {
		sub.Header.Set(k, v)
	}
	sub.Header.Set("Authorization", outer.r.Header.Get("Authorization"))
	rc := newRequestContext(s, rec, sub)
	s.route(rc, p, version, strings.TrimSuffix(strings.SplitN(path, "?", 2)[0], "/"))
	return rec.response(br.ID)
}

type throttleKey struct{}

// ThrottleBatch marks a $batch request to be throttled as Graph throttles
// batches: the envelope is 200 and one item is 429 with its own Retry-After,
// which may be fractional (microsoftgraph/microsoft-graph-docs#3877).
func ThrottleBatch(ctx context.Context) context.Context {
	return context.WithValue(ctx, throttleKey{}, true)
}

// IsBatch says whether a request is a Graph $batch.
func IsBatch(r *http.Request) bool {
	_, rest, ok := splitVersion(r.URL.Path)
	return ok && rest == "$batch" && r.Method == http.MethodPost
}

// throttledItem is a batch item Graph refused for throttling.
func (s *server) throttledItem(outer *requestContext, id string) batchResponse {
	rec := newRecorder()
	rc := newRequestContext(s, rec, outer.r)
	rec.Header().Set("Retry-After", "0.249")
	rc.fail(http.StatusTooManyRequests, "TooManyRequests", "The server is busy. Please try again later.")
	return rec.response(id)
}

// recorder captures one batch item's response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

// response is the batch item: JSON bodies are embedded, others become a JSON string.
func (r *recorder) response(id string) batchResponse {
	out := batchResponse{ID: id, Status: r.status, Headers: map[string]string{}}
	for _, k := range []string{"Content-Type", "Retry-After", "WWW-Authenticate"} {
		if v := r.header.Get(k); v != "" {
			out.Headers[k] = v
		}
	}
	if r.body.Len() > 0 {
		if strings.HasPrefix(r.header.Get("Content-Type"), "application/json") && json.Valid(r.body.Bytes()) {
			out.Body = r.body.Bytes()
		} else {
			out.Body, _ = json.Marshal(r.body.String())
		}
	}
	return out
}

// batchOrder checks the payload as Graph does (an id and a method on every
// request, ids unique without regard to case, dependsOn naming requests of
// the batch, no cycles) and returns the order to run the requests in.
func batchOrder(reqs []batchRequest) (order []int, message string) {
	index := map[string]int{}
	for i, br := range reqs {
		if br.ID == "" {
			return nil, "Batch request contains a request without an id."
		}
		if strings.TrimSpace(br.Method) == "" {
			return nil, "Invalid batch payload format: the request with id '" + br.ID + "' has no method."
		}
		if _, dup := index[strings.ToLower(br.ID)]; dup {
			return nil, "Batch request contains duplicate Id " + br.ID + "."
		}
		index[strings.ToLower(br.ID)] = i
	}
	for _, br := range reqs {
		for _, d := range br.DependsOn {
			if _, ok := index[strings.ToLower(d)]; !ok {
				return nil, "Request " + br.ID + " depends on request " + d + ", which is not in the batch."
			}
		}
	}
	const (
		unvisited = iota
		visiting
		done
	)
	state := make([]int, len(reqs))
	var visit func(i int) bool
	visit = func(i int) bool {
		switch state[i] {
		case done:
			return true
		case visiting:
			return false
		}
		state[i] = visiting
		for _, d := range reqs[i].DependsOn {
			if !visit(index[strings.ToLower(d)]) {
				return false
			}
		}
		state[i] = done
		order = append(order, i)
		return true
	}
	for i := range reqs {
		if !visit(i) {
			return nil, "Batch request contains a circular dependency involving request " + reqs[i].ID + "."
		}
	}
	return order, ""
}
