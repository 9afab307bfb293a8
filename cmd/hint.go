package cmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/azrepl/azrepl/httpx"
)

// printHint writes an error's hint under its one-line message, as the REPL
// shows it: "  hint: …" on stderr. A hint the message already carries (an
// Entra error's text ends with it) is not repeated. Like the message, it is
// redacted and its control characters are shown escaped.
func printHint(stderr io.Writer, msg, hint string) {
	hint = httpx.EscapeControls(httpx.RedactText(strings.TrimSpace(hint)))
	if hint == "" || strings.Contains(msg, hint) {
		return
	}
	fmt.Fprintln(stderr, "  hint: "+hint)
}
