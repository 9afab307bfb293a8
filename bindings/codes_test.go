package bindings_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/runtime"
	"github.com/dop251/goja"
)

// TestExitFollowsCode: what each kind of failure exits with in `azrepl run`
// comes from its e.code through the table.
func TestExitFollowsCode(t *testing.T) {
	h := newHarness(t, offline())
	cases := []struct {
		src, code string
	}{
		{"trace.get(5)", "NOT_FOUND"},
		{"graph.batch(5)", "BAD_ARGUMENT"},
		{"exit('x')", "BAD_ARGUMENT"},
		{"exit(300)", "BAD_ARGUMENT"},
		{"exit(-1)", "BAD_ARGUMENT"},
		{"exit(1.5)", "BAD_ARGUMENT"},
		{"q(1)", "BAD_ARGUMENT"},
		{"q('{', 'a')", "BAD_JSON"},
		{"jwt()", "BAD_ARGUMENT"},
		{"jwt('x')", "NOT_A_JWT"},
		{"require('fs')", "BAD_ARGUMENT"},
		{"require('./nope.js')", "NOT_FOUND"},
		{"require('/etc/hostname')", "REFUSED"},
		{"http.get('https://%zz')", "BAD_ARGUMENT"},
		{"http.get('/relative')", "BAD_ARGUMENT"},
	}
	for _, c := range cases {
		got := h.jsErr(c.src)
		if !strings.Contains(got, `"code":"`+c.code+`"`) || !strings.Contains(got, `"exitCode":`+strconv.Itoa(errcode.Exit(c.code))) {
			t.Errorf("%s: caught %s, want code %s", c.src, got, c.code)
		}
		_, err := h.rt.Eval(context.Background(), "t.js", c.src)
		msg, exit := runtime.Describe(err, false)
		if exit != errcode.Exit(c.code) || !strings.Contains(msg, c.code) {
			t.Errorf("%s uncaught: %q exits %d, want %s (%d)", c.src, msg, exit, c.code, errcode.Exit(c.code))
		}
	}
	for src, want := range map[string]int{"exit(3)": 3, "exit()": 0, "exit(255)": 255} {
		_, err := h.rt.Eval(context.Background(), "t.js", src)
		if _, exit := runtime.Describe(err, false); exit != want {
			t.Errorf("%s exits %d", src, exit)
		}
	}
}

// TestEveryThrownErrorHasACode: an error with no kind of its own still
// carries a code of the table; one with a kind carries that kind.
func TestEveryThrownErrorHasACode(t *testing.T) {
	rt := goja.New()
	for err, want := range map[error]string{errors.New("disk full"): "FAILED", fmt.Errorf("poll: %w", context.Canceled): "CANCELLED",
		&bindings.Error{Message: "no", Err: auth.ErrLoginNeeded}: "UNAUTHENTICATED"} {
		obj := bindings.ErrorValue(rt, err)
		if code := obj.Get("code").String(); code != want || obj.Get("exitCode").ToInteger() != int64(errcode.Exit(want)) {
			t.Errorf("%v: code %s exit %v, want %s", err, code, obj.Get("exitCode"), want)
		}
	}
}
