package bindings_test

import (
	"strings"
	"testing"
)

// token(resource, {v1: true}) from JS: the same Token object, plus the v1
// answer's resource and not_before; a misspelt option is refused.
func TestTokenV1FromJS(t *testing.T) {
	h := newHarness(t, commandLine())
	h.value(`login({flow: "secret"})`)
	tok := h.value(`(function(){ const t = token("https://graph.microsoft.com", {v1: true});
		return {resource: t.resource, nbf: t.notBefore instanceof Date, aud: t.audience, exp: t.expiresOn instanceof Date,
			json: JSON.parse(JSON.stringify(t)).resource, jwt: String(t).split(".").length} })()`)
	if tok["resource"] != "https://graph.microsoft.com" || tok["nbf"] != true || tok["exp"] != true ||
		tok["aud"] != "https://graph.microsoft.com" || tok["json"] != "https://graph.microsoft.com" || tok["jwt"] != float64(3) {
		t.Errorf("v1 token = %v", tok)
	}
	if got := h.run(`"resource" in token("https://graph.microsoft.com")`); got != "false" {
		t.Errorf("a v2 token has a resource: %s", got)
	}
	e := h.thrown(`token("https://graph.microsoft.com/User.Read", {v1: true})`)
	if msg, _ := e["message"].(string); !strings.Contains(msg, "the v1 endpoint takes one resource") {
		t.Errorf("a v1 scope threw %v", e)
	}
	e = h.thrown(`token("https://graph.microsoft.com", {V1: true})`)
	if msg, _ := e["message"].(string); e["code"] != "BAD_ARGUMENT" || !strings.Contains(msg, "did you mean v1?") {
		t.Errorf("a misspelt v1 threw %v", e)
	}
}
