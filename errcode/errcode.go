// Package errcode is azrepl's one table of failures: the stable codes of its
// errors (a JS error's e.code) with the exit status each one calls for, and
// the code and hint of every AADSTS code, OAuth error and HTTP status azrepl
// explains. The REPL, `azrepl run`, `azrepl token` and the HTML report all
// read it. README.md's table under "Errors" is checked against Codes.
package errcode

// The codes. A throw site names one of these constants, never a literal
// (TestNoCodeLiterals), and never chooses an exit status: Exit derives it.
const (
	Failed              = "FAILED"
	SyntaxError         = "SYNTAX_ERROR"
	BadArgument         = "BAD_ARGUMENT"
	NotAJWT             = "NOT_A_JWT"
	NoClient            = "NO_CLIENT"
	AuthFailed          = "AUTH_FAILED"
	Unauthenticated     = "UNAUTHENTICATED"
	ConsentRequired     = "CONSENT_REQUIRED"
	Forbidden           = "FORBIDDEN"
	MFARequired         = "MFA_REQUIRED"
	InteractionRequired = "INTERACTION_REQUIRED"
	InvalidClient       = "INVALID_CLIENT"
	BadRequest          = "BAD_REQUEST"
	NotFound            = "NOT_FOUND"
	Throttled           = "THROTTLED"
	ServerError         = "SERVER_ERROR"
	Network             = "NETWORK"
	Timeout             = "TIMEOUT"
	HTTPError           = "HTTP_ERROR"
	BadJSON             = "BAD_JSON"
	TooLarge            = "TOO_LARGE"
	PagingLoop          = "PAGING_LOOP"
	Refused             = "REFUSED"
	Cancelled           = "CANCELLED"
)

// Row is one code, its exit status and when it is raised.
type Row struct {
	Code string
	Exit int
	When string
}

// Codes is the table, in README order. Exit 2 is also command-line usage
// (the cmd package) and an unreadable script file.
var Codes = []Row{
	{Failed, 1, "a failure with no better kind"},
	{SyntaxError, 1, "a required module does not compile"},
	{BadArgument, 2, "a function called with arguments of the wrong kind, `exit(\"x\")`, a malformed URL"},
	{NotAJWT, 2, "`jwt(x)` on something that is not a JWT"},
	{NoClient, 2, "HTTP or sign-in is not available in this runtime (offline)"},
	{AuthFailed, 1, "a sign-in failed for a reason with no better kind"},
	{Unauthenticated, 3, "not signed in, refresh token expired or revoked, HTTP 401"},
	{ConsentRequired, 4, "AADSTS65001/65002: the app lacks consent"},
	{Forbidden, 4, "HTTP 403: signed in but not allowed"},
	{MFARequired, 5, "AADSTS50076/50079: multi-factor authentication needed"},
	{InteractionRequired, 5, "an interactive sign-in is needed: conditional access"},
	{InvalidClient, 6, "bad secret or assertion, unknown client"},
	{BadRequest, 7, "invalid scope, tenant or parameters, HTTP 400"},
	{NotFound, 8, "HTTP 404, no such trace entry, no such module"},
	{Throttled, 9, "HTTP 429 once retries are spent; AADSTS50196 (a loop of identical token requests)"},
	{ServerError, 10, "HTTP 5xx once retries are spent"},
	{Network, 11, "no answer: DNS, connection, TLS"},
	{Timeout, 12, "a deadline passed"},
	{HTTPError, 1, "another non-2xx status (409, 412…)"},
	{BadJSON, 13, "a body or string that is not valid JSON"},
	{TooLarge, 14, "a response body above the cap (`AZREPL_MAX_BODY`, default 256 MiB)"},
	{PagingLoop, 15, "a paged listing repeats a link or token"},
	{Refused, 16, "azrepl refused: credentials to http:// or another host, a file with secrets"},
	{Cancelled, 130, "Ctrl-C, as shells report SIGINT"},
}

var exits = func() map[string]int {
	m := make(map[string]int, len(Codes))
	for _, c := range Codes {
		m[c.Code] = c.Exit
	}
	return m
}()

// Exit is the exit status for an uncaught error with that code; 1 for codes
// outside the table.
func Exit(code string) int {
	if n, ok := exits[code]; ok {
		return n
	}
	return 1
}

// Known reports whether code is in the table.
func Known(code string) bool {
	_, ok := exits[code]
	return ok
}
