package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/internal/hostilenet"
)

// Secrets inside ordinary answers (a Key Vault secret, storage keys, a
// connection string, a kubeconfig, a script's own PUT of a secret) reach
// the script, and none of --debug, the HAR, the .http file or the report.
func TestAnswerSecretsScan(t *testing.T) {
	answers := map[string]string{
		"/secrets/db":  `{"value":"kv-Secret-Value-1f2e3d","id":"https://contoso-kv.vault.azure.net/secrets/db/1"}`,
		"/secrets/new": `{"id":"https://contoso-kv.vault.azure.net/secrets/new/2"}`,
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/listKeys":                            `{"keys":[{"keyName":"key1","value":"StorageKeyAAAA+bbbb/cccc==","permissions":"FULL"}]}`,
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.DocumentDB/databaseAccounts/c/listConnectionStrings":           `{"connectionStrings":[{"connectionString":"AccountEndpoint=https://c.documents.azure.com:443/;AccountKey=CosmosKey-9876543210==;","description":"Primary"}]}`,
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/k/listClusterAdminCredential": `{"kubeconfigs":[{"name":"clusterAdmin","value":"YXBpVmVyc2lvbjogdjEKdXNlcnM6Ci0gdG9rZW46IGFrcy10b2tlbg=="}]}`,
	}
	secrets := []string{"kv-Secret-Value-1f2e3d", "my-own-PUT-secret-99", "StorageKeyAAAA+bbbb/cccc==", "CosmosKey-9876543210==",
		"YXBpVmVyc2lvbjogdjEKdXNlcnM6Ci0gdG9rZW46IGFrcy10b2tlbg=="}
	hs := hostilenet.New(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(answers[r.URL.Path]))
	})
	work, home := t.TempDir(), t.TempDir()
	ca := filepath.Join(home, "ca.pem")
	if err := os.WriteFile(ca, hs.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	arm := "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/"
	script := `
const kv = http.get("https://contoso-kv.vault.azure.net/secrets/db?api-version=7.4", {auth: false});
http.put("https://contoso-kv.vault.azure.net/secrets/new?api-version=7.4", {value: "my-own-PUT-secret-99"}, {auth: false});
const keys = http.post("` + arm + `Microsoft.Storage/storageAccounts/a/listKeys?api-version=2023-05-01", null, {auth: false});
http.post("` + arm + `Microsoft.DocumentDB/databaseAccounts/c/listConnectionStrings?api-version=2024-05-15", null, {auth: false});
http.post("` + arm + `Microsoft.ContainerService/managedClusters/k/listClusterAdminCredential?api-version=2024-02-01", null, {auth: false});
console.log("own: " + kv.json.value + " " + keys.get("keys.0.value"));
trace.har("s.har"); trace.http("s.http"); trace.report("s.html");
`
	if err := os.WriteFile(filepath.Join(work, "answers.js"), []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + home, "AZREPL_HOME=" + filepath.Join(home, ".azrepl"), "PATH=" + os.Getenv("PATH"), "NO_COLOR=1",
		"HTTPS_PROXY=" + hs.Proxy.URL, "SSL_CERT_FILE=" + ca}
	r := robustRunIn(t, work, env, "--debug", "run", "answers.js")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "own: kv-Secret-Value-1f2e3d StorageKeyAAAA+bbbb/cccc==") {
		t.Errorf("the script's own values lost their secrets: %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "listClusterAdminCredential") || !strings.Contains(r.stderr, "***") {
		t.Fatalf("--debug printed no exchange with a masked value:\n%s", r.stderr)
	}
	places := map[string]string{"--debug": r.stderr}
	for _, f := range []string{"s.har", "s.http", "s.html"} {
		b, err := os.ReadFile(filepath.Join(work, f))
		if err != nil {
			t.Fatal(err)
		}
		places[f] = string(b)
	}
	for where, text := range places {
		for _, s := range secrets {
			if strings.Contains(text, s) || strings.Contains(text, strings.ReplaceAll(s, "+", `\u002b`)) {
				t.Errorf("%s shows %s", where, s)
			}
		}
	}
}
