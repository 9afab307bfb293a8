package auth

import (
	"strings"
	"testing"
)

func TestScopeSuggestion(t *testing.T) {
	for scope, want := range map[string]string{
		"https://graph.microsoft.com/User.Reed":           `did you mean User.Read? token("https://graph.microsoft.com/User.Read")`,
		"openid Group.Raed.All offline_access":            `did you mean Group.Read.All? token("openid Group.Read.All offline_access")`,
		"https://graph.microsoft.com/Zzzzzzz.Qqqqqqq":     `"Zzzzzzz.Qqqqqqq" is not a Microsoft Graph permission (`,
		"https://graph.microsoft.com/User.Read openid":    "",
		"https://graph.microsoft.com/.default":            "",
		"https://management.azure.com/user_impersonation": "",
	} {
		got := scopeSuggestion(scope)
		if want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("scopeSuggestion(%q) = %q, want %q", scope, got, want)
		}
	}
	// The advice rides on Entra's 70011 and 65002 refusals.
	for _, code := range []int{70011, 65002} {
		err := withPreauthAdvice(&EntraError{Err: "invalid_scope", Codes: []int{code}}, AzureCLIClientID, "https://graph.microsoft.com/Mail.Sned")
		if ee, ok := err.(*EntraError); !ok || !strings.Contains(ee.Advice, "did you mean Mail.Send?") {
			t.Errorf("%d: %v", code, err)
		}
	}
}
