package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// answerSecrets are what hostile (or merely ordinary) services put in their
// answers: each must reach the script, and none the trace or --debug.
var answerSecrets = []struct{ method, url, reqBody, respBody, secret string }{
	{"GET", "https://contoso-kv.vault.azure.net/secrets/db?api-version=7.4", "",
		`{"value":"kv-Secret-Value-1f2e3d","id":"https://contoso-kv.vault.azure.net/secrets/db/1","attributes":{"enabled":true}}`, "kv-Secret-Value-1f2e3d"},
	{"PUT", "https://contoso-kv.vault.azure.net/secrets/new?api-version=7.4", `{"value":"my-own-PUT-secret-99"}`,
		`{"id":"https://contoso-kv.vault.azure.net/secrets/new/2","attributes":{"enabled":true}}`, "my-own-PUT-secret-99"},
	{"POST", "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/listKeys?api-version=2023-05-01", "",
		`{"keys":[{"creationTime":"2024-01-01T00:00:00Z","keyName":"key1","value":"StorageKeyAAAA+bbbb/cccc==","permissions":"FULL"}]}`, "StorageKeyAAAA+bbbb/cccc=="},
	{"POST", "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.DocumentDB/databaseAccounts/c/listKeys?api-version=2024-05-15", "",
		`{"primaryMasterKey":"CosmosPrimaryKey0123456789==","secondaryMasterKey":"CosmosSecondaryKey987==","primaryReadonlyMasterKey":"CosmosRO-key-555=="}`, "CosmosPrimaryKey0123456789=="},
	{"POST", "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.ServiceBus/namespaces/n/authorizationRules/Root/listKeys?api-version=2021-11-01", "",
		`{"primaryConnectionString":"Endpoint=sb://n.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=SbKeyXYZ123456=","keyName":"Root"}`, "SbKeyXYZ123456="},
	{"GET", "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/w/config/appsettings?api-version=2022-03-01", "",
		`{"properties":{"Conn":"DefaultEndpointsProtocol=https;AccountName=a;AccountKey=AppSettingKey42+==;EndpointSuffix=core.windows.net","Bus":"Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=OtherSasKey777="}}`, "OtherSasKey777="},
	{"POST", "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/w/config/publishingcredentials/list?api-version=2022-03-01", "",
		`{"properties":{"publishingUserName":"$w","publishingPassword":"PublishPw-abcdef123"}}`, "PublishPw-abcdef123"},
	{"POST", "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/r/listCredentials?api-version=2023-07-01", "",
		`{"username":"r","passwords":[{"name":"password","value":"AcrPassword+One1"},{"name":"password2","value":"AcrPassword+Two2"}]}`, "AcrPassword+Two2"},
	{"POST", "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/k/listClusterAdminCredential?api-version=2024-02-01", "",
		`{"kubeconfigs":[{"name":"clusterAdmin","value":"YXBpVmVyc2lvbjogdjEKdXNlcnM6Ci0gdG9rZW46IGFrcy10b2tlbg=="}]}`, "YXBpVmVyc2lvbjogdjEKdXNlcnM6Ci0gdG9rZW46IGFrcy10b2tlbg=="},
	{"GET", "https://example.blob.core.windows.net/config/kubeconfig.yaml", "",
		"apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVkt\n    token: aks-bearer-Token-0123456789\n", "aks-bearer-Token-0123456789"},
	{"GET", "https://example.blob.core.windows.net/config/app.json", "",
		`{"cert":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"}`, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"},
}

func TestSecretsInAnswersAreMaskedOutsideTheScriptsValue(t *testing.T) {
	byPath := map[string]string{}
	for _, a := range answerSecrets {
		i := strings.Index(a.url[len("https://"):], "/") + len("https://")
		byPath[strings.SplitN(a.url[i:], "?", 2)[0]] = a.respBody
	}
	hs := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(byPath[r.URL.Path]))
	})
	var debug bytes.Buffer
	c := hs.client()
	c.trace.debug = &debug
	for _, a := range answerSecrets {
		resp, err := c.Do(context.Background(), &Request{Method: a.method, URL: a.url, Body: []byte(a.reqBody), NoAuth: true})
		if err != nil {
			t.Fatalf("%s %s: %v", a.method, a.url, err)
		}
		if !strings.Contains(string(resp.Body)+a.reqBody, a.secret) {
			t.Errorf("%s: the script's own value lost its secret", a.url)
		}
	}
	trace, _ := json.Marshal(c.Trace())
	for _, a := range answerSecrets {
		for where, text := range map[string]string{"the trace": string(trace), "--debug": debug.String()} {
			if strings.Contains(text, a.secret) || strings.Contains(text, strings.ReplaceAll(a.secret, "+", `\u002b`)) {
				t.Errorf("%s shows the secret of %s %s", where, a.method, a.url)
			}
		}
	}
	// What is not secret stays readable.
	for _, keep := range []string{`"keyName":"key1"`, `"publishingUserName":"$w"`, `"name":"clusterAdmin"`, "SharedAccessKeyName=k", `"enabled":true`} {
		if !strings.Contains(debug.String(), keep) {
			t.Errorf("--debug lost %s", keep)
		}
	}
}

// A server's escape sequences (a title change, a cleared screen, a
// rewritten line) never reach the terminal through --debug.
func TestDebugLinesEscapeServerControls(t *testing.T) {
	hs := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Note", "ok")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("{\"message\":\"\x1b]0;pwned\x07\x1b[2J\x9b31m done\"}"))
	})
	var debug bytes.Buffer
	c := hs.client()
	c.trace.debug = &debug
	if _, err := c.Do(context.Background(), &Request{URL: "https://graph.microsoft.com/v1.0/me", NoAuth: true}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(debug.String(), "\x1b\x07\u009b") || !strings.Contains(debug.String(), `\x1b]0;pwned`) {
		t.Errorf("--debug passes escape sequences through: %q", debug.String())
	}
}
