package httpx

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask replaces every secret value in traces, debug output and errors.
const Mask = "***"

// secretFields are form fields, query parameters and JSON members whose
// values are credentials. They are masked wherever they appear.
var secretFields = map[string]string{ // name → curl placeholder
	"access_token":          "$TOKEN",
	"refresh_token":         "$REFRESH_TOKEN",
	"id_token":              "$ID_TOKEN",
	"client_secret":         "$CLIENT_SECRET",
	"client_assertion":      "$CLIENT_ASSERTION",
	"assertion":             "$ASSERTION",
	"subject_token":         "$SUBJECT_TOKEN",
	"actor_token":           "$ACTOR_TOKEN",
	"code":                  "$CODE",
	"device_code":           "$DEVICE_CODE",
	"code_verifier":         "$CODE_VERIFIER",
	"password":              "$PASSWORD",
	"token_value":           "$TOKEN",
	"secret":                "$SECRET",
	"x-ms-refresh_token_id": "$REFRESH_TOKEN_ID",
	// Keys and signatures of Storage SAS, API Management, Cognitive
	// Services, Functions; Graph's addPassword answer (secretText); app
	// registrations (clientSecret). Matched without regard to case.
	"sig":              "$SIG",
	"key":              "$KEY",
	"token":            "$TOKEN",
	"api-key":          "$API_KEY",
	"api_key":          "$API_KEY",
	"apikey":           "$API_KEY",
	"subscription-key": "$SUBSCRIPTION_KEY",
	"clientsecret":     "$CLIENT_SECRET",
	"secrettext":       "$SECRET",
	"accountkey":       "$ACCOUNT_KEY",
	"primarykey":       "$KEY",
	"secondarykey":     "$KEY",
	"privatekey":       "$PRIVATE_KEY",
	"pwd":              "$PASSWORD",
	"passwd":           "$PASSWORD",
	// Secrets inside ordinary answers (secrets_in_answers.go has the rest):
	// Cosmos DB and Functions keys, connection strings with their keys, App
	// Service publishing credentials, SQL and VM admin passwords,
	// Databricks secrets, Event Hubs/Service Bus SAS keys.
	"primarymasterkey":           "$KEY",
	"secondarymasterkey":         "$KEY",
	"primaryreadonlymasterkey":   "$KEY",
	"secondaryreadonlymasterkey": "$KEY",
	"masterkey":                  "$KEY",
	"primaryconnectionstring":    "$CONNECTION_STRING",
	"secondaryconnectionstring":  "$CONNECTION_STRING",
	"connectionstring":           "$CONNECTION_STRING",
	"publishingpassword":         "$PASSWORD",
	"adminpassword":              "$PASSWORD",
	"administratorloginpassword": "$PASSWORD",
	"sharedaccesskey":            "$KEY",
	"sharedaccesssignature":      "$SIG",
	"string_value":               "$SECRET",
	"bytes_value":                "$SECRET",
	"kubeconfig":                 "$KUBECONFIG",
}

// secretHeaders are masked whole (Authorization keeps its scheme).
var secretHeaders = map[string]bool{
	"Proxy-Authorization":                    true,
	"X-Databricks-Azure-Sp-Management-Token": true,
	"X-Ms-Authorization-Auxiliary":           true,
	"Api-Key":                                true,
	"X-Api-Key":                              true,
	"Ocp-Apim-Subscription-Key":              true,
	"X-Functions-Key":                        true,
	"X-Databricks-Workspace-Token":           true,
	"X-Ms-Client-Principal":                  true,
	"X-Ms-Token-Aad-Access-Token":            true,
	"X-Ms-Token-Aad-Refresh-Token":           true,
}

var (
	// A JWT or JWE: base64url JSON header "eyJ…", then dot-separated parts.
	jwtRE = newLazyRE(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_.-]*`)
	// "field": "value" in JSON, also when the body was cut inside the value.
	jsonFieldRE = newLazyRE(`(?i)"(` + fieldAlternation() + `)"(\s*:\s*)"((?:[^"\\]|\\.)*)("|\\?$)`)
	// field=value in form bodies and query strings that were not parsed.
	formFieldRE = newLazyRE(`(?i)(^|[?&;\s])(` + fieldAlternation() + `)=([^&\s"']*)`)
	// A password in a URL's user information: https://user:PW@host.
	userinfoRE = newLazyRE(`(?i)([a-z][a-z0-9+.-]*://[^/\s:@]*):([^@\s/]*)@`)
)

