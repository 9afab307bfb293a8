package bindings_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
)

// TestOptionTypos: a misspelt or mistyped option of every binding is a
// BAD_ARGUMENT error that names the call, the key meant and the valid keys,
// thrown before anything is sent.
func TestOptionTypos(t *testing.T) {
	h := readerHarness(t, emulated(emulator.Config{Groups: 3}))
	sp := h.world.Databricks.ServicePrincipal
	const u = `"https://graph.microsoft.com/v1.0/groups"`
	const sub = `"/subscriptions?api-version=2022-12-01"`
	cases := []struct{ src, want string }{
		{`http.get(` + u + `, {hedaers: {}})`, `http.get(…, opts): unknown option "hedaers" — did you mean headers? (valid: auth, form, headers, query, scope, timeout)`},
		{`http.post(` + u + `, "x", {qeury: {}})`, `did you mean query?`},
		{`http.request({url: ` + u + `, methd: "GET"})`, `http.request(spec): unknown option "methd" — did you mean method?`},
		{`http.batch([{url: ` + u + `, bdy: 1}])`, `http.batch item 0: unknown option "bdy" — did you mean body?`},
		{`http.get(` + u + `, {headers: "x"})`, `option headers must be an object, not the string "x"`},
		{`http.get(` + u + `, {timeout: "5s"})`, `option timeout must be a number, not the string "5s"`},
		{`http.get(` + u + `, {auth: "no"})`, `option auth must be true or false`},
		{`http.get(` + u + `, "headers")`, `options must be an object with keys among auth, form, headers`},
		{`graph.get("/groups", {Scope: "x"})`, `graph.get(…, opts): unknown option "Scope" — did you mean scope?`},
		{`graph.beta.patch("/groups/x", {}, {form: 1})`, `graph.patch(…, opts): option form must be an object, not the number 1`},
		{`graph.all("/groups", {mx: 1})`, `graph.all(path, opts): unknown option "mx" — did you mean max?`},
		{`graph.all("/groups", {max: "5"})`, `option max must be a whole number, not the string "5"`},
		{`graph.batch([{url: "/groups", dependOn: ["1"]}])`, `graph.batch item 0: unknown option "dependOn" — did you mean dependsOn?`},
		{`arm.get(` + sub + `, {timout: 1})`, `arm.get(…, opts): unknown option "timout" — did you mean timeout?`},
		{`arm.all(` + sub + `, {maxx: 1})`, `arm.all(path, opts): unknown option "maxx" — did you mean max?`},
		{`databricks({hots: "x"})`, `databricks(opts): unknown option "hots" — did you mean host?`},
		{fmt.Sprintf(`databricks({flow: "m2m", clientId: %q, clientSecret: %q}).all("/api/2.1/jobs/list", {itmes: "jobs"})`, sp.ClientID, sp.ClientSecret),
			`databricks.all(path, opts): unknown option "itmes" — did you mean items?`},
		{fmt.Sprintf(`databricks({flow: "m2m", clientId: %q, clientSecret: %q}).get("/api/2.1/jobs/list", {heders: {}})`, sp.ClientID, sp.ClientSecret),
			`databricks.get(…, opts): unknown option "heders" — did you mean headers?`},
		{`login({clientID: "x"})`, `login(opts): unknown option "clientID" — did you mean clientId?`},
		{`login({certificate: 5})`, `login(opts): option certificate must be a string or an array of strings`},
		{`token(undefined, {tenants: "x"})`, `token(scope, opts): unknown option "tenants" — did you mean tenant?`},
		{`token(undefined, {force: 1})`, `token(scope, opts): option force must be true or false, not the number 1`},
	}
	before := len(h.http.Trace())
	for _, tc := range cases {
		h.throwsBadArgument(tc.src, tc.want)
	}
	for _, x := range h.http.Trace()[before:] {
		if strings.Contains(x.URL, "graph.microsoft.com") || strings.Contains(x.URL, "management.azure.com") {
			t.Errorf("a call with a bad option was sent: %s %s", x.Method, x.URL)
		}
	}
	// Undefined and null options are "not given"; known keys still work.
	if got := h.js(`graph.all("/groups", {max: 2, headers: {"x-test": "1"}, scope: undefined}).length`); got != "2" {
		t.Errorf("valid options: %s", got)
	}
}
