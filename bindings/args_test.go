package bindings_test

import (
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
)

// TestArgumentsCheckedBeforeAnythingIsSent: a value of the wrong type is a
// BAD_ARGUMENT TypeError naming the call and the parameter, and nothing
// goes to the network (no "[object Object]" scope, path or host).
func TestArgumentsCheckedBeforeAnythingIsSent(t *testing.T) {
	h := readerHarness(t, emulated(emulator.Config{Groups: 3}))
	cases := []struct{ src, want string }{
		{`token({tenant: "x"})`, `token(scope, opts): scope must be a string, not an object (options go after it)`},
		{`token(42)`, `token(scope, opts): scope must be a string, not the number 42`},
		{`token(["a", "b"])`, `scope must be a string, not an array`},
		{`graph.all({})`, `graph.all(path, opts): path must be a string, not an object`},
		{`graph.all()`, `graph.all(path, opts): path is missing`},
		{`graph.iter(5)`, `graph.iter(path, opts): path must be a string, not the number 5`},
		{`graph.each("/groups", "x")`, `graph.each(path, fn, opts): fn must be a function, not the string "x"`},
		{`graph.get(42)`, `graph.get(path, opts): path must be a string, not the number 42`},
		{`graph.beta.post({}, {})`, `graph.post(path, body, opts): path must be a string, not an object`},
		{`graph.batch("/me")`, `graph.batch(requests): requests must be an array of paths or {method, url, body, headers}, not the string "/me"`},
		{`graph.batch([1])`, `graph.batch(requests): requests[0] must be a string, not the number 1`},
		{`arm.get(true)`, `arm.get(path, opts): path must be a string, not a boolean`},
		{`arm.all(null)`, `arm.all(path, opts): path is missing`},
		{`databricks("m2m")`, `databricks(opts): "m2m" is a flow, not a host — did you mean databricks({flow: "m2m"})?`},
		{`databricks("workspace")`, `databricks(opts): "workspace" is not a workspace host`},
		{`databricks(7)`, `databricks(opts): opts must be an object or a workspace host, not the number 7`},
		{`databricks({flow: "m2n"})`, `databricks(opts): unknown flow "m2n" — did you mean m2m? (flows: pat, u2m, m2m, azure`},
		{`login({flow: 3})`, `login(opts): option flow must be a string, not the number 3`},
		{`login({flow: "devcie"})`, `login(opts): unknown flow "devcie" — did you mean device? (flows: `},
		{`login({flwo: "device"})`, `login(opts): unknown option "flwo" — did you mean flow?`},
		{`login("device")`, `login(opts): options must be an object`},
		{`logout({})`, `logout(account): account must be a string, not an object`},
		{`http.get({})`, `http.get(url, …): url must be a string or a URL, not an object`},
		{`http.get(42)`, `http.get(url, …): url must be a string or a URL, not the number 42`},
		{`http.batch("x")`, `http.batch(requests): requests must be an array of URLs`},
		{`http.scope({})`, `http.scope(url): url must be a string, not an object`},
		{`trace.load({})`, `trace.load(file): file must be a string, not an object`},
		{`trace.har(1)`, `trace.har(file): file must be a string, not the number 1`},
		{`fs.readFile({})`, `fs.readFile(path, opts): path must be a string, not an object`},
		{`fs.writeFile(1, "x")`, `fs.writeFile(path, data, opts): path must be a string, not the number 1`},
		{`fs.exists()`, `fs.exists(path): path is missing`},
		{`graph.permission(["User.Read"])`, `graph.permission(name): name must be a string, not an array`},
		{`graph.permissions({path: "/me"})`, `graph.permissions(request): request must be a string, not an object`},
		{`sleep("5s")`, `sleep(ms): ms must be a number, not the string "5s"`},
		{`delay({})`, `delay(ms): ms must be a number, not an object`},
		{`q({a: 1}, {})`, `q(jsonOrValue, path): path must be a string, not an object`},
	}
	before := len(h.http.Trace())
	for _, tc := range cases {
		h.throwsBadArgument(tc.src, tc.want)
	}
	for _, x := range h.http.Trace()[before:] {
		t.Errorf("a call with a bad argument was sent: %s %s", x.Method, x.URL)
	}
	// Right types still work: a URL object, a host string, a path.
	if got := h.js(`graph.get("/groups?$top=1").status`); got != "200" {
		t.Errorf("graph.get: %s", got)
	}
	if e := h.thrown(`graph.get("/groups?$top=1").get(5)`); e["code"] != "BAD_ARGUMENT" || !strings.Contains(e["message"].(string), "Response.get(path): path must be a string, not the number 5") {
		t.Errorf("Response.get(5) threw %v", e)
	}
	if got := h.js(`http.get(new URL("https://graph.microsoft.com/v1.0/groups?$top=1")).status`); got != "200" {
		t.Errorf("http.get(URL): %s", got)
	}
}
