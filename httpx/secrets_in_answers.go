package httpx

import (
	"encoding/json"
	"net/url"
	"strings"
)

// Secrets inside ordinary answers. Beyond the field names of secretFields,
// some services put a secret under a name that is harmless elsewhere
// ("value"), and some send secrets whose shape gives them away (a PEM
// private key, a kubeconfig's credentials). The script gets every answer
// as it came; the trace, --debug, HAR, .http and the report mask them.

var (
	// "value": "…" — masked only in exchanges that secretValues names.
	valueMemberRE = newLazyRE(`"(value)"(\s*:\s*)"((?:[^"\\]|\\.)*)("|\\?$)`)
	// A PEM private key block, raw or inside a JSON string (\n escaped).
	pemKeyRE = newLazyRE(`-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[^-]*(-----END [A-Z0-9 ]*PRIVATE KEY-----)?`)
	// A kubeconfig's (YAML) credentials: client-key-data, token, password.
	yamlSecretRE = newLazyRE(`(?m)^(\s*-?\s*(?:client-key-data|client-certificate-data|token|password|client-secret)\s*:\s*)("[^"\n]*"|'[^'\n]*'|\S+)`)
)

// maskSecretShapes masks the secrets recognised by their shape.
func maskSecretShapes(s string) string {
	if strings.Contains(s, "PRIVATE KEY-----") {
		s = pemKeyRE.ReplaceAllString(s, "-----BEGIN ${1}PRIVATE KEY-----"+Mask+"$2")
	}
	if strings.Contains(s, "key-data:") || strings.Contains(s, "token:") || strings.Contains(s, "password:") || strings.Contains(s, "client-secret:") {
		s = yamlSecretRE.ReplaceAllString(s, "${1}"+Mask)
	}
	return s
}

// vaultSuffixes are Key Vault and Managed HSM hosts in the public and
// sovereign clouds: every secret's "value", sent and received, is secret.
var vaultSuffixes = []string{".vault.azure.net", ".vault.azure.cn", ".vault.usgovcloudapi.net", ".vault.microsoftazure.de",
	".managedhsm.azure.net", ".managedhsm.azure.cn", ".managedhsm.usgovcloudapi.net"}

// secretValues reports whether the "value" members of an exchange with u
// are secrets: Key Vault; ARM actions that return keys or credentials
// (listKeys, listConnectionStrings, listCredentials,
// listClusterAdminCredential, regenerateKey, publishingcredentials/list);
// Databricks' secrets/get.
func secretValues(u *url.URL) bool {
	host := strings.ToLower(u.Hostname())
	for _, s := range vaultSuffixes {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	path := strings.ToLower(strings.TrimRight(u.Path, "/"))
	last := path[strings.LastIndexByte(path, '/')+1:]
	switch {
	case strings.HasPrefix(last, "list") && containsAny(last, "key", "secret", "credential", "connectionstring", "password", "token"):
		return true
	case strings.HasPrefix(last, "regenerate"), strings.HasSuffix(path, "/publishingcredentials/list"),
		strings.HasSuffix(path, "/secrets/get"):
		return true
	}
	return false
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// maskValues learns and masks the "value" members of body.
func (r *redactor) maskValues(body string) string {
	if !strings.Contains(body, `"value"`) {
		return body
	}
	for _, m := range valueMemberRE.FindAllStringSubmatch(body, -1) {
		var v string
		if json.Unmarshal([]byte(`"`+m[3]+`"`), &v) == nil {
			r.add(v)
		}
	}
	return valueMemberRE.ReplaceAllString(body, `"$1"$2"`+Mask+`$4`)
}
