package auth

import (
	"slices"
	"strings"
	"testing"
)

// TestFlowsDescribeThemselves: every registered flow has its help line,
// the default flow comes first and every flow is listed once.
func TestFlowsDescribeThemselves(t *testing.T) {
	list := Flows()
	if len(list) != len(FlowNames()) || list[0].Name != FlowDevice {
		t.Fatalf("Flows() = %v, names %v", list, FlowNames())
	}
	var names []string
	for _, f := range list {
		if strings.TrimSpace(f.Summary) == "" {
			t.Errorf("flow %s has no summary", f.Name)
		}
		names = append(names, f.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, FlowNames()) {
		t.Errorf("Flows() names %v, FlowNames() %v", names, FlowNames())
	}
}

// TestSecretToAsk: the secret and password flows ask for what neither the
// options nor the environment hold, and put the answer where their login
// reads it; flows without a secret ask nothing.
func TestSecretToAsk(t *testing.T) {
	noEnv := func(string) string { return "" }
	env := func(k string) string { return map[string]string{"AZURE_CLIENT_SECRET": "s", "AZURE_PASSWORD": "p"}[k] }

	m := SecretToAsk(LoginOptions{Flow: FlowSecret}, noEnv)
	if m == nil || !strings.Contains(m.Prompt, "not echoed") || !strings.Contains(m.NoTerminal, "AZURE_CLIENT_SECRET") {
		t.Fatalf("secret flow, nothing given: %+v", m)
	}
	o := LoginOptions{Flow: FlowSecret}
	m.Fill(&o, "typed")
	if o.ClientSecret != "typed" {
		t.Errorf("Fill put the client secret at %+v", o)
	}
	m = SecretToAsk(LoginOptions{Flow: FlowPassword, Username: "alice@contoso.example"}, noEnv)
	if m == nil || !strings.Contains(m.Prompt, "alice@contoso.example") || !strings.Contains(m.NoTerminal, "AZURE_PASSWORD") {
		t.Fatalf("password flow, nothing given: %+v", m)
	}
	o = LoginOptions{Flow: FlowPassword}
	m.Fill(&o, "typed")
	if o.Password != "typed" {
		t.Errorf("Fill put the password at %+v", o)
	}
	for _, tc := range []struct {
		o      LoginOptions
		getenv func(string) string
	}{
		{LoginOptions{Flow: FlowSecret, ClientSecret: "given"}, noEnv},
		{LoginOptions{Flow: FlowSecret}, env},
		{LoginOptions{Flow: FlowPassword, Password: "given"}, noEnv},
		{LoginOptions{Flow: FlowPassword}, env},
		{LoginOptions{}, noEnv},
		{LoginOptions{Flow: FlowCertificate}, noEnv},
		{LoginOptions{Flow: "no-such-flow"}, noEnv},
	} {
		if m := SecretToAsk(tc.o, tc.getenv); m != nil {
			t.Errorf("SecretToAsk(%+v) = %+v, want nothing to ask", tc.o, m)
		}
	}
}
