package suggest

import "testing"

func TestNearest(t *testing.T) {
	words := []string{"headers", "query", "scope", "device", "browser", "graph", "login", "logout", "status"}
	for in, want := range map[string]string{
		"hedaers": "headers", "Headers": "headers", "devcie": "device", "grpah": "graph",
		"stauts": "status", "logni": "login", "qery": "query", "zzzzzzz": "", "x": "", "ab": "",
	} {
		if got := Nearest(in, words); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", in, got, want)
		}
	}
	if got := DidYouMean("devcie", words); got != " — did you mean device?" {
		t.Errorf("DidYouMean: %q", got)
	}
}
