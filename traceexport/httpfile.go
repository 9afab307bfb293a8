package traceexport

import (
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	"github.com/azrepl/azrepl/httpx"
)

// httpSkipHeaders are set by the HTTP clients themselves.
var httpSkipHeaders = map[string]bool{"Content-Length": true, "Accept-Encoding": true, "Host": true, "User-Agent": true}

// HTTPFile writes the exchanges as a .http file (VS Code's REST Client,
// JetBrains' HTTP client): one request per "###" block, every masked
// secret replaced by a {{variable}} declared empty at the top: {{token}}
// for bearer tokens, {{client_secret}}, {{refresh_token}}… for form fields.
func HTTPFile(w io.Writer, all []httpx.Exchange) error {
	vars := map[string]bool{}
	var body strings.Builder
	for _, e := range sorted(all) {
		fmt.Fprintf(&body, "\n### %d. %s %s → %s\n", e.Index, e.Method, shorten(pathOf(e.URL), 80), statusWord(e))
		fmt.Fprintf(&body, "%s %s\n", e.Method, httpURL(e.URL, vars))
		for k, v := range httpx.SortedHeader(e.ReqHeader, httpSkipHeaders) {
			fmt.Fprintf(&body, "%s: %s\n", k, httpHeaderValue(k, v, e, vars))
		}
		switch {
		case e.ReqForm != nil:
			parts := make([]string, len(e.ReqForm))
			for i, f := range e.ReqForm {
				v := url.QueryEscape(f.Value)
				if f.Secret {
					v = variable(f.Name, vars)
				}
				parts[i] = url.QueryEscape(f.Name) + "=" + v
			}
			fmt.Fprintf(&body, "\n%s\n", strings.Join(parts, "&"))
		case e.ReqBody != "":
			fmt.Fprintf(&body, "\n%s\n", e.ReqBody)
		}
		if e.ReqBodyCut {
			body.WriteString("# (the body was cut in azrepl's trace)\n")
		}
	}
	var head strings.Builder
	head.WriteString("# HTTP exchanges recorded by azrepl; secrets are {{variables}}: set them before sending.\n")
	head.WriteString("# A bearer token, one per audience: azrepl token AUDIENCE (e.g. @token_graph_microsoft_com: azrepl token https://graph.microsoft.com)\n")
	names := make([]string, 0, len(vars))
	for v := range vars {
		names = append(names, v)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&head, "@%s =\n", n)
	}
	_, err := io.WriteString(w, head.String()+body.String())
	return err
}

func statusWord(e httpx.Exchange) string {
	if e.Err != "" || e.Status == 0 {
		return "no answer"
	}
	return fmt.Sprint(e.Status)
}

// tokenVariable names the bearer token of an exchange by its audience (the
// host when the token is opaque): one {{token}} for every host would send a
// Graph token to ARM, or any token to a host in the file that is not the
// one it was issued for.
func tokenVariable(e httpx.Exchange) string {
	aud := ""
	for _, t := range e.Tokens {
		if t.Where == "request Authorization" {
			aud, _ = t.Claims["aud"].(string)
		}
	}
	if aud == "" {
		if u, err := url.Parse(e.URL); err == nil {
			aud = u.Host
		}
	}
	aud = strings.TrimPrefix(strings.TrimPrefix(aud, "https://"), "api://")
	return "token_" + strings.Trim(aud, "/")
}

// variable declares and returns {{name}} for a masked value.
func variable(name string, vars map[string]bool) string {
	n := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, strings.ToLower(name))
	vars[n] = true
	return "{{" + n + "}}"
}

func httpHeaderValue(name, v string, e httpx.Exchange, vars map[string]bool) string {
	if name == "Authorization" {
		scheme, _, _ := strings.Cut(v, " ")
		switch {
		case strings.EqualFold(scheme, "Bearer"):
			return "Bearer " + variable(tokenVariable(e), vars)
		case e.BasicUser != "":
			// Both clients encode "Basic user password" themselves.
			return "Basic " + e.BasicUser + " " + variable("client_secret", vars)
		}
		return scheme + " " + variable("authorization", vars)
	}
	if v == httpx.Mask {
		return variable(name, vars)
	}
	return v
}

// httpURL replaces masked query parameters with variables.
func httpURL(raw string, vars map[string]bool) string {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" || !strings.Contains(u.RawQuery, url.QueryEscape(httpx.Mask)) && !strings.Contains(u.RawQuery, httpx.Mask) {
		return raw
	}
	parts := strings.Split(u.RawQuery, "&")
	for i, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		if uv, err := url.QueryUnescape(v); err == nil && uv == httpx.Mask {
			name, _ := url.QueryUnescape(k)
			parts[i] = k + "=" + variable(name, vars)
		}
	}
	u.RawQuery = ""
	return u.String() + "?" + strings.Join(parts, "&")
}
