package errcode_test

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
)

// TestREADMECodeTable: the README's table under "Errors" and errcode.Codes
// list the same codes with the same exit statuses.
func TestREADMECodeTable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| (\\d+) \\|")
	readme := map[string]int{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		n, _ := strconv.Atoi(m[2])
		readme[m[1]] = n
	}
	for _, c := range errcode.Codes {
		n, ok := readme[c.Code]
		if !ok {
			t.Errorf("README lacks %s", c.Code)
		} else if n != c.Exit {
			t.Errorf("README: %s exits %d, code: %d", c.Code, n, c.Exit)
		}
		delete(readme, c.Code)
	}
	for c := range readme {
		t.Errorf("README documents %s, which the code does not have", c)
	}
}

// TestNoCodeLiterals: codes are named through the table's constants, so a
// throw site cannot invent a code (or an exit status) of its own.
func TestNoCodeLiterals(t *testing.T) {
	for _, dir := range []string{"../bindings", "../runtime", "../repl", "../cmd", "../app"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		if len(files) == 0 {
			t.Fatalf("no Go files in %s", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			fs := token.NewFileSet()
			file, err := parser.ParseFile(fs, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				kv, ok := n.(*ast.KeyValueExpr)
				if !ok {
					return true
				}
				if k, ok := kv.Key.(*ast.Ident); ok && (k.Name == "Code" || k.Name == "ExitCode") {
					if _, lit := kv.Value.(*ast.BasicLit); lit {
						t.Errorf("%s: %s: a literal outside the code table", fs.Position(kv.Pos()), k.Name)
					}
				}
				return true
			})
		}
	}
}

// TestRowsNameKnownCodes: every AADSTS, OAuth and status row gives a code
// of the table (or none, for a hint alone).
func TestRowsNameKnownCodes(t *testing.T) {
	for _, n := range []int{65001, 65002, 50076, 50079, 53003, 50158, 50072, 700016, 7000215, 7000222, 700027, 7000218,
		700025, 70000, 70008, 700082, 70043, 50173, 70020, 54005, 50126, 50034, 70011, 28000, 28002, 90002, 500011,
		50020, 90038, 501481, 50196} {
		row, ok := errcode.AADSTS(n)
		if !ok || !errcode.Known(row.Code) {
			t.Errorf("AADSTS%d: %+v", n, row)
		}
	}
	if _, ok := errcode.AADSTS(1); ok {
		t.Error("AADSTS1 has a row")
	}
	for _, s := range []int{400, 401, 403, 404, 429, 500, 503} {
		if row := errcode.Status(s); !errcode.Known(row.Code) {
			t.Errorf("HTTP %d: %+v", s, row)
		}
	}
	for _, s := range []int{200, 409, 412} {
		if row := errcode.Status(s); row != (errcode.Hinted{}) {
			t.Errorf("HTTP %d has a row %+v", s, row)
		}
	}
}

func TestEntraErrorCode(t *testing.T) {
	cases := []struct {
		err  auth.EntraError
		want string
	}{
		{auth.EntraError{Err: "invalid_grant", Codes: []int{65001}, HTTPStatus: 400}, "CONSENT_REQUIRED"},
		{auth.EntraError{Err: "invalid_grant", Codes: []int{50076}, HTTPStatus: 400}, "MFA_REQUIRED"},
		{auth.EntraError{Err: "invalid_grant", Codes: []int{53003}, HTTPStatus: 400}, "INTERACTION_REQUIRED"},
		{auth.EntraError{Err: "invalid_client", Codes: []int{7000215}, HTTPStatus: 401}, "INVALID_CLIENT"},
		{auth.EntraError{Err: "unauthorized_client", Codes: []int{700016}, HTTPStatus: 400}, "INVALID_CLIENT"},
		{auth.EntraError{Err: "invalid_scope", Codes: []int{70011}, HTTPStatus: 400}, "BAD_REQUEST"},
		{auth.EntraError{Err: "invalid_request", Codes: []int{28000}, HTTPStatus: 400}, "BAD_REQUEST"},
		{auth.EntraError{Err: "invalid_grant", Codes: []int{70008}, HTTPStatus: 400}, "UNAUTHENTICATED"},
		{auth.EntraError{Err: "invalid_grant", Codes: []int{50173}, HTTPStatus: 400}, "UNAUTHENTICATED"},
		// The same refusal when redeeming a resource's claims challenge: only a new login helps.
		{auth.EntraError{Err: "invalid_grant", Codes: []int{50173}, HTTPStatus: 400, InteractionRequired: true}, "INTERACTION_REQUIRED"},
		{auth.EntraError{Err: "interaction_required", HTTPStatus: 400}, "INTERACTION_REQUIRED"},
		{auth.EntraError{Err: "expired_token", HTTPStatus: 400}, "UNAUTHENTICATED"},
		{auth.EntraError{Err: "bad_verification_code", HTTPStatus: 400}, "BAD_REQUEST"},
		{auth.EntraError{Err: "temporarily_unavailable", HTTPStatus: 503}, "SERVER_ERROR"},
		{auth.EntraError{Err: "something_new"}, "BAD_REQUEST"},
	}
	for _, c := range cases {
		if got := c.err.ErrorCode(); got != c.want {
			t.Errorf("%s %v: code %s, want %s", c.err.Err, c.err.Codes, got, c.want)
		}
	}
}

