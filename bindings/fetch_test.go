package bindings_test

import (
	"context"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/runtime"
)

func TestFetchAutomaticAudienceAndRedactedTrace(t *testing.T) {
	h := readerHarness(t, emulated(emulator.Config{Groups: 7}))
	before := len(h.http.Trace())
	got := h.run(`
		const r = await fetch(new URL("https://graph.microsoft.com/v1.0/groups?$top=3"), {headers: [["x-test", "1"]]});
		const j = await r.json();
		const arm = await fetch("https://management.azure.com/subscriptions?api-version=2022-12-01");
		const bad = await fetch("https://graph.microsoft.com/v1.0/nothing-here");
		// A group write by an app that may only read groups: Graph's 403, a Response, not a throw.
		const posted = await fetch("https://graph.microsoft.com/v1.0/groups", {method: "post", body: {displayName: "x"}});
		let used; try { await r.text() } catch (e) { used = e.name }
		JSON.stringify([r.ok, r.status, r.headers.get("Content-Type").split(";")[0], j.value.length, arm.ok,
			bad.ok, bad.status, typeof (await bad.text()), posted.status, used])`)
	if want := `[true,200,"application/json",3,true,false,400,"string",403,"TypeError"]`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	ex := h.http.Trace()[before:]
	sent := 0
	for _, x := range ex {
		if !strings.Contains(x.URL, "graph.microsoft.com") && !strings.Contains(x.URL, "management.azure.com") {
			continue
		}
		sent++
		auth := x.ReqHeader.Get("Authorization")
		if !strings.HasPrefix(auth, "Bearer ") || strings.Contains(auth, "eyJ") {
			t.Errorf("%s %s: Authorization in the trace is %q, want a redacted bearer token", x.Method, x.URL, auth)
		}
		if strings.Contains(x.URL, "groups?") && x.ReqHeader.Get("x-test") != "1" {
			t.Errorf("the header of the init was not sent: %v", x.ReqHeader)
		}
	}
	if sent != 4 {
		t.Errorf("%d calls in the trace, want 4", sent)
	}
	// The token's audience follows the host (a Graph token would be refused by ARM).
	if got := h.run(`(await fetch("https://management.azure.com/subscriptions?api-version=2022-12-01")).status`); got != "200" {
		t.Errorf("ARM with its own audience: %s", got)
	}
	// No answer: the Promise rejects with a TypeError that carries azrepl's code.
	e := h.run(`let got = "no error"; try { await fetch("https://127.0.0.1:1/x", {auth: false}) } catch (e) { got = e.name + " " + e.code }; got`)
	if e != "TypeError NETWORK" {
		t.Errorf("unreachable host: %s", e)
	}
	// A typo in init is refused before anything is sent.
	e = h.run(`try { fetch("https://graph.microsoft.com/v1.0/me", {hedaers: {}}); "no error" } catch (e) { e.code + " " + e.message }`)
	if !strings.Contains(e, `BAD_ARGUMENT fetch(url, init): unknown option "hedaers" — did you mean headers?`) {
		t.Errorf("typo: %s", e)
	}
	// A form body from URLSearchParams.
	h.run(`await fetch("https://graph.microsoft.com/v1.0/groups", {method: "POST", body: new URLSearchParams({a: "1 2"})})`)
	last := h.http.Trace()[len(h.http.Trace())-1]
	if ct := last.ReqHeader.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		t.Errorf("URLSearchParams body sent as %q", ct)
	}
}

func TestFetchCancelledByCtrlC(t *testing.T) {
	h := newHarness(t, emulated(emulator.Config{Latency: 60_000_000_000}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := h.rt.Eval(ctx, "t", `await fetch("https://graph.microsoft.com/v1.0/groups", {auth: false})`)
		done <- err
	}()
	for h.rt.Env().Context() == context.Background() {
	}
	cancel()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("Ctrl-C during fetch: %v", err)
	}
}

// fetch follows init.signal: an aborted controller, AbortSignal.timeout and
// an abort during the request reject with the signal's reason, and the
// request in flight is cancelled (the emulator answers after a minute).
func TestFetchAbortSignal(t *testing.T) {
	h := newHarness(t, emulated(emulator.Config{Latency: 60_000_000_000}))
	before := len(h.http.Trace())
	got := h.run(`
		const names = [];
		const url = "https://graph.microsoft.com/v1.0/groups";
		try { await fetch(url, {auth: false, signal: AbortSignal.abort()}) } catch (e) { names.push(e.name) }
		try { await fetch(url, {auth: false, signal: AbortSignal.timeout(50)}) } catch (e) { names.push(e.name) }
		const ctl = new AbortController();
		setTimeout(() => ctl.abort(), 50);
		try { await fetch(url, {auth: false, signal: ctl.signal}) } catch (e) { names.push(e.name + ":" + (e === ctl.signal.reason)) }
		let bad; try { fetch(url, {signal: {}}) } catch (e) { bad = e.code }
		JSON.stringify([names, bad])`)
	if want := `[["AbortError","TimeoutError","AbortError:true"],"BAD_ARGUMENT"]`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// The already-aborted fetch sent nothing; the two others were cut short.
	if n := len(h.http.Trace()) - before; n > 2 {
		t.Errorf("%d exchanges traced, want at most 2 (an aborted signal sends nothing)", n)
	}
}

// TestFetchRejectionHasTheCallSite: fetch rejects from the event loop, where
// no script frame runs; the error still names the line of the fetch call.
func TestFetchRejectionHasTheCallSite(t *testing.T) {
	h := newHarness(t, offline())
	_, err := h.rt.Eval(context.Background(), "site.js", "\n\nawait fetch('https://graph.microsoft.com/v1.0/me')\n")
	if msg, _ := runtime.Describe(err, false); !strings.HasPrefix(msg, "site.js:3:") {
		t.Fatalf("%q, want site.js:3:col first", msg)
	}
}
