package bindings_test

import (
	"strings"
	"testing"
)

// TestLogoutOfNobodyIsNotFound: logout("nobody") names an account that is
// not signed in — NOT_FOUND with a pointer to accounts(), not AUTH_FAILED.
func TestLogoutOfNobodyIsNotFound(t *testing.T) {
	h := newHarness(t, commandLine())
	e := h.thrown(`logout("nobody@contoso.onmicrosoft.com")`)
	if e["code"] != "NOT_FOUND" || !strings.Contains(e["message"].(string), "accounts()") {
		t.Fatalf("logout of nobody: %v", e)
	}
}
