package traceexport

import (
	"cmp"
	"encoding/json"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/azrepl/azrepl/httpx"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): the required
// members are always written, even when empty; custom members start with "_".

type harFile struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Entries []harEntry `json:"entries"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harEntry struct {
	StartedDateTime string              `json:"startedDateTime"`
	Time            float64             `json:"time"`
	Request         harRequest          `json:"request"`
	Response        harResponse         `json:"response"`
	Cache           struct{}            `json:"cache"`
	Timings         harTimings          `json:"timings"`
	Comment         string              `json:"comment,omitempty"`
	Tokens          []httpx.TokenClaims `json:"_tokens,omitempty"`
	Error           string              `json:"_error,omitempty"`
}

type harNameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harRequest struct {
	Method      string         `json:"method"`
	URL         string         `json:"url"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []harNameValue `json:"cookies"`
	Headers     []harNameValue `json:"headers"`
	QueryString []harNameValue `json:"queryString"`
	PostData    *harPostData   `json:"postData,omitempty"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int64          `json:"bodySize"`
}

type harPostData struct {
	MimeType string         `json:"mimeType"`
	Params   []harNameValue `json:"params,omitempty"`
	Text     string         `json:"text"`
}

type harResponse struct {
	Status      int            `json:"status"`
	StatusText  string         `json:"statusText"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []harNameValue `json:"cookies"`
	Headers     []harNameValue `json:"headers"`
	Content     harContent     `json:"content"`
	RedirectURL string         `json:"redirectURL"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int64          `json:"bodySize"`
}

type harContent struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

type harTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// HAR writes the exchanges as a HAR 1.2 archive. version is azrepl's.
func HAR(w io.Writer, all []httpx.Exchange, version string) error {
	f := harFile{Log: harLog{Version: "1.2", Creator: harCreator{Name: "azrepl", Version: version}, Entries: []harEntry{}}}
	for _, e := range sorted(all) {
		// Whole milliseconds, as Firefox writes them: HAR allows fractions, but
		// readers typed with integers (martian's, others) refuse them.
		ms := math.Round(float64(e.Duration.Microseconds()) / 1000)
		en := harEntry{
			StartedDateTime: e.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
			Time:            ms,
			Request: harRequest{
				Method: e.Method, URL: e.URL, HTTPVersion: "HTTP/1.1",
				Cookies: []harNameValue{}, Headers: harPairs(e.ReqHeader), QueryString: harQuery(e.URL),
				HeadersSize: -1, BodySize: e.ReqSize,
			},
			Response: harResponse{
				Status: e.Status, StatusText: http.StatusText(e.Status), HTTPVersion: "HTTP/1.1",
				Cookies: []harNameValue{}, Headers: harPairs(e.RespHeader),
				Content:     harContent{Size: e.RespSize, MimeType: cmp.Or(e.RespHeader.Get("Content-Type"), "x-unknown"), Text: e.RespBody},
				RedirectURL: e.RespHeader.Get("Location"), HeadersSize: -1, BodySize: e.RespSize,
			},
			Timings: harTimings{Send: 0, Wait: ms, Receive: 0},
			Tokens:  e.Tokens,
			Error:   e.Err,
		}
		if e.ReqBody != "" || e.ReqSize > 0 {
			pd := &harPostData{MimeType: cmp.Or(e.ReqHeader.Get("Content-Type"), "application/octet-stream"), Text: e.ReqBody}
			for _, ff := range e.ReqForm {
				pd.Params = append(pd.Params, harNameValue{Name: ff.Name, Value: ff.Value})
			}
			en.Request.PostData = pd
		}
		if e.RespBodyCut {
			en.Response.Content.Comment = "body cut by azrepl's trace"
		}
		if e.Attempt > 1 {
			en.Comment = "retry, attempt " + strconv.Itoa(e.Attempt)
		}
		f.Log.Entries = append(f.Log.Entries, en)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

func harQuery(raw string) []harNameValue {
	u, err := url.Parse(raw)
	if err != nil {
		return []harNameValue{}
	}
	return harPairs(u.Query())
}

// harPairs lists a header or query map as HAR name/value pairs, sorted by
// name so that the same exchange always writes the same file.
func harPairs(m map[string][]string) []harNameValue {
	out := []harNameValue{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		for _, v := range m[k] {
			out = append(out, harNameValue{Name: k, Value: v})
		}
	}
	return out
}
