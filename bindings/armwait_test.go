package bindings_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestARMWaitResourceGroupDeletion: DELETE answers 202 with Location and
// Retry-After; arm.wait polls until the operation ends and the group is gone.
func TestARMWaitResourceGroupDeletion(t *testing.T) {
	h := newHarness(t)
	h.loginUser("alice") // the subscription's Owner
	got := h.js(`(() => {
		const sub = arm.all("/subscriptions?api-version=2022-12-01")[0].subscriptionId;
		const rg = "/subscriptions/" + sub + "/resourcegroups/rg-Wait?api-version=2021-04-01";
		const put = arm.put(rg, {location: "West Europe"});
		const again = arm.put(rg, {location: "westeurope", tags: {a: "b"}});
		const waitedPut = arm.wait(put); // not running: the answer is the result
		const del = arm.delete(rg);
		const during = arm.get(rg).json.properties.provisioningState;
		const result = arm.wait(del, {timeout: 60000, interval: 10});
		let after; try { arm.get(rg) } catch (e) { after = e.status + " " + e.serviceCode }
		const list = arm.all("/subscriptions/" + sub + "/resourcegroups?api-version=2021-04-01").length;
		return {put: put.status, again: again.status, name: put.json.name, loc: put.json.location, waitedPut: waitedPut.name,
			del: del.status, retryAfter: del.headers["retry-after"], during, result, after, list};
	})()`)
	want := `{"put":201,"again":200,"name":"rg-Wait","loc":"westeurope","waitedPut":"rg-Wait","del":202,"retryAfter":"1","during":"Deleting","result":null,"after":"404 ResourceGroupNotFound","list":0}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// The poll waited as Retry-After said: consecutive polls of the operation.
	polls := 0
	for _, x := range h.http.Trace() {
		if strings.Contains(x.URL, "/operationresults/") {
			polls++
		}
	}
	if polls < 2 {
		t.Errorf("%d polls of the operation, want at least 2", polls)
	}
	for src, want := range map[string]string{
		`arm.wait(arm.get("/subscriptions?api-version=2022-12-01"), {timout: 1})`: `arm.wait(response, opts): unknown option \"timout\" — did you mean timeout?`,
		`arm.wait("x")`: `"code":"BAD_ARGUMENT"`,
	} {
		if e := h.jsErr(src); !strings.Contains(e, want) {
			t.Errorf("%s: %s, want %s", src, e, want)
		}
	}
}

// An operation URL on another origin than the request's (a hostile or
// mistaken Azure-AsyncOperation or Location) is refused before any poll:
// each poll would carry a token for wherever it points.
func TestARMWaitStaysOnTheRequestsOrigin(t *testing.T) {
	h := newHarness(t, offline())
	res := `url: "https://management.azure.com/subscriptions/s/resourcegroups/g?api-version=2021-04-01", method: "DELETE", status: 202`
	for _, headers := range []string{
		`{"azure-asyncoperation": "https://evil.example/op", "retry-after": "0"}`,
		`{"location": "https://management.azure.com.evil.example/op", "retry-after": "0"}`,
		`{"location": "http://management.azure.com/op", "retry-after": "0"}`,
		`{"location": "https://management.azure.com:8443/op", "retry-after": "0"}`,
	} {
		e := h.thrown(`arm.wait({` + res + `, headers: ` + headers + `})`)
		if e["code"] != "REFUSED" || !strings.Contains(fmt.Sprint(e["message"]), "is not on https://management.azure.com") {
			t.Errorf("%s: %v, want REFUSED", headers, e)
		}
	}
	// The same origin is polled (here the offline client refuses to send).
	e := h.thrown(`arm.wait({` + res + `, headers: {"location": "https://management.azure.com/subscriptions/s/operationresults/x", "retry-after": "0"}})`)
	if e["code"] == "REFUSED" {
		t.Errorf("same origin refused: %v", e)
	}
}

// An identity without the role a call needs gets ARM's AuthorizationFailed,
// and azrepl's hint names the action, the scope and the built-in roles that
// grant it; an app with no role at all sees no subscription.
func TestARMAuthorizationFailedHint(t *testing.T) {
	h := readerHarness(t) // Reader of the subscription
	e := h.thrown(`(() => {
		const sub = arm.all("/subscriptions?api-version=2022-12-01")[0].subscriptionId;
		arm.put("/subscriptions/" + sub + "/resourcegroups/rg-denied?api-version=2021-04-01", {location: "westeurope"});
	})()`)
	hint, _ := e["hint"].(string)
	if e["status"] != float64(403) || e["serviceCode"] != "AuthorizationFailed" ||
		!strings.Contains(hint, "Microsoft.Resources/subscriptions/resourcegroups/write over /subscriptions/") ||
		!strings.Contains(hint, "built-in roles that do: Contributor, Owner") {
		t.Fatalf("thrown %v", e)
	}
	h2 := newHarness(t)
	h2.loginApp("story-app")
	if got := h2.js(`arm.all("/subscriptions?api-version=2022-12-01").length`); got != "0" {
		t.Fatalf("story-app lists %s subscriptions", got)
	}
}
