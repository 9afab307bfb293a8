package emulator

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Each host throttles in its own envelope (https://learn.microsoft.com/graph/throttling, https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling), through
// the proxy and on the direct listener alike.
func TestFaultBodiesPerService(t *testing.T) {
	em := startEmulator(t, Config{Faults: "every=1,kinds=429+503"})
	c := em.HTTPClient()
	db := "https://" + em.World().Databricks.Host
	direct := em.DirectURL()
	cases := []struct {
		url  string
		want map[string]string // "429"/"503" → a fragment of the body
	}{
		{"https://graph.microsoft.com/v1.0/me", map[string]string{"429": `"innerError":{"code":"429"`, "503": `"code":"ServiceUnavailable"`}},
		{direct + "/v1.0/me", map[string]string{"429": `"innerError":{"code":"429"`, "503": `"code":"ServiceUnavailable"`}},
		{"https://management.azure.com/subscriptions?api-version=2022-12-01", map[string]string{"429": `{"error":{"code":"TooManyRequests","message":"The request is being throttled`, "503": `{"error":{"code":"ServiceUnavailable"`}},
		// A subscription's requests: ARM's own text (velero-io/velero#9171).
		{"https://management.azure.com/subscriptions/00000000-0000-4000-8000-000000000001/resourcegroups?api-version=2021-04-01", map[string]string{
			"429": `{"error":{"code":"SubscriptionRequestsThrottled","message":"Number of 'read' requests for subscription '00000000-0000-4000-8000-000000000001' actor '' exceeded. Please try again after '1' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information."}}`,
			"503": `{"error":{"code":"ServiceUnavailable"`}},
		{db + "/api/2.0/clusters/list", map[string]string{"429": `{"error_code":"REQUEST_LIMIT_EXCEEDED","message":`, "503": `{"error_code":"TEMPORARILY_UNAVAILABLE"`}},
		{direct + "/api/2.0/clusters/list", map[string]string{"429": `{"error_code":"REQUEST_LIMIT_EXCEEDED","message":`, "503": `{"error_code":"TEMPORARILY_UNAVAILABLE"`}},
		{"https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration", map[string]string{"429": `"error":"temporarily_unavailable"`, "503": `"error":"temporarily_unavailable"`}},
	}
	directClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: em.CertPool()}}}
	for _, tc := range cases {
		seen := map[string]bool{}
		for len(seen) < 2 {
			cl := c
			if strings.HasPrefix(tc.url, direct) {
				cl = directClient
			}
			resp, err := cl.Get(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			st := resp.Status[:3]
			frag, ok := tc.want[st]
			if !ok || resp.Header.Get("Retry-After") != "1" || !strings.Contains(string(b), frag) || !json.Valid(b) {
				t.Fatalf("%s: %s %q %s", tc.url, resp.Status, resp.Header.Get("Retry-After"), b)
			}
			if strings.Contains(tc.url, "management.azure.com") && strings.Contains(string(b), "innerError") {
				t.Fatalf("ARM body with innerError: %s", b)
			}
			seen[st] = true
		}
	}
	// Entra's 429 is an OAuth error azrepl's parser reads: error_codes and a description.
	resp, err := c.PostForm("https://login.microsoftonline.com/common/oauth2/v2.0/token", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Codes       []int  `json:"error_codes"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable ||
		len(body.Codes) != 1 || !strings.HasPrefix(body.Description, "AADSTS") {
		t.Fatalf("Entra fault: %d %+v %v", resp.StatusCode, body, err)
	}
}

// Graph throttles inside $batch: the envelope is 200, one item is 429 with
// a fractional Retry-After (microsoftgraph/microsoft-graph-docs#3877).
func TestBatchItemThrottled(t *testing.T) {
	em := startEmulator(t, Config{Faults: "every=1,kinds=429,host=graph.microsoft.com"})
	c := em.HTTPClient()
	req, _ := http.NewRequest("POST", "https://graph.microsoft.com/v1.0/$batch", strings.NewReader(`{"requests":[{"id":"1","method":"GET","url":"/groups?$top=1"},{"id":"2","method":"GET","url":"/users?$top=1"}]}`))
	req.Header.Set("Authorization", "Bearer "+readerToken(t, em))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Responses []struct {
			ID      string            `json:"id"`
			Status  int               `json:"status"`
			Headers map[string]string `json:"headers"`
		} `json:"responses"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || len(out.Responses) != 2 {
		t.Fatalf("%d %v %+v", resp.StatusCode, err, out)
	}
	if r := out.Responses[0]; r.Status != 429 || r.Headers["Retry-After"] != "0.249" || out.Responses[1].Status != 200 {
		t.Fatalf("items %+v", out.Responses)
	}
}
