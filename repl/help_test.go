package repl

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/bindings"
	"github.com/dop251/goja"
)

// TestHelpAnswersEveryListedNameAndGlobal walks what .help lists, every
// member a help text names (graph.all, http.batch…) and every global azrepl
// adds to JavaScript's own, and requires an answer for each.
func TestHelpAnswersEveryListedNameAndGlobal(t *testing.T) {
	rt := newTestRuntime(t)
	var globals []string
	rt.Do(func(vm *goja.Runtime) { globals = vm.GlobalObject().GetOwnPropertyNames() })
	standard := goja.New().GlobalObject().GetOwnPropertyNames()
	var names []string
	for _, g := range globals {
		if !slices.Contains(standard, g) {
			names = append(names, g)
		}
	}
	for _, want := range []string{"atob", "btoa", "base64url", "crypto", "structuredClone", "TextEncoder", "TextDecoder", "DOMException", "graph", "URLSearchParams"} {
		if !slices.Contains(names, want) {
			t.Errorf("%s is not a global of azrepl's runtime", want)
		}
	}
	member := regexp.MustCompile(`\b([A-Za-z]\w*)\.([A-Za-z]\w*)\(`)
	for _, b := range bindings.All() {
		names = append(names, b.Name)
		summary, _, _ := strings.Cut(b.Help, "\n")
		if regexp.MustCompile(`(?i)( a| an| the| or| and| of| to| as|,)$`).MatchString(strings.TrimSpace(summary)) {
			t.Errorf(".help cuts %s's summary mid-sentence: %q", b.Name, summary)
		}
		for _, m := range member.FindAllStringSubmatch(b.Help, -1) {
			if _, ok := bindings.HelpFor(m[1]); ok {
				names = append(names, m[1]+"."+m[2])
			}
		}
	}
	names = append(names, "Response", "graph.get", "graph.all", "http.batch", "arm.put", "graph.beta.get")
	for _, n := range names {
		h, ok := bindings.HelpFor(n)
		if !ok || strings.TrimSpace(h) == "" {
			t.Errorf(".help %s: no help", n)
			continue
		}
		if root, m, dotted := strings.Cut(n, "."); dotted && !strings.Contains(h, root+"."+m) && !strings.Contains(h, m[strings.LastIndex(m, ".")+1:]) {
			t.Errorf(".help %s does not speak of it:\n%s", n, h)
		}
	}
	if h, _ := bindings.HelpFor("graph.all"); strings.Contains(h, "graph.batch") || !strings.HasPrefix(strings.TrimSpace(h), "graph.all(") {
		t.Errorf(".help graph.all is not about graph.all:\n%s", h)
	}
	if h, _ := bindings.HelpFor("graph.get"); !strings.Contains(h, "relative to https://graph.microsoft.com/v1.0") || strings.Contains(h, "graph.all(") || strings.Contains(h, "graph.permission(") {
		t.Errorf(".help graph.get is not about graph.get alone:\n%s", h)
	}
	for _, n := range bindings.HelpNames() {
		if _, ok := bindings.HelpFor(n); !ok {
			t.Errorf("HelpNames lists %s, which has no help", n)
		}
	}
	if !slices.Contains(bindings.HelpNames(), "graph.all") || !slices.Contains(bindings.HelpNames(), "clearTimeout") {
		t.Errorf("HelpNames lacks members or covered globals: %v", bindings.HelpNames())
	}
	for _, n := range []string{"grpah", "graph.nope", "nope.get", ""} {
		if h, ok := bindings.HelpFor(n); ok {
			t.Errorf(".help %q answered %q", n, h)
		}
	}
}
