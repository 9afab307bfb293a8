package traceexport

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/httpx"
)

// harInput is what ReadHAR takes from a HAR 1.2 file: browsers' developer
// tools (Chrome, Edge, Firefox) write HTTP/2 pseudo-headers, base64 bodies
// and fractional times; azrepl's own HAR adds _tokens.
type harInput struct {
	Log struct {
		Entries []struct {
			StartedDateTime string  `json:"startedDateTime"`
			Time            float64 `json:"time"`
			Request         struct {
				Method   string         `json:"method"`
				URL      string         `json:"url"`
				Headers  []harNameValue `json:"headers"`
				PostData *harPostData   `json:"postData"`
			} `json:"request"`
			Response struct {
				Status  int            `json:"status"`
				Headers []harNameValue `json:"headers"`
				Content struct {
					Text     string `json:"text"`
					Encoding string `json:"encoding"`
				} `json:"content"`
			} `json:"response"`
			Tokens []httpx.TokenClaims `json:"_tokens"`
			Error  string              `json:"_error"`
		} `json:"entries"`
	} `json:"log"`
}

// ReadHAR reads a HAR 1.2 archive into trace exchanges. Each entry goes
// through httpx's trace as if it had just happened, so a browser's archive,
// which holds tokens, secrets and cookies in clear, comes out redacted
// exactly as trace() (token claims decoded, then masked).
func ReadHAR(data []byte) ([]httpx.Exchange, error) {
	var h harInput
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("not a HAR file: %w", err)
	}
	if h.Log.Entries == nil {
		return nil, errors.New("not a HAR file: no log.entries")
	}
	rp := &harReplay{}
	c := httpx.New(httpx.Options{Transport: rp, TraceSize: len(h.Log.Entries) + 1, TraceBytes: 256 << 20})
	rt := c.HTTPClient().Transport
	for i, en := range h.Log.Entries {
		var body io.Reader = http.NoBody
		if pd := en.Request.PostData; pd != nil {
			text := pd.Text
			if text == "" && len(pd.Params) > 0 {
				var parts []string
				for _, p := range pd.Params {
					parts = append(parts, p.Name+"="+p.Value)
				}
				text = strings.Join(parts, "&")
			}
			body = strings.NewReader(text)
		}
		req, err := http.NewRequest(cmp.Or(en.Request.Method, "GET"), en.Request.URL, body)
		if err != nil {
			return nil, fmt.Errorf("HAR entry %d: %w", i+1, err)
		}
		req.Header = harHeader(en.Request.Headers)
		if pd := en.Request.PostData; pd != nil && pd.MimeType != "" && req.Header.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", pd.MimeType)
		}
		respBody := en.Response.Content.Text
		if en.Response.Content.Encoding == "base64" {
			if b, err := base64.StdEncoding.DecodeString(respBody); err == nil {
				respBody = string(b)
			}
		}
		rp.next = harAnswer{status: en.Response.Status, header: harHeader(en.Response.Headers), body: respBody, err: en.Error}
		if resp, err := rt.RoundTrip(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
	}
	out := c.Trace()
	for i := range out {
		if i >= len(h.Log.Entries) {
			break
		}
		en := h.Log.Entries[i]
		if t, err := time.Parse(time.RFC3339Nano, en.StartedDateTime); err == nil {
			out[i].Time = t
		}
		out[i].Duration = time.Duration(en.Time * float64(time.Millisecond))
		if len(out[i].Tokens) == 0 {
			out[i].Tokens = en.Tokens // azrepl's own HAR: the claims of tokens it had already masked
		}
	}
	return out, nil
}

// harHeader drops HTTP/2 pseudo-headers and the framing headers that do
// not describe the (already decoded) content of the archive.
func harHeader(pairs []harNameValue) http.Header {
	h := http.Header{}
	for _, p := range pairs {
		switch k := strings.ToLower(p.Name); {
		case strings.HasPrefix(k, ":"), k == "content-length", k == "content-encoding", k == "transfer-encoding":
			continue
		}
		h.Add(p.Name, p.Value)
	}
	return h
}

// harReplay answers each request with the archive's answer.
type harReplay struct{ next harAnswer }

type harAnswer struct {
	status int
	header http.Header
	body   string
	err    string
}

func (r *harReplay) RoundTrip(req *http.Request) (*http.Response, error) {
	a := r.next
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if a.status == 0 {
		return nil, errors.New(cmp.Or(a.err, "no answer in the archive"))
	}
	return &http.Response{StatusCode: a.status, Status: fmt.Sprintf("%d %s", a.status, http.StatusText(a.status)),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: a.header,
		Body: io.NopCloser(bytes.NewReader([]byte(a.body))), ContentLength: int64(len(a.body)), Request: req}, nil
}
