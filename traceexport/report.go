package traceexport

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/explain"
	"github.com/azrepl/azrepl/httpx"
)

// ReportOptions title and date the report.
type ReportOptions struct {
	Title     string
	Version   string    // azrepl's
	Generated time.Time // default now
	Client    string    // the first lane's name (default "azrepl"): the recorded program
}

type reportData struct {
	Title, Version, Generated string
	Count                     int
	Diagram                   template.HTML
	Mermaid                   string
	Exchanges                 []reportExchange
}

type reportExchange struct {
	Index                   int
	Method, URL, Time, Ms   string
	Status                  string
	Attempt                 int
	Failed                  bool
	Participant, Label      string
	Explained               string // the step in words (package explain)
	ReqHeaders, RespHeaders []harNameValue
	ReqBody, RespBody       string
	ReqBodyCut, RespBodyCut bool
	Tokens                  []reportToken
	Error                   *reportError
	Curl                    string
	ReqSize, RespSize       int64
	TransportError          string
}

type reportToken struct {
	Where, Audience, Scopes, Roles, Expires, Validity, Tenant, Who, App string
	Claims                                                              string
}

type reportError struct {
	Code, Message, Hint string
}

// Report writes one self-contained HTML page: the sequence diagram drawn
// as inline SVG, then every exchange as an expandable section with its
// headers and bodies (as redacted as the trace), the JWTs it carried
// decoded beside it (audience, scopes or roles, expiry), and its error with
// a hint. It loads nothing: no script, and a Content-Security-Policy that
// forbids any fetch.
func Report(w io.Writer, all []httpx.Exchange, o ReportOptions) error {
	if o.Generated.IsZero() {
		o.Generated = time.Now()
	}
	if o.Title == "" {
		o.Title = "azrepl session report"
	}
	all = sorted(all)
	steps := Steps(all)
	d := reportData{Title: o.Title, Version: o.Version, Generated: o.Generated.UTC().Format(time.RFC3339), Count: len(all),
		Diagram: template.HTML(svgWith(steps, o.Client)), Mermaid: mermaidWith(all, o.Client)}
	for i, e := range all {
		r := reportExchangeOf(e, steps[i])
		r.Explained = explain.Line(cmp.Or(o.Client, Client), explain.Explain(e))
		d.Exchanges = append(d.Exchanges, r)
	}
	var buf bytes.Buffer
	if err := reportTemplate().Execute(&buf, d); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func reportExchangeOf(e httpx.Exchange, s Step) reportExchange {
	r := reportExchange{
		Index: e.Index, Method: e.Method, URL: e.URL, Time: e.Time.UTC().Format("15:04:05.000"),
		Ms: fmt.Sprintf("%.1f", float64(e.Duration.Microseconds())/1000), Attempt: e.Attempt, Failed: s.Failed,
		Participant: s.To, Label: requestLabel(s), Status: s.Answer,
		ReqHeaders: harPairs(e.ReqHeader), RespHeaders: harPairs(e.RespHeader),
		ReqBody: pretty(e.ReqBody), RespBody: pretty(e.RespBody), ReqBodyCut: e.ReqBodyCut, RespBodyCut: e.RespBodyCut,
		Curl: e.Curl(), ReqSize: e.ReqSize, RespSize: e.RespSize, TransportError: e.Err,
	}
	for _, t := range e.Tokens {
		r.Tokens = append(r.Tokens, reportTokenOf(t, e.Time))
	}
	r.Error = reportErrorOf(e)
	return r
}

func reportTokenOf(t httpx.TokenClaims, at time.Time) reportToken {
	c := t.Claims
	rt := reportToken{Where: t.Where, Audience: claimText(c["aud"]), Scopes: claimText(c["scp"]), Roles: claimText(c["roles"]),
		Tenant: claimText(c["tid"]), Who: cmp.Or(claimText(c["upn"]), claimText(c["preferred_username"]), claimText(c["sub"])),
		App: cmp.Or(claimText(c["appid"]), claimText(c["azp"]), claimText(c["client_id"]))}
	if rt.Scopes == "" {
		rt.Scopes = claimText(c["scope"]) // Databricks OAuth tokens
	}
	if exp, ok := c["exp"].(float64); ok {
		t := time.Unix(int64(exp), 0).UTC()
		rt.Expires = t.Format(time.RFC3339)
		if left := t.Sub(at).Round(time.Second); left > 0 {
			rt.Validity = "valid for " + left.String() + " after this exchange"
		} else {
			rt.Validity = "already expired at this exchange"
		}
	}
	raw, _ := json.MarshalIndent(c, "", "  ")
	rt.Claims = string(raw)
	return rt
}

// reportErrorOf reads an error answer: Entra's OAuth errors with their
// AADSTS hint, the services' envelopes with a hint by status.
func reportErrorOf(e httpx.Exchange) *reportError {
	if e.Err != "" {
		return &reportError{Code: "no answer", Message: e.Err, Hint: errcode.NoAnswerHint}
	}
	if e.Status < 400 {
		return nil
	}
	if ee, ok := auth.ParseOAuthError(e.Status, []byte(e.RespBody)); ok {
		code := ee.Err
		if len(ee.Codes) > 0 {
			code = fmt.Sprintf("%s (AADSTS%d)", ee.Err, ee.Codes[0])
		}
		return &reportError{Code: code, Message: ee.Description, Hint: ee.Hint()}
	}
	se := httpx.ParseServiceError(e.Status, e.RespHeader, []byte(e.RespBody), e.URL)
	return &reportError{Code: cmp.Or(se.Code, http.StatusText(e.Status)), Message: se.Message, Hint: errcode.Status(e.Status).Hint}
}

// pretty indents a JSON body; other bodies are kept as they are.
func pretty(s string) string {
	t := strings.TrimSpace(s)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return s
	}
	var b bytes.Buffer
	if json.Indent(&b, []byte(t), "", "  ") != nil {
		return s
	}
	return b.String()
}

