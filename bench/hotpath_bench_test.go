package bench

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/dop251/goja"
)

// BenchmarkCachedToken is the work behind `azrepl run` printing a cached
// token: open the session on an existing cache and read one access token.
func BenchmarkCachedToken(b *testing.B) {
	em := emulatortest.Start(b, emulator.Config{ApproveAfter: 50 * time.Millisecond})
	home := b.TempDir()
	cfg := auth.Config{HTTP: em.HTTPClient(), Home: home, Prompt: &strings.Builder{}, Getenv: func(string) string { return "" }}
	s, err := auth.NewSession(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Login(ctx, auth.LoginOptions{}); err != nil {
		b.Fatal(err)
	}
	const scope = "https://graph.microsoft.com/.default"
	if _, err := s.Token(ctx, scope, auth.TokenOptions{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s, err := auth.NewSession(cfg) // a new process opens the cache afresh
		if err != nil {
			b.Fatal(err)
		}
		t, err := s.Token(ctx, scope, auth.TokenOptions{})
		if err != nil || !t.FromCache {
			b.Fatalf("token %v, from cache %v", err, t != nil && t.FromCache)
		}
	}
}

// bigGroups is a ~20 MB Graph-like collection; the item looked up is the last.
func bigGroups(n int) []byte {
	var sb strings.Builder
	sb.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#groups","value":[`)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"00000000-0000-4000-8000-%012d","displayName":"group-%d","description":"Group number %d of the benchmark, with a description long enough to look real","mailNickname":"g%d","securityEnabled":true,"mailEnabled":false,"createdDateTime":"2024-01-01T00:00:00Z","groupTypes":[],"visibility":"Private"}`, i, i, i, i)
	}
	sb.WriteString("]}")
	return []byte(sb.String())
}

// BenchmarkResponseGet20MB is figure 5 without the command line: one item
// of a 20 MB body found by Response.get's path (gjson on the bytes, the
// result converted to JS) vs JSON.parse of the body and a JS find.
func BenchmarkResponseGet20MB(b *testing.B) {
	body := bigGroups(62000)
	last := "group-61999"
	rt := goja.New()
	conv, err := bindings.NewJSONConverter(rt)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("get", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			v := conv.Result(bindings.Query(body, `value.#(displayName=="`+last+`").id`))
			if v.String() != "00000000-0000-4000-8000-000000061999" {
				b.Fatal(v)
			}
		}
	})
	b.Run("JSON.parse+find", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		find, err := rt.RunString(`(function (text, name) { return JSON.parse(text).value.find(g => g.displayName === name).id })`)
		if err != nil {
			b.Fatal(err)
		}
		fn, _ := goja.AssertFunction(find)
		for b.Loop() {
			// Like r.json: the bytes become a JS string, then JSON.parse.
			v, err := fn(goja.Undefined(), rt.ToValue(string(body)), rt.ToValue(last))
			if err != nil || v.String() != "00000000-0000-4000-8000-000000061999" {
				b.Fatal(v, err)
			}
		}
	})
}
