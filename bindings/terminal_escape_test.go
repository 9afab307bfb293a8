package bindings

import (
	"strings"
	"testing"

	"github.com/azrepl/azrepl/auth"
)

// A preferred_username with escape sequences (a title change, a cleared
// screen) or a newline never reaches the terminal through the prompt.
func TestPromptPrefixEscapesServerText(t *testing.T) {
	got := promptPrefix(auth.Account{Username: "alice\x1b]0;pwned\x07\x1b[2J\n@contoso.onmicrosoft.com"})
	if strings.ContainsAny(got, "\x1b\x07\n") || !strings.Contains(got, `\x1b]0;pwned`) {
		t.Errorf("prompt %q", got)
	}
	if got := promptPrefix(auth.Account{Username: "alice@contoso.onmicrosoft.com"}); got != "alice@contoso…" {
		t.Errorf("plain prompt %q", got)
	}
}
