package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// token({force: true}) in a tight loop: the emulator, like Entra, ends it
// with AADSTS50196 and azrepl says why in one line.
func TestEmulatorRequestLoop(t *testing.T) {
	_, s := aliceLoggedIn(t, nil)
	ctx := context.Background()
	var err error
	n := 0
	for n < 50 && err == nil {
		_, err = s.Token(ctx, "https://graph.microsoft.com/.default", TokenOptions{Force: true})
		n++
	}
	var ee *EntraError
	if !errors.As(err, &ee) || !ee.HasCode(50196) || ee.Err != "invalid_grant" || ee.HTTPStatus != 400 {
		t.Fatalf("after %d forced tokens: %v", n, err)
	}
	if n != 21 {
		t.Fatalf("the loop was stopped at request %d, want 21", n)
	}
	if msg := err.Error(); strings.ContainsAny(msg, "\r\n") || !strings.Contains(msg, "AADSTS50196: The server terminated an operation because it encountered a client request loop") ||
		!strings.HasSuffix(msg, "— "+(&EntraError{Codes: []int{50196}}).Hint()) {
		t.Fatalf("error line: %s", msg)
	}
	// The cached token still serves.
	if tok, err := s.Token(ctx, "https://graph.microsoft.com/.default", TokenOptions{}); err != nil || !tok.FromCache {
		t.Fatalf("cached token after the loop: %v", err)
	}
}
