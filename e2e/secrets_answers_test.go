package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/internal/hostilenet"
)

// sharedMark separates a script's own values from the trace it prints.
const sharedMark = "----- shared below -----"

// Secrets inside ordinary answers (a Key Vault secret, storage keys, a
// connection string, a kubeconfig, a script's own PUT of a secret, Cosmos
// master keys, a Service Bus SharedAccessKey, a publishing password, a
// container registry password, a Databricks secret) reach the script, and
// none of --debug, trace.get/curl/explain/diagram, the HAR, the .http file
// or the report — raw, JSON-, URL- or HTML-escaped.
func TestAnswerSecretsScan(t *testing.T) {
	answers := map[string]string{
		"/secrets/db":  `{"value":"kv-Secret-Value-1f2e3d","id":"https://contoso-kv.vault.azure.net/secrets/db/1"}`,
		"/secrets/new": `{"id":"https://contoso-kv.vault.azure.net/secrets/new/2"}`,
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/listKeys":                                            `{"keys":[{"keyName":"key1","value":"StorageKeyAAAA+bbbb/cccc==","permissions":"FULL"}]}`,
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.DocumentDB/databaseAccounts/c/listConnectionStrings":                           `{"connectionStrings":[{"connectionString":"AccountEndpoint=https://c.documents.azure.com:443/;AccountKey=CosmosKey-9876543210==;","description":"Primary"}]}`,
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/k/listClusterAdminCredential":                 `{"kubeconfigs":[{"name":"clusterAdmin","value":"YXBpVmVyc2lvbjogdjEKdXNlcnM6Ci0gdG9rZW46IGFrcy10b2tlbg=="}]}`,
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.DocumentDB/databaseAccounts/c/listKeys":                                        `{"primaryMasterKey":"CosmosMaster-abcdef123456==","primaryReadonlyMasterKey":"CosmosReadonly-654321fedcba=="}`,
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.ServiceBus/namespaces/n/authorizationRules/RootManageSharedAccessKey/listKeys": `{"primaryConnectionString":"Endpoint=sb://n.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SbKey-0123456789abc=","primaryKey":"SbKey-0123456789abc="}`,
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/w/config/publishingcredentials/list":                                 `{"properties":{"publishingUserName":"$w","publishingPassword":"PubPassword-XYZ987"}}`,
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/r/listCredentials":                                `{"username":"r","passwords":[{"name":"password","value":"AcrPassword-Qq11Ww22"}]}`,
		"/api/2.0/secrets/get": `{"key":"k","value":"ZGJ4LXNlY3JldC12YWx1ZQ=="}`,
	}
	secrets := []string{"kv-Secret-Value-1f2e3d", "my-own-PUT-secret-99", "StorageKeyAAAA+bbbb/cccc==", "CosmosKey-9876543210==",
		"YXBpVmVyc2lvbjogdjEKdXNlcnM6Ci0gdG9rZW46IGFrcy10b2tlbg==", "CosmosMaster-abcdef123456==", "CosmosReadonly-654321fedcba==",
		"SbKey-0123456789abc=", "PubPassword-XYZ987", "AcrPassword-Qq11Ww22", "ZGJ4LXNlY3JldC12YWx1ZQ=="}
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
http.post("` + arm + `Microsoft.DocumentDB/databaseAccounts/c/listKeys?api-version=2024-05-15", null, {auth: false});
http.post("` + arm + `Microsoft.ServiceBus/namespaces/n/authorizationRules/RootManageSharedAccessKey/listKeys?api-version=2021-11-01", null, {auth: false});
http.post("` + arm + `Microsoft.Web/sites/w/config/publishingcredentials/list?api-version=2023-12-01", null, {auth: false});
http.post("` + arm + `Microsoft.ContainerRegistry/registries/r/listCredentials?api-version=2023-07-01", null, {auth: false});
http.get("https://adb-1.7.azuredatabricks.net/api/2.0/secrets/get?scope=s&key=k", {auth: false});
console.log("own: " + kv.json.value + " " + keys.get("keys.0.value"));
console.log("` + sharedMark + `");
const all = trace(); for (let i = 1; i <= all.length; i++) { console.log(JSON.stringify(trace.get(i))); console.log(trace.curl(i)); }
console.log(JSON.stringify(all)); console.log(all); console.log(trace.explain()); console.log(trace.diagram());
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
	_, shared, ok := strings.Cut(r.stdout, sharedMark)
	if !ok || !strings.Contains(shared, "publishingcredentials") {
		t.Fatalf("the script printed no trace after its own values:\n%s", r.stdout)
	}
	places := map[string]string{"--debug": r.stderr, "trace.get, trace.curl, trace, explain, diagram": shared}
	for _, f := range []string{"s.har", "s.http", "s.html"} {
		b, err := os.ReadFile(filepath.Join(work, f))
		if err != nil {
			t.Fatal(err)
		}
		places[f] = string(b)
	}
	for where, text := range places {
		for _, s := range secrets {
			for _, form := range []string{s, url.QueryEscape(s), strings.ReplaceAll(s, "+", `\u002b`),
				strings.NewReplacer("+", "&#43;", "=", "&#61;").Replace(s), strings.NewReplacer("+", "&#x2b;", "=", "&#x3d;").Replace(s),
				strings.ReplaceAll(s, "=", `\u003d`)} {
				if strings.Contains(text, form) {
					t.Errorf("%s shows %s (as %s)", where, s, form)
					break
				}
			}
		}
	}
}
