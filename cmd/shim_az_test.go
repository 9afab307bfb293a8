package cmd

import (
	"bytes"
	"strings"
	"testing"
)

// TestAzEmptyScopeIsAnError: --scope= and --resource-type= (a variable a
// script forgot to set) are errors, not the ARM scope.
func TestAzEmptyScopeIsAnError(t *testing.T) {
	for _, args := range [][]string{
		{"account", "get-access-token", "--scope="},
		{"account", "get-access-token", "--resource-type="},
		{"account", "get-access-token", "--resource="},
		{"account", "get-access-token", "--scope", ""},
		{"account", "get-access-token", "--resource-type", " "},
	} {
		a, err := parseAzArgs(args)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if scope, err := azScope(a); err == nil || !strings.Contains(err.Error(), "empty") {
			t.Errorf("%q: scope %q, error %v; want an error about the empty value", args, scope, err)
		}
	}
	for args, want := range map[string]string{
		"account get-access-token":                                              "https://management.core.windows.net//.default",
		"account get-access-token --resource-type=ms-graph":                     "https://graph.microsoft.com//.default",
		"account get-access-token --scope=https://graph.microsoft.com/.default": "https://graph.microsoft.com/.default",
	} {
		a, _ := parseAzArgs(strings.Fields(args))
		if scope, err := azScope(a); err != nil || scope != want {
			t.Errorf("%s: %q %v, want %q", args, scope, err, want)
		}
	}
}

// TestAzTSVRefusesControlCharacters: a server value with a tab or a line
// break would shift the fields of -o tsv; it is refused, not printed.
func TestAzTSVRefusesControlCharacters(t *testing.T) {
	a, _ := parseAzArgs([]string{"-o", "tsv"})
	var out, errb bytes.Buffer
	good := []azField{{"accessToken", "eyJ.x.y"}, {"expires_on", 1}, {"tenant", "t1"}, {"tokenType", "Bearer"}}
	if code := azPrint(good, a, &out, &errb); code != 0 || out.String() != "eyJ.x.y\t1\tt1\tBearer\n" {
		t.Fatalf("plain tsv: %d %q %q", code, out.String(), errb.String())
	}
	for _, bad := range []string{"t1\tinjected", "t1\nsecond line", "t1\r", "t1\x1b[2J", "t1\u0085"} {
		out.Reset()
		errb.Reset()
		fields := []azField{{"accessToken", "eyJ.x.y"}, {"tenant", bad}, {"tokenType", "Bearer"}}
		code := azPrint(fields, a, &out, &errb)
		if code == 0 || out.Len() != 0 || !strings.HasPrefix(errb.String(), "ERROR: tenant: ") || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("tenant %q: exit %d, stdout %q, stderr %q", bad, code, out.String(), errb.String())
		}
	}
}