// coded is an error with a code of its own, as a binding's Error.
type coded struct{ code string }

func (c coded) Error() string     { return "coded" }
func (c coded) ErrorCode() string { return c.code }

func TestOf(t *testing.T) {
	opErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	cases := map[string]struct {
		err  error
		want string
	}{
		"wrapped entra":             {fmt.Errorf("login: %w", &auth.EntraError{Err: "invalid_client", Codes: []int{7000215}}), "INVALID_CLIENT"},
		"cancelled":                 {fmt.Errorf("poll: %w", context.Canceled), "CANCELLED"},
		"deadline":                  {context.DeadlineExceeded, "TIMEOUT"},
		"network":                   {fmt.Errorf("post: %w", opErr), "NETWORK"},
		"not signed in":             {fmt.Errorf("token: %w", fmt.Errorf("%w: run login() first", auth.ErrLoginNeeded)), "UNAUTHENTICATED"},
		"auth refused":              {fmt.Errorf("%w: a secret to http://", auth.ErrRefused), "REFUSED"},
		"http refused":              {fmt.Errorf("%w: another host", httpx.ErrRefused), "REFUSED"},
		"bad URL":                   {fmt.Errorf("%w: relative", httpx.ErrBadURL), "BAD_ARGUMENT"},
		"paging loop":               {httpx.ErrPagingLoop, "PAGING_LOOP"},
		"too large":                 {fmt.Errorf("read: %w", httpx.ErrTooLarge), "TOO_LARGE"},
		"wording only":              {errors.New("not signed in: typed by hand"), ""},
		"typed wins":                {fmt.Errorf("x: %w", coded{"FORBIDDEN"}), "FORBIDDEN"},
		"typed over cause":          {fmt.Errorf("x: %w", &wrapper{coded{"FORBIDDEN"}, context.Canceled}), "FORBIDDEN"},
		"empty code, cause decides": {&wrapper{coded{""}, context.Canceled}, "CANCELLED"},
		"joined":                    {errors.Join(errors.New("a"), auth.ErrLoginNeeded), "UNAUTHENTICATED"},
		"nothing better":            {errors.New("disk full"), ""},
		"a missing file":            {fmt.Errorf("certificate: %w", &fs.PathError{Op: "stat", Path: "/x.pem", Err: syscall.ENOENT}), "NOT_FOUND"},
		"an unreadable file":        {fmt.Errorf("certificate: %w", &fs.PathError{Op: "open", Path: "/x.pem", Err: syscall.EACCES}), ""},
		"nil":                       {nil, ""},
	}
	for name, c := range cases {
		if got := errcode.Of(c.err); got != c.want {
			t.Errorf("%s: code %q, want %q", name, got, c.want)
		}
	}
}

// wrapper is a coded error with a cause.
type wrapper struct {
	coded
	cause error
}

func (w *wrapper) Unwrap() error { return w.cause }

func TestExitCodes(t *testing.T) {
	seen := map[int]string{}
	for _, code := range []string{"UNAUTHENTICATED", "CONSENT_REQUIRED", "MFA_REQUIRED", "INVALID_CLIENT",
		"BAD_REQUEST", "NOT_FOUND", "THROTTLED", "SERVER_ERROR", "NETWORK", "TIMEOUT", "CANCELLED"} {
		n := errcode.Exit(code)
		if n <= 2 || n > 255 {
			t.Errorf("%s exits with %d: 0-2 are success, failure and usage", code, n)
		}
		if other, dup := seen[n]; dup {
			t.Errorf("%s and %s share exit code %d", code, other, n)
		}
		seen[n] = code
	}
	if n := errcode.Exit("SOMETHING_ELSE"); n != 1 || errcode.Known("SOMETHING_ELSE") {
		t.Errorf("an unknown code exits with %d, want 1", n)
	}
	if errcode.Exit("FORBIDDEN") != errcode.Exit("CONSENT_REQUIRED") {
		t.Error("FORBIDDEN and CONSENT_REQUIRED are the same kind: a missing permission")
	}
	for _, c := range errcode.Codes {
		if !errcode.Known(c.Code) || errcode.Exit(c.Code) != c.Exit {
			t.Errorf("%+v", c)
		}
	}
}

// ARM's AuthorizationFailed (Azure/azure-cli#14773) gets a hint naming the
// action, the scope and the built-in roles that grant it.
func TestServiceHintAuthorizationFailed(t *testing.T) {
	msg := "The client 'bob@contoso.onmicrosoft.com' with object id '1de50824-0000-4000-8000-000000000000' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '/subscriptions/0000' or the scope is invalid. If access was recently granted, please refresh your credentials."
	h := errcode.ServiceHint("AuthorizationFailed", msg)
	for _, want := range []string{"Microsoft.Authorization/roleAssignments/write", "/subscriptions/0000", "Owner", "User Access Administrator"} {
		if !strings.Contains(h, want) {
			t.Errorf("hint %q lacks %q", h, want)
		}
	}
	if strings.Contains(h, "Contributor") {
		t.Errorf("hint %q names Contributor, which may not assign roles", h)
	}
	if errcode.ServiceHint("Authorization_RequestDenied", msg) != "" {
		t.Error("a hint for another code")
	}
}