func fieldAlternation() string {
	names := make([]string, 0, len(secretFields))
	for n := range secretFields {
		names = append(names, regexp.QuoteMeta(n))
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	return strings.Join(names, "|")
}

// redactor masks credentials. Besides the fixed rules it keeps a registry of
// values known to be secret: those added with AddSecret and those it learns
// from traffic (a token endpoint's access_token, a posted client_secret), so
// that a value is also masked where no rule would recognise it.
type redactor struct {
	mu      sync.RWMutex
	secrets []string // longest first, so a secret containing another is masked whole
	repl    *strings.Replacer
}

// minSecretLen keeps "a" or "1" from masking half of every trace.
const minSecretLen = 6

func (r *redactor) add(s string) {
	if len(s) < minSecretLen || s == Mask {
		return
	}
	forms := []string{s, url.QueryEscape(s), url.PathEscape(s)}
	if b, err := json.Marshal(s); err == nil {
		forms = append(forms, string(b[1:len(b)-1]))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, f := range forms {
		if !contains(r.secrets, f) {
			r.secrets = append(r.secrets, f)
			changed = true
		}
	}
	if !changed {
		return
	}
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	pairs := make([]string, 0, 2*len(r.secrets))
	for _, s := range r.secrets {
		pairs = append(pairs, s, Mask)
	}
	r.repl = strings.NewReplacer(pairs...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// RedactText masks JWTs, secret fields and URL passwords in any text by
// the fixed rules alone (no client's registry): for places with no client,
// such as an uncaught `throw token()`.
func RedactText(s string) string { return (&redactor{}).text(s) }

// text masks known secrets, JWTs and secret fields in any text.
func (r *redactor) text(s string) string {
	if s == "" {
		return s
	}
	r.mu.RLock()
	repl := r.repl
	r.mu.RUnlock()
	if repl != nil {
		s = repl.Replace(s)
	}
	// The regexps are slow on big bodies (a 256 KB Graph page took ~50 ms,
	// on the paging critical path): run each only when the literal it needs
	// is there, which keeps the result identical.
	if strings.Contains(s, "eyJ") {
		s = jwtRE.ReplaceAllString(s, Mask)
	}
	if mayHaveField(s, true) {
		s = jsonFieldRE.ReplaceAllStringFunc(s, maskJSONField)
	}
	if mayHaveField(s, false) {
		s = formFieldRE.ReplaceAllString(s, `$1$2=`+Mask)
	}
	if mayHaveUserinfo(s) {
		s = userinfoRE.ReplaceAllString(s, `$1:`+Mask+`@`)
	}
	return maskSecretShapes(s)
}

// mayHaveField reports whether s holds a secret field name written as a
// JSON member name ("name", quoted = true) or before "=" (quoted = false):
// a cheap test before the regexps that need it.
func mayHaveField(s string, quoted bool) bool {
	sep := byte('=')
	if quoted {
		sep = '"'
	}
	for at := 0; at < len(s); {
		k := strings.IndexByte(s[at:], sep)
		if k < 0 {
			return false
		}
		k += at
		var word string
		if quoted { // "word"
			j := k + 1
			for j < len(s) && isFieldByte(s[j]) {
				j++
			}
			if j < len(s) && s[j] == '"' {
				word = s[k+1 : j]
			}
			at = j
		} else { // word=
			i := k
			for i > 0 && isFieldByte(s[i-1]) {
				i--
			}
			word = s[i:k]
			at = k + 1
		}
		if len(word) >= 3 {
			if _, ok := secretFields[strings.ToLower(word)]; ok {
				return true
			}
		}
	}
	return false
}

// mayHaveUserinfo reports whether some "://" in s is followed by what
// userinfoRE needs after it (user, ":", password, "@", none of them
// crossing "/" or a space): the regexp has no literal to skip ahead by and
// took half of graph.all's CPU on pages holding "https://" and "@" apart.
func mayHaveUserinfo(s string) bool {
	for at := 0; ; {
		k := strings.Index(s[at:], "://")
		if k < 0 {
			return false
		}
		at += k + 3
		i := at
		for i < len(s) && s[i] != '/' && s[i] != ':' && s[i] != '@' && !isSpace(s[i]) {
			i++
		}
		if i == len(s) || s[i] != ':' {
			continue
		}
		for i++; i < len(s) && s[i] != '@' && s[i] != '/' && !isSpace(s[i]); i++ {
		}
		if i < len(s) && s[i] == '@' {
			return true
		}
	}
}

// isSpace is RE2's \s: [\t\n\f\r ].
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// isFieldByte: the bytes secret field names are made of.
func isFieldByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-'
}

// url masks secret query parameters (code, tokens…) and any secret text in a URL.
func (r *redactor) url(raw string) string {
	u, err := url.Parse(raw)
	if err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), Mask)
			raw = strings.Replace(u.String(), url.QueryEscape(Mask), Mask, 1)
		}
	}
	if err != nil || u.RawQuery == "" {
		return r.text(raw)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err == nil {
		changed := false
		for k := range q {
			if _, ok := secretFields[strings.ToLower(k)]; ok {
				for i := range q[k] {
					q[k][i] = Mask
				}
				changed = true
			}
		}
		if changed {
			u.RawQuery = strings.ReplaceAll(q.Encode(), url.QueryEscape(Mask), Mask)
		}
	}
	return r.text(u.String())
}

