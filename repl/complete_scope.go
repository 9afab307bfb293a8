package repl

import (
	"regexp"
	"strings"
	"sync"

	"github.com/azrepl/azrepl/internal/graphperm"
)

// graphResource prefixes a full Graph scope ("https://graph.microsoft.com/User.Read").
const graphResource = "https://graph.microsoft.com/"

// scopeContext matches the text before a string that holds scopes:
// token("…", login({scope: "…", {scope: '…'.
var scopeContext = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:\btoken\s*\(\s*|\bscopes?\s*:\s*)$`)
})

// openString returns the content of the string literal the cursor is in
// and the text before its opening quote; false outside a string. It reads
// the line left to right, so quotes inside strings and escapes are skipped.
func openString(before string) (content, lead string, ok bool) {
	var quote byte
	start := 0
	for i := 0; i < len(before); i++ {
		c := before[i]
		switch {
		case quote == 0 && (c == '"' || c == '\'' || c == '`'):
			quote, start = c, i
		case quote != 0 && c == '\\':
			i++
		case quote != 0 && c == quote:
			quote = 0
		}
	}
	if quote == 0 {
		return "", "", false
	}
	return before[start+1:], before[:start], true
}

// scopeCompletions completes a Microsoft Graph permission name inside a
// scope string: after "https://graph.microsoft.com/" anywhere, or as a bare
// word in the string of token(…) or scope: …. The names come from
// Microsoft's permissions data; prefix is the part typed.
func scopeCompletions(before string) (names []string, prefix string, ok bool) {
	content, lead, ok := openString(before)
	if !ok {
		return nil, "", false
	}
	word := content[strings.LastIndexAny(content, " \t")+1:]
	switch {
	case strings.HasPrefix(word, graphResource):
		prefix = word[len(graphResource):]
	case !strings.Contains(word, "/") && scopeContext().MatchString(lead):
		prefix = word
	default:
		return nil, "", false
	}
	for _, n := range graphperm.Names() {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	return names, prefix, true
}
