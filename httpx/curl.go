package httpx

import (
	"net/http"
	"strings"
)

// curlSkipHeaders are set by curl itself or describe this connection only.
var curlSkipHeaders = map[string]bool{
	"Content-Length": true, "Host": true, "Accept-Encoding": true, "Connection": true, "User-Agent": true,
	"Authorization": true, // written separately with a placeholder
}

// Curl returns a shell command (POSIX sh quoting) that reproduces the
// exchange. Secrets are placeholders for the reader to set: $TOKEN for the
// bearer token, $CLIENT_SECRET, $REFRESH_TOKEN, $CODE… for form fields and
// JSON members, written so the shell expands them.
func (e Exchange) Curl() string {
	var parts []string
	add := func(p ...string) { parts = append(parts, p...) }
	add("curl")
	switch {
	case e.Method == http.MethodHead:
		add("-I") // -X HEAD would wait for a body that never comes
	case e.Method != http.MethodGet && !(e.Method == http.MethodPost && e.ReqSize > 0):
		add("-X", shellQuote(e.Method))
	}
	add(shellQuote(e.URL))
	if auth := e.ReqHeader.Get("Authorization"); auth != "" {
		scheme, _, _ := strings.Cut(auth, " ")
		switch {
		case strings.EqualFold(scheme, "Bearer"):
			add("-H", `"Authorization: Bearer $TOKEN"`)
		case e.BasicUser != "":
			add("-u", shellQuote(e.BasicUser+":")+`"$CLIENT_SECRET"`)
		default:
			add("-H", shellQuote("Authorization: "+scheme+" ")+`"$AUTHORIZATION"`)
		}
	}
	for k, v := range SortedHeader(e.ReqHeader, curlSkipHeaders) {
		add("-H", shellQuote(k+": "+v))
	}
	switch {
	case len(e.ReqForm) > 0:
		for _, f := range e.ReqForm {
			if f.Secret {
				add("--data-urlencode", shellQuote(f.Name+"=")+`"`+placeholder(f.Name)+`"`)
			} else {
				add("--data-urlencode", shellQuote(f.Name+"="+f.Value))
			}
		}
	case e.ReqBody != "":
		add("--data", jsonWithPlaceholders(e.ReqBody))
	}
	return strings.Join(parts, " ")
}

func placeholder(field string) string {
	if p, ok := secretFields[strings.ToLower(field)]; ok {
		return p
	}
	return "$SECRET"
}

var maskedJSONFieldRE = newLazyRE(`"(` + fieldAlternation() + `)"(\s*:\s*)"\*\*\*"`)

// jsonWithPlaceholders quotes a (masked) body for the shell, turning
// "password":"***" into "password":"$PASSWORD" expanded by the shell.
func jsonWithPlaceholders(body string) string {
	var b strings.Builder
	last := 0
	for _, m := range maskedJSONFieldRE.FindAllStringSubmatchIndex(body, -1) {
		name := body[m[2]:m[3]]
		valueStart := m[1] - len(`***"`)
		b.WriteString(shellQuote(body[last:valueStart]))
		b.WriteString(`"` + placeholder(name) + `"`)
		last = valueStart + len(Mask)
	}
	b.WriteString(shellQuote(body[last:]))
	return b.String()
}

// shellQuote quotes s for POSIX sh: single quotes, with ' written as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
