package auth

import (
	"strings"
	"testing"
)

// Whatever a server puts in an error's fields, the message stays one line.
func TestEntraErrorIsOneLine(t *testing.T) {
	e := &EntraError{Err: "invalid_grant\r\nX-Injected: 1", Description: "AADSTS70000: bad\ngrant\ttoo", TraceID: "abc\ndef", HTTPStatus: 400, Codes: []int{70000}}
	msg := e.Error()
	if strings.ContainsAny(msg, "\r\n\t") {
		t.Fatalf("not one line: %q", msg)
	}
	if !strings.Contains(msg, "invalid_grant X-Injected: 1: AADSTS70000: bad grant too") {
		t.Fatalf("message lost its words: %q", msg)
	}
}