// header returns a masked copy of h.
func (r *redactor) header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		masked := make([]string, len(vs))
		for i, v := range vs {
			switch {
			case ck == "Authorization":
				masked[i] = maskAuthorization(v)
			case secretHeaders[ck]:
				masked[i] = Mask
			case ck == "Cookie":
				masked[i] = maskCookies(v, ";")
			case ck == "Set-Cookie":
				masked[i] = maskSetCookie(v)
			case IsCredentialHeader(ck):
				masked[i] = Mask // a custom secret header: X-My-Api-Key, X-Client-Secret…
			default:
				masked[i] = r.text(v)
			}
		}
		out[ck] = masked
	}
	return out
}

// maskAuthorization keeps the scheme, which tells a reader what was sent:
// "Bearer $TOKEN", "Basic ***".
func maskAuthorization(v string) string {
	scheme, _, found := strings.Cut(strings.TrimSpace(v), " ")
	if !found {
		return Mask
	}
	if strings.EqualFold(scheme, "Bearer") {
		return scheme + " $TOKEN"
	}
	return scheme + " " + Mask
}

// basicUser returns the user name of a Basic Authorization header (a client
// id: not secret), so a curl line can say -u 'id:$CLIENT_SECRET'.
func basicUser(v string) (string, bool) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return "", false
	}
	user, _, ok := strings.Cut(string(raw), ":")
	return user, ok
}

func maskCookies(v, sep string) string {
	parts := strings.Split(v, sep)
	for i, p := range parts {
		if name, _, ok := strings.Cut(p, "="); ok {
			parts[i] = name + "=" + Mask
		}
	}
	return strings.Join(parts, sep)
}

// maskSetCookie masks the value but keeps the name and attributes (Path, Expires…).
func maskSetCookie(v string) string {
	first, rest, _ := strings.Cut(v, ";")
	name, _, _ := strings.Cut(first, "=")
	if rest != "" {
		return name + "=" + Mask + ";" + rest
	}
	return name + "=" + Mask
}

// FormField is one field of a form body, as recorded in the trace.
type FormField struct {
	Name, Value string
	Secret      bool // Value was masked
}

// form parses a form body into masked fields, learning the secret values.
func (r *redactor) form(body string) ([]FormField, bool) {
	q, err := url.ParseQuery(body)
	if err != nil {
		return nil, false
	}
	var fields []FormField
	// Keep the order of the body: url.Values does not.
	for _, pair := range strings.Split(body, "&") {
		k, _, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || name == "" {
			continue
		}
		vs, ok := q[name]
		if !ok || len(vs) == 0 {
			continue
		}
		v := vs[0]
		q[name] = vs[1:]
		if _, secret := secretFields[strings.ToLower(name)]; secret {
			r.add(v)
			fields = append(fields, FormField{Name: name, Value: Mask, Secret: true})
			continue
		}
		fields = append(fields, FormField{Name: name, Value: r.text(v)})
	}
	return fields, true
}

func encodeForm(fields []FormField) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(f.Name))
		b.WriteByte('=')
		if f.Secret {
			b.WriteString(Mask)
		} else {
			b.WriteString(url.QueryEscape(f.Value))
		}
	}
	return b.String()
}

func maskJSONField(m string) string {
	sub := jsonFieldRE.FindStringSubmatch(m)
	if sub[1] == "code" && isErrorCode(sub[3]) {
		return m
	}
	return `"` + sub[1] + `"` + sub[2] + `"` + Mask + sub[4]
}

// isErrorCode tells a service's error code ("itemNotFound",
// "Authorization_RequestDenied") from an authorization code, which is long
// and random: Graph, ARM and Databricks all name their error member "code".
var errorCodeRE = newLazyRE(`^[A-Za-z][A-Za-z0-9_]{0,47}$|^[0-9]{1,6}$`)

func isErrorCode(v string) bool { return errorCodeRE.MatchString(v) }

// learnJSON remembers credential values found in a JSON body (a token
// response), so they are masked if they show up elsewhere later.
func (r *redactor) learnJSON(body string) {
	if !mayHaveField(body, true) {
		return
	}
	for _, m := range jsonFieldRE.FindAllStringSubmatch(body, -1) {
		var v string
		if m[1] == "code" && isErrorCode(m[3]) {
			continue
		}
		if json.Unmarshal([]byte(`"`+m[3]+`"`), &v) == nil {
			r.add(v)
		}
	}
}
