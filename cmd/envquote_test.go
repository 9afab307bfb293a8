package cmd

import (
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"
)

// unquoteFish reads one word as fish does: inside single quotes \' and \\
// are escapes; outside, a backslash escapes the next character.
func unquoteFish(w string) (string, bool) {
	return unquoteWord(w, true, " \t\n;|&$()<>*?{}[]\"#~%")
}

// unquotePOSIX reads one word as sh does: inside single quotes nothing is
// special; outside, a backslash escapes the next character.
func unquotePOSIX(w string) (string, bool) {
	return unquoteWord(w, false, " \t\n;|&$()<>*?`\"#~")
}

// unquoteWord reads one word of a shell that quotes with ' and escapes with
// a backslash outside quotes; quoteEscapes: \' and \\ are escapes inside
// quotes too. An unquoted, unescaped character of special is one the shell
// would act on: the word is refused.
func unquoteWord(w string, quoteEscapes bool, special string) (string, bool) {
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case inQuote && quoteEscapes && c == '\\' && i+1 < len(w) && (w[i+1] == '\'' || w[i+1] == '\\'):
			i++
			b.WriteByte(w[i])
		case inQuote && c == '\'':
			inQuote = false
		case inQuote:
			b.WriteByte(c)
		case c == '\'':
			inQuote = true
		case c == '\\' && i+1 < len(w):
			i++
			b.WriteByte(w[i])
		case strings.IndexByte(special, c) >= 0:
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), !inQuote
}

// unquotePowerShell reads a single-quoted PowerShell string, in which ' and
// the typographic quotes ‘ ’ ‚ ‛ all quote and a doubled one is one.
func unquotePowerShell(w string) (string, bool) {
	isQ := func(r rune) bool {
		return r == '\'' || r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b'
	}
	first, n := utf8.DecodeRuneInString(w)
	last, m := utf8.DecodeLastRuneInString(w)
	if len(w) < n+m || !isQ(first) || !isQ(last) {
		return "", false
	}
	body := w[n : len(w)-m]
	var b strings.Builder
	for i := 0; i < len(body); {
		r, k := utf8.DecodeRuneInString(body[i:])
		if isQ(r) {
			r2, k2 := utf8.DecodeRuneInString(body[i+k:])
			if i+k >= len(body) || !isQ(r2) {
				return "", false // the string would end here
			}
			b.WriteString(body[i+k : i+k+k2])
			i += k + k2
			continue
		}
		b.WriteString(body[i : i+k])
		i += k
	}
	return b.String(), true
}

var hostileValues = []string{"", "plain", "it's", `a\`, `a\'; touch /tmp/pwned; echo \'`, "$(touch x)", "`id`", "a\nb", `\\'\'`, "‘quoted’", "x'; Remove-Item ~ -Recurse; '"}

// Every value comes back unchanged from sh, fish and PowerShell: a value
// ending in a backslash ended fish's quoting early with the old quoting.
func TestEnvQuotingForEveryShell(t *testing.T) {
	for _, v := range hostileValues {
		checkShellsRead(t, v)
		// The real sh agrees with the oracle.
		out, err := exec.Command("sh", "-c", "printf %s "+shellWord(v)).Output()
		if err != nil || string(out) != v {
			t.Errorf("sh printed %q (%v), want %q", out, err, v)
		}
	}
}

func FuzzShellWord(f *testing.F) {
	for _, v := range hostileValues {
		f.Add(v)
	}
	f.Fuzz(checkShellsRead)
}

// checkShellsRead reports each shell that reads v's quoting as other than v.
func checkShellsRead(t *testing.T, v string) {
	t.Helper()
	for _, sh := range []struct {
		name, word string
		unquote    func(string) (string, bool)
	}{
		{"fish", shellWord(v), unquoteFish},
		{"sh", shellWord(v), unquotePOSIX},
		{"PowerShell", powershellWord(v), unquotePowerShell},
	} {
		if got, ok := sh.unquote(sh.word); !ok || got != v {
			t.Errorf("%s reads %s as %q, %v; want %q", sh.name, sh.word, got, ok, v)
		}
	}
}

// Values from a server or a cache are checked before they are printed: a
// tenant id that is not a GUID, a host that is not a host name, a token
// with characters no token has.
func TestEnvValuesAreChecked(t *testing.T) {
	for _, c := range []struct {
		name, value string
		ok          bool
	}{
		{"AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47", true},
		{"AZURE_TENANT_ID", "x'; touch /tmp/pwned; '", false},
		{"AZURE_TENANT_ID", "contoso.onmicrosoft.com\n", false},
		{"AZURE_CLIENT_ID", "04b07795-8ddb-461a-bbee-02f9e1bf7b46", true},
		{"DATABRICKS_HOST", "https://adb-1234567890123456.7.azuredatabricks.net", true},
		{"DATABRICKS_HOST", "https://evil.example/`id`", false},
		{"DATABRICKS_HOST", "https://a\x1b]0;x\x07.net", false},
		{"DATABRICKS_TOKEN", "eyJhbGciOi.eyJzdWIi.sig-_", true},
		{"DATABRICKS_TOKEN", "dapi0123'$(id)", false},
		{"AZURE_SUBSCRIPTION_ID", "it's the user's own", true},
	} {
		err := checkEnvValue(c.name, c.value)
		if (err == nil) != c.ok {
			t.Errorf("%s=%q: %v", c.name, c.value, err)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\x1b\x07\n") {
			t.Errorf("the error carries control characters: %q", err)
		}
	}
	if got := commentText("alice\x1b]0;pwned\x07\n@contoso"); got != "alice]0;pwned @contoso" {
		t.Errorf("comment %q", got)
	}
}