// reportTemplate is parsed on first use: every azrepl process (the token
// commands too) would otherwise pay for it at start-up.
var reportTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Parse(reportHTML))
})

const reportHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="azrepl {{.Version}}">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
.meta { color: #666; }
#diagram { overflow-x: auto; border: 1px solid #ddd; padding: .5em; background: #fff; }
#diagram a text { cursor: pointer; }
details.exchange { border: 1px solid #ccd; border-radius: 4px; margin: .4em 0; padding: .3em .6em; }
details.exchange.failed { border-color: #c0392b; }
details.exchange > summary { cursor: pointer; font-family: ui-monospace, monospace; }
.status { font-weight: bold; } .failed .status { color: #c0392b; }
table { border-collapse: collapse; margin: .4em 0; font-size: .9em; }
td, th { border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
pre { background: #f6f8fa; padding: .5em; overflow-x: auto; max-height: 30em; font-size: .85em; }
.error { background: #fdecea; border-left: 4px solid #c0392b; padding: .4em .7em; margin: .4em 0; }
.hint { font-style: italic; }
.jwt { background: #eef7ee; border-left: 4px solid #2e7d32; padding: .3em .7em; margin: .4em 0; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
@media (max-width: 900px) { .cols { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">{{.Count}} HTTP exchanges, recorded by azrepl {{.Version}}; written {{.Generated}}. Secrets are masked as in trace(); tokens are shown by their decoded claims only.</p>
<h2>Sequence</h2>
<div id="diagram">{{.Diagram}}</div>
<details id="mermaid"><summary>Mermaid source</summary><pre>{{.Mermaid}}</pre></details>
<h2>Exchanges</h2>
{{range .Exchanges}}
<details class="exchange{{if .Failed}} failed{{end}}" id="ex-{{.Index}}">
<summary>{{.Index}}. {{.Method}} {{.URL}} → <span class="status">{{.Status}}</span> ({{.Ms}} ms{{if gt .Attempt 1}}, attempt {{.Attempt}}{{end}})</summary>
<p class="meta">{{.Time}} UTC · {{.Participant}} · {{.Label}}</p>
<p class="explained">{{.Explained}}</p>
{{with .Error}}<div class="error"><b>{{.Code}}</b>{{if .Message}}: {{.Message}}{{end}}{{if .Hint}}<div class="hint">Hint: {{.Hint}}</div>{{end}}</div>{{end}}
{{range .Tokens}}<div class="jwt" data-where="{{.Where}}">
<b>JWT, {{.Where}}</b>
<table>
<tr><th>aud</th><td class="aud">{{.Audience}}</td></tr>
{{if .Scopes}}<tr><th>scp</th><td class="scp">{{.Scopes}}</td></tr>{{end}}
{{if .Roles}}<tr><th>roles</th><td class="roles">{{.Roles}}</td></tr>{{end}}
{{if .Expires}}<tr><th>exp</th><td class="exp">{{.Expires}} ({{.Validity}})</td></tr>{{end}}
{{if .Tenant}}<tr><th>tid</th><td>{{.Tenant}}</td></tr>{{end}}
{{if .Who}}<tr><th>who</th><td>{{.Who}}</td></tr>{{end}}
{{if .App}}<tr><th>app</th><td>{{.App}}</td></tr>{{end}}
</table>
<details><summary>all public claims</summary><pre>{{.Claims}}</pre></details>
</div>{{end}}
<div class="cols">
<div><h3>Request</h3>
<table>{{range .ReqHeaders}}<tr><th>{{.Name}}</th><td>{{.Value}}</td></tr>{{end}}</table>
{{if .ReqBody}}<pre>{{.ReqBody}}</pre>{{if .ReqBodyCut}}<p class="meta">(cut; {{.ReqSize}} bytes sent)</p>{{end}}{{end}}
</div>
<div><h3>Response</h3>
{{if .TransportError}}<p class="error">{{.TransportError}}</p>{{end}}
<table>{{range .RespHeaders}}<tr><th>{{.Name}}</th><td>{{.Value}}</td></tr>{{end}}</table>
{{if .RespBody}}<pre>{{.RespBody}}</pre>{{if .RespBodyCut}}<p class="meta">(cut; {{.RespSize}} bytes received)</p>{{end}}{{end}}
</div>
</div>
<details><summary>curl</summary><pre>{{.Curl}}</pre></details>
</details>
{{end}}
</body>
</html>
`
