package cmd

// The app a token command opens: the session, and how its failures print.

import (
	"fmt"
	"io"
	"os"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
)

// tokenSession is what the token commands need of the app: the HTTP client
// (for a refresh exchange, and for redacting error messages) and the
// session on the token cache. No emulator, no runtime.
type tokenSession struct {
	http    *httpx.Client
	session *auth.Session
}

func openTokenSession(stderr io.Writer) (*tokenSession, error) {
	ts := &tokenSession{http: httpx.New(httpx.Options{RequestTimeout: httpx.ParseTimeout(os.Getenv("AZREPL_TIMEOUT"))})}
	home, err := Home()
	if err != nil {
		return ts, err
	}
	ts.session, err = auth.NewSession(auth.Config{HTTP: ts.http.HTTPClient(), Home: home, Prompt: stderr, SendClaims: true})
	return ts, err
}

// openAccounts opens the token session and reads the logins it holds.
func openAccounts(stderr io.Writer) (*tokenSession, []auth.Account, error) {
	ts, err := openTokenSession(stderr)
	if err != nil {
		return ts, nil, err
	}
	accts, err := ts.session.Accounts()
	return ts, accts, err
}

// fail prints err as one redacted line and returns the exit code of the
// code table (errcode). Entra errors carry their hint already.
func (ts *tokenSession) fail(stderr io.Writer, who string, err error) int {
	msg := err.Error()
	if ts != nil && ts.http != nil {
		msg = ts.http.Redact(msg)
	}
	// The REPL's advice names login(); from a shell it is azrepl login.
	msg = shellAdvice(msg)
	fmt.Fprintf(stderr, "%s: %s\n", who, collapseSpace(msg))
	return errcode.Exit(errcode.Of(err))
}
