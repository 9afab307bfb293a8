package httpx

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// GraphBatchSize is Graph's limit of requests in one $batch.
const GraphBatchSize = 20

// graphBatchConcurrency bounds the $batch posts in flight: each already
// carries 20 requests, and Graph throttles per app and tenant.
const graphBatchConcurrency = 4

// SubRequest is one request inside a Graph $batch.
type SubRequest struct {
	ID        string            `json:"id"` // "" = its position, 1-based
	Method    string            `json:"method"`
	URL       string            `json:"url"` // relative to the version: "/me", "/groups?$top=5"
	Header    map[string]string `json:"headers,omitempty"`
	Body      json.RawMessage   `json:"body,omitempty"`
	DependsOn []string          `json:"dependsOn,omitempty"`
}

// SubResponse is the answer to one SubRequest (or Err when none came).
type SubResponse struct {
	ID       string            `json:"id"`
	Status   int               `json:"status"`
	Header   map[string]string `json:"headers,omitempty"`
	Body     json.RawMessage   `json:"body,omitempty"`
	Attempts int               `json:"-"`
	Err      error             `json:"-"`
}

// GraphBatch sends subs through Graph's JSON batching at baseURL (e.g.
// https://graph.microsoft.com/v1.0), GraphBatchSize per post, posts running
// concurrently, and returns the answers in the order of subs. Sub-requests
// answered 429/503/504 are sent again when they are GETs, after the longest
// Retry-After their answers asked for. The error is for invalid input only.
func (c *Client) GraphBatch(ctx context.Context, baseURL string, subs []SubRequest) ([]SubResponse, error) {
	base := strings.TrimRight(baseURL, "/")
	bu, err := url.Parse(base)
	if err != nil || !bu.IsAbs() {
		return nil, fmt.Errorf("graph batch: base URL %q: want e.g. https://graph.microsoft.com/v1.0", baseURL)
	}
	reqs := make([]SubRequest, len(subs))
	index := make(map[string]int, len(subs))
	for i, s := range subs {
		s.Method = strings.ToUpper(s.Method)
		if s.Method == "" {
			s.Method = http.MethodGet
		}
		if s.ID == "" {
			s.ID = strconv.Itoa(i + 1)
		}
		if _, dup := index[s.ID]; dup {
			return nil, fmt.Errorf("graph batch: id %q used twice", s.ID)
		}
		index[s.ID] = i
		s.URL = relativeGraphURL(s.URL, base, bu.Path)
		if len(s.Body) > 0 && !hasKeyFold(s.Header, "Content-Type") {
			h := make(map[string]string, len(s.Header)+1)
			for k, v := range s.Header {
				h[k] = v
			}
			h["Content-Type"] = "application/json"
			s.Header = h
		}
		reqs[i] = s
	}
	for i, s := range reqs {
		for _, d := range s.DependsOn {
			j, ok := index[d]
			if !ok || j/GraphBatchSize != i/GraphBatchSize {
				return nil, fmt.Errorf("graph batch: %q depends on %q, which is not in the same group of %d", s.ID, d, GraphBatchSize)
			}
		}
	}

	out := make([]SubResponse, len(reqs))
	pending := make([]int, len(reqs))
	for i := range pending {
		pending[i] = i
	}
	for round := 1; len(pending) > 0; round++ {
		c.postChunks(ctx, base+"/$batch", reqs, pending, round, out)
		var again []int
		var wait time.Duration
		for _, i := range pending {
			r := out[i]
			if r.Err != nil || !retryableStatus(r.Status) || !idempotentMethod(reqs[i].Method) || round >= c.retry.MaxAttempts {
				continue
			}
			d, ok := ParseRetryAfter(headerFold(r.Header, "Retry-After"), time.Now())
			if !ok {
				d = c.retry.backoff(round)
			}
			if d > c.retry.MaxRetryAfter {
				continue
			}
			wait = max(wait, d)
			again = append(again, i)
			reqs[i].DependsOn = nil // what it depended on has been answered
		}
		if len(again) == 0 {
			break
		}
		ev := RetryEvent{Method: http.MethodPost, URL: c.red.url(base + "/$batch"), Attempt: round,
			Status: out[again[0]].Status, Reason: fmt.Sprintf("%d of the batch's requests throttled", len(again)), Wait: wait}
		if c.wait(ctx, ev) != nil {
			break
		}
		pending = again
	}
	return out, nil
}

// postChunks posts the pending sub-requests in groups and fills out.
func (c *Client) postChunks(ctx context.Context, batchURL string, reqs []SubRequest, pending []int, round int, out []SubResponse) {
	sem := make(chan struct{}, graphBatchConcurrency)
	var wg sync.WaitGroup
	for start := 0; start < len(pending); start += GraphBatchSize {
		chunk := pending[start:min(start+GraphBatchSize, len(pending))]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c.postChunk(ctx, batchURL, reqs, chunk, round, out)
		}()
	}
	wg.Wait()
}

func (c *Client) postChunk(ctx context.Context, batchURL string, reqs []SubRequest, chunk []int, round int, out []SubResponse) {
	body := struct {
		Requests []SubRequest `json:"requests"`
	}{}
	allGET := true
	byID := make(map[string]int, len(chunk))
	for _, i := range chunk {
		body.Requests = append(body.Requests, reqs[i])
		byID[reqs[i].ID] = i
		allGET = allGET && idempotentMethod(reqs[i].Method)
	}
	fail := func(err error) {
		for _, i := range chunk {
			out[i] = SubResponse{ID: reqs[i].ID, Attempts: round, Err: err}
		}
	}
	payload, err := json.Marshal(body)
	if err != nil {
		fail(err)
		return
	}
	// The whole post may be resent when every request in it is safe to resend.
	resp, err := c.Do(ctx, &Request{Method: http.MethodPost, URL: batchURL, Body: payload, Idempotent: &allGET})
	if err == nil {
		err = resp.Err()
	}
	if err != nil {
		fail(err)
		return
	}
	var answer struct {
		Responses []SubResponse `json:"responses"`
	}
	if err := json.Unmarshal(resp.Body, &answer); err != nil {
		fail(fmt.Errorf("graph batch: unreadable answer: %w", err))
		return
	}
	got := make(map[int]bool, len(chunk))
	for _, a := range answer.Responses {
		i, ok := byID[a.ID]
		if !ok {
			continue
		}
		a.Attempts = round
		out[i] = a
		got[i] = true
	}
	for _, i := range chunk {
		if !got[i] {
			out[i] = SubResponse{ID: reqs[i].ID, Attempts: round, Err: fmt.Errorf("graph batch: no answer for request %q", reqs[i].ID)}
		}
	}
}

// relativeGraphURL turns "https://graph.microsoft.com/v1.0/me" or "/v1.0/me"
// into "/me": $batch wants URLs relative to the version.
func relativeGraphURL(u, base, basePath string) string {
	if rest, ok := strings.CutPrefix(u, base); ok {
		u = rest
	} else if basePath != "" && basePath != "/" {
		if rest, ok := strings.CutPrefix(u, basePath+"/"); ok {
			u = "/" + rest
		}
	}
	if !strings.HasPrefix(u, "/") {
		u = "/" + u
	}
	return u
}

func hasKeyFold(m map[string]string, key string) bool {
	for k := range m {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

func headerFold(m map[string]string, key string) string {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}
