package emulator

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// The service table decides both the proxy's host routing and the direct
// listener's path routing.
func TestServiceTableRoutesHostsAndPaths(t *testing.T) {
	em := startEmulator(t, Config{Groups: 1})
	for host, want := range map[string]string{
		"login.microsoftonline.com:443":                  "entra",
		"GRAPH.microsoft.com":                            "graph",
		"management.azure.com":                           "arm",
		"www.microsoft.com":                              "devicelogin",
		em.World().Databricks.Host:                       "databricks",
		"adb-1.2.azuredatabricks.net":                    "databricks-unknown",
		"example.com":                                    "",
		"127.0.0.1:8443":                                 "",
		"azuredatabricks.net":                            "",
		"login.microsoftonline.com.attacker.example.com": "",
	} {
		got := ""
		if s := em.serviceForHost(host); s != nil {
			got = s.Name
		}
		if got != want {
			t.Errorf("serviceForHost(%q) = %q, want %q", host, got, want)
		}
	}
	for path, want := range map[string]string{
		"/v1.0/groups":                    "graph",
		"/v1.0":                           "graph",
		"/v1.0x/groups":                   "entra",
		"/subscriptions":                  "arm",
		"/devicelogin":                    "devicelogin",
		"/oidc/v1/token":                  "databricks",
		"/.well-known/databricks-config":  "databricks",
		"/common/oauth2/v2.0/token":       "entra",
		"/organizations/v2.0/.well-known": "entra",
	} {
		if s := em.serviceForPath(path); s == nil || s.Name != want {
			t.Errorf("serviceForPath(%q) = %v, want %q", path, s, want)
		}
	}
}

// A row with Listen gets its own plain-HTTP loopback listener, wrapped in the
// same middleware (request id, log) as every other service.
func TestServiceOwnListener(t *testing.T) {
	ca, err := newAuthority()
	if err != nil {
		t.Fatal(err)
	}
	em := &Emulator{cfg: Config{Listen: "127.0.0.1:0"}, ca: ca, log: &requestLog{}}
	em.services = []Service{{Name: "plain", Listen: "127.0.0.1:0", Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "plain "+r.URL.Path)
	})}}
	em.root = em.wrap(http.HandlerFunc(em.route))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := em.bindDirect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := em.listen(ctx); err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	u := em.ServiceURL("plain")
	if u == "" || em.ServiceURL("nope") != "" {
		t.Fatalf("ServiceURL = %q", u)
	}
	resp, err := http.Get(u + "/x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "plain /x" || resp.Header.Get("x-ms-request-id") == "" {
		t.Fatalf("got %q, headers %v", body, resp.Header)
	}
}
