package auth

import (
	"testing"

	"github.com/azrepl/azrepl/internal/tabletest"
)

func TestScopeOrResource(t *testing.T) {
	tabletest.Each(t, "ScopeOrResource", ScopeOrResource, map[string]string{
		"https://graph.microsoft.com":                  "https://graph.microsoft.com/.default",
		"https://management.core.windows.net/":         "https://management.core.windows.net//.default",
		"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d":         "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default",
		"https://graph.microsoft.com/User.Read":        "https://graph.microsoft.com/User.Read",
		"https://graph.microsoft.com/.default":         "https://graph.microsoft.com/.default",
		"User.Read Mail.Read":                          "User.Read Mail.Read",
		"api://0b8f7a6e-1111-2222-3333-444455556666":   "api://0b8f7a6e-1111-2222-3333-444455556666/.default",
		"api://0b8f7a6e-1111-2222-3333-444455556666/x": "api://0b8f7a6e-1111-2222-3333-444455556666/x",
		"":          "",
		"User.Read": "User.Read",
	})
}
