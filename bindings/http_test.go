package bindings_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/internal/graphperm"
	"github.com/azrepl/azrepl/runtime"
	"github.com/dop251/goja"
)

func TestResponseObject(t *testing.T) {
	h := readerHarness(t, emulated(emulator.Config{Groups: 30}))
	got := h.js(`(() => {
		const r = http.get("https://graph.microsoft.com/v1.0/groups", {query: {"$top": "3", "$select": "id,displayName"}});
		return {status: r.status, ok: r.ok, ct: r.headers["content-type"].split(";")[0], n: r.json.value.length,
			same: r.json === r.json, names: r.get("value.#.displayName").length, q: q(r, "value.#").valueOf(),
			url: r.url.includes("$top=3"), curl: r.curl().includes("Bearer $TOKEN"), text: typeof r.text, ms: r.duration >= 0}
	})()`)
	want := `{"status":200,"ok":true,"ct":"application/json","n":3,"same":true,"names":3,"q":3,"url":true,"curl":true,"text":"string","ms":true}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// non-2xx answers are returned by http.*, not thrown
	if got := h.js(`http.get("https://graph.microsoft.com/v1.0/groups/00000000-0000-0000-0000-000000000000").status`); got != "404" {
		t.Errorf("status of a missing path: %s", got)
	}
	// no token at all with auth: false
	if got := h.js(`http.get("https://graph.microsoft.com/v1.0/groups", {auth: false}).status`); got != "401" {
		t.Errorf("auth:false: %s", got)
	}
}

func TestResponseREPLRendering(t *testing.T) {
	h := readerHarness(t, emulated(emulator.Config{Groups: 200}))
	v, err := h.rt.Eval(context.Background(), "t", `http.get("https://graph.microsoft.com/v1.0/groups?$top=200")`)
	if err != nil {
		t.Fatal(err)
	}
	var s string
	h.rt.Do(func(vm *goja.Runtime) { s = runtime.Format(vm, v, false) })
	first, _, _ := strings.Cut(s, "\n")
	if !strings.HasPrefix(first, "200 OK  GET https://graph.microsoft.com/v1.0/groups?$top=200") {
		t.Errorf("status line: %q", first)
	}
	if !strings.Contains(s, "content-type: application/json") || !strings.Contains(s, "shown of") {
		t.Errorf("rendering lacks headers or the cut note:\n%s", s)
	}
}

func TestHTTPBatchKeepsOrder(t *testing.T) {
	h := readerHarness(t, emulated(emulator.Config{Groups: 60}))
	got := h.js(`(() => {
		const ids = graph.all("/groups?$select=id", {max: 40}).map(g => g.id);
		const answers = http.batch(ids.map(id => "https://graph.microsoft.com/v1.0/groups/" + id + "?$select=id")
			.concat([{method: "GET", url: "https://nowhere.invalid/x", auth: false}]));
		const inOrder = ids.every((id, i) => answers[i].status === 200 && answers[i].get("id") === id);
		const last = answers[answers.length - 1];
		return {n: answers.length, inOrder, lastIsError: last instanceof Error, code: last.code}
	})()`)
	if want := `{"n":41,"inOrder":true,"lastIsError":true,"code":"NETWORK"}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestGraphAllUnderFaults(t *testing.T) {
	const n = 3000
	h := readerHarness(t, emulated(emulator.Config{Groups: n, Faults: "rate=0.2,kinds=429+503+reset+truncate,host=graph.microsoft.com"}))
	got := h.js(`(() => {
		const all = graph.all("/groups?$top=100&$select=id,displayName");
		return {n: all.length, unique: new Set(all.map(g => g.id)).size}
	})()`)
	if want := fmt.Sprintf(`{"n":%d,"unique":%d}`, n, n); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := h.js(`graph.all("/groups?$top=7", {max: 20}).length`); got != "20" {
		t.Errorf("max 20 gave %s", got)
	}
}

func TestGraphBatchSplitsAndKeepsOrder(t *testing.T) {
	h := readerHarness(t, emulated(emulator.Config{Groups: 50}))
	got := h.js(`(() => {
		const ids = graph.all("/groups?$select=id", {max: 45}).map(g => g.id);
		const answers = graph.batch(ids.map(id => ({method: "GET", url: "/groups/" + id + "?$select=id"})));
		return {n: answers.length, ok: answers.every((a, i) => a.status === 200 && a.body.id === ids[i] && a.id === String(i + 1))}
	})()`)
	if want := `{"n":45,"ok":true}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	batches := 0
	for _, e := range h.http.Trace() {
		if strings.HasSuffix(e.URL, "/$batch") {
			batches++
		}
	}
	if batches != 3 {
		t.Errorf("45 requests went out in %d $batch posts, want 3", batches)
	}
}

func TestGraphForbiddenHint(t *testing.T) {
	h := newHarness(t)
	h.loginApp("story-app")
	got := h.thrown(`graph.get("/v1.0/groups")`)
	if got["code"] != "FORBIDDEN" || got["serviceCode"] != "Authorization_RequestDenied" || got["status"] != float64(403) ||
		got["exitCode"] != float64(errcode.Exit("FORBIDDEN")) {
		t.Errorf("fields: %v", got)
	}
	// The story's 403: the hint names the least privileged application
	// permission for GET /v1.0/groups in Microsoft's data, and that an
	// administrator must consent to it.
	r, _ := graphperm.Lookup("GET", "/v1.0/groups")
	best, ok := r.Best(graphperm.Application)
	if !ok || !slices.ContainsFunc(r.Schemes[graphperm.Application].Least, func(g graphperm.Grant) bool { return g.String() == best.String() }) {
		t.Fatalf("no least privileged application permission for GET /groups: %+v", r.Schemes[graphperm.Application])
	}
	hint, _ := got["hint"].(string)
	for _, want := range []string{"GET /v1.0/groups needs an application permission", "least privileged: " + best.String(), "needs admin consent", "roles: (none)"} {
		if !strings.Contains(hint, want) {
			t.Errorf("hint lacks %q: %q", want, hint)
		}
	}
	if !strings.Contains(got["message"].(string), "Insufficient privileges") {
		t.Errorf("message: %q", got["message"])
	}
}

func TestWrongAudienceHint(t *testing.T) {
	h := readerHarness(t)
	// Ask for an ARM token and send it to Graph.
	got := h.thrown(`graph.get("/groups", {scope: "https://management.core.windows.net//.default"})`)
	hint, _ := got["hint"].(string)
	if got["code"] != "UNAUTHENTICATED" || got["serviceCode"] != "InvalidAuthenticationToken" ||
		!strings.Contains(hint, "https://management.core.windows.net/") || !strings.Contains(hint, `token("https://graph.microsoft.com/.default")`) {
		t.Errorf("fields: %v", got)
	}
}

func TestARMMissingAPIVersion(t *testing.T) {
	h := readerHarness(t)
	before := len(h.http.Trace())
	got := h.thrown(`arm.get("/subscriptions")`)
	if got["code"] != "BAD_REQUEST" || !strings.Contains(got["hint"].(string), "?api-version=2022-12-01") {
		t.Errorf("fields: %v", got)
	}
	if len(h.http.Trace()) != before {
		t.Error("the request was sent although it had no api-version")
	}
}

func TestTraceAndCurl(t *testing.T) {
	h := readerHarness(t, emulated(emulator.Config{Groups: 5}))
	tok, err := h.session.Token(context.Background(), "https://graph.microsoft.com/.default", auth.TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := h.js(`(() => {
		graph.get("/groups");
		const t = trace();
		const last = t[t.length - 1];
		return {method: last.method, status: last.status, url: last.url, curl: trace.curl(), byIndex: trace.curl(last.index) === trace.curl(-1)}
	})()`)
	var r struct {
		Method, URL, Curl string
		Status            int
		ByIndex           bool
	}
	if err := json.Unmarshal([]byte(got), &r); err != nil {
		t.Fatal(err)
	}
	if r.Method != "GET" || r.Status != 200 || r.URL != "https://graph.microsoft.com/v1.0/groups" || !r.ByIndex ||
		r.Curl != `curl 'https://graph.microsoft.com/v1.0/groups' -H "Authorization: Bearer $TOKEN"` {
		t.Errorf("trace: %+v", r)
	}
	if strings.Contains(got, tok.AccessToken) {
		t.Error("the token is in the trace")
	}
	h.js(`trace.clear()`)
	if got := h.js(`trace().length`); got != "0" {
		t.Errorf("after clear: %s", got)
	}
}

func TestDatabricksM2M(t *testing.T) {
	h := newHarness(t)
	sp := h.world.Databricks.ServicePrincipal
	got := h.js(fmt.Sprintf(`(() => {
		const d = databricks({flow: "m2m", clientId: %q, clientSecret: %q});
		const jobs = d.all("/api/2.1/jobs/list", {max: 30});
		const tok = d.token();
		return {host: d.host, me: d.get("/api/2.0/preview/scim/v2/Me").get("userName") !== undefined,
			jobs: jobs.length, unique: new Set(jobs.map(j => j.job_id)).size, scope: tok.scope, str: String(tok) === tok.token}
	})()`, sp.ClientID, sp.ClientSecret))
	want := fmt.Sprintf(`{"host":"https://%s","me":true,"jobs":30,"unique":30,"scope":"all-apis","str":true}`, h.world.Databricks.Host)
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	for _, e := range h.http.Trace() {
		if strings.Contains(e.ReqBody+e.RespBody+e.URL, sp.ClientSecret) {
			t.Fatalf("the client secret is in exchange %d", e.Index)
		}
	}
}

func TestResponseStringify(t *testing.T) {
	h := readerHarness(t, emulated(emulator.Config{Groups: 12}))
	got := h.js(`(() => {
		const j = JSON.parse(JSON.stringify(graph.get("/groups?$top=2")));
		const n = JSON.parse(JSON.stringify(graph.get("/groups/$count")));
		return {jsonItems: j.json.value.length, count: n.json, hasJson: "json" in n}
	})()`)
	if want := `{"jsonItems":2,"count":12,"hasJson":true}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// Azure Databricks answers an Entra token for another resource with a Jetty
// HTML 400 (io.jsonwebtoken.IncorrectClaimException); azrepl reads it as a
// wrong audience and says which token to ask for.
func TestDatabricksWrongAudienceHint(t *testing.T) {
	h := readerHarness(t)
	got := h.thrown(`databricks({flow: "azure"}).get("/api/2.0/clusters/list", {headers: {Authorization: "Bearer " + token("https://management.core.windows.net//.default").token}})`)
	hint, _ := got["hint"].(string)
	msg, _ := got["message"].(string)
	if got["status"] != float64(400) || got["serviceCode"] != "IncorrectClaimException" ||
		!strings.Contains(msg, "Expected aud claim to be: 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d, but was: https://management.core.windows.net/.") ||
		!strings.HasPrefix(hint, "wrong audience: the token sent is for https://management.core.windows.net/") ||
		!strings.Contains(hint, `token("2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default")`) {
		t.Errorf("fields: %v", got)
	}
}
