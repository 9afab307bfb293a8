package repl

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/runtime"
	"github.com/dop251/goja"
)

// completer completes globals and dotted properties. It walks the path with
// obj.Get on the runtime's goroutine (runtime.Do) and never calls anything:
// `foo().` completes nothing rather than running foo.
type completer struct {
	rt *runtime.Runtime

	// lexical holds the top-level let/const/class names typed so far: they
	// are bindings of the global scope, not properties of the global object,
	// so walking globalThis alone would never offer them.
	mu      sync.Mutex
	lexical map[string]bool
}

// declared matches the names that a top-level declaration introduces.
// (a statement start: the input's start, a new line or after ";").
var declared = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[;\n])\s*(?:let|const|class)\s+([A-Za-z_$][\w$]*)`)
})

// remember records the lexical names declared by src, which ran without error.
func (c *completer) remember(src string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range declared().FindAllStringSubmatch(src, -1) {
		if c.lexical == nil {
			c.lexical = map[string]bool{}
		}
		c.lexical[m[1]] = true
	}
}

func (c *completer) lexicalNames() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	names := make([]string, 0, len(c.lexical))
	for n := range c.lexical {
		names = append(names, n)
	}
	return names
}

// dottedTail is the identifier chain that ends at the cursor, e.g. "graph.be".
var dottedTail = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\.?$|\.$`) })

func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	before := string(line[:pos])
	if arg, isHelp := strings.CutPrefix(strings.TrimLeft(before, " "), ".help "); isHelp && strings.Contains(arg, ".") {
		before = strings.TrimLeft(arg, " ") // .help graph.a: the members, as in JS
	}
	names, prefix, ok := scopeCompletions(before)
	if !ok {
		names, prefix, ok = dotCompletions(before)
	}
	if ok {
		out := make([][]rune, 0, len(names))
		for _, n := range names {
			out = append(out, []rune(n[len(prefix):]))
		}
		return out, len([]rune(prefix))
	}
	tail := dottedTail().FindString(before)
	if tail == "" && strings.TrimSpace(before) != "" && !strings.HasSuffix(before, " ") && !strings.HasSuffix(before, "(") {
		return nil, 0
	}
	// A chain right after ")" or "]" would need evaluation: refuse.
	if start := len(before) - len(tail); start > 0 && strings.ContainsAny(before[start-1:start], ")]") {
		return nil, 0
	}
	path := strings.Split(tail, ".")
	prefix = path[len(path)-1]
	parents := path[:len(path)-1]
	if len(parents) > 0 && parents[0] == "" {
		return nil, 0
	}
	lexical := c.lexicalNames()
	c.rt.Do(func(vm *goja.Runtime) {
		names = completions(vm, c.rt.OwnData, lexical, parents, prefix)
	})
	out := make([][]rune, 0, len(names))
	for _, n := range names {
		out = append(out, []rune(n[len(prefix):]))
	}
	return out, len([]rune(prefix))
}

// dotCompletions completes a dot-command at the start of the line, and
// the name after ".help ".
func dotCompletions(before string) (names []string, prefix string, ok bool) {
	t := strings.TrimLeft(before, " ")
	if !strings.HasPrefix(t, ".") {
		return nil, "", false
	}
	if arg, isHelp := strings.CutPrefix(t, ".help "); isHelp {
		arg = strings.TrimLeft(arg, " ")
		for _, n := range bindings.HelpNames() {
			// Members (graph.all) are completed after the dot, by the JS completer.
			if !strings.Contains(n, ".") && strings.HasPrefix(n, arg) {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		return names, arg, true
	}
	if strings.Contains(t, " ") {
		return nil, "", true // a file name: nothing to offer
	}
	for _, n := range dotCommands {
		if strings.HasPrefix(n, t) {
			names = append(names, n+" ")
		}
	}
	return names, t, true
}

// completions lists property names under parents starting with prefix;
// lexical are the top-level let/const/class names. It runs no script code:
// each parent is an own data property read by ownData (a getter, a Proxy or
// an inherited property ends the completion), and a Proxy lists nothing.
func completions(vm *goja.Runtime, ownData func(*goja.Object, string) (goja.Value, bool), lexical, parents []string, prefix string) []string {
	obj := vm.GlobalObject()
	if len(parents) == 0 {
		names := runtime.Properties(vm, obj, prefix)
		for _, n := range lexical {
			if strings.HasPrefix(n, prefix) && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		return names
	}
	for i, p := range parents {
		v, _ := ownData(obj, p)
		if i == 0 && v == nil && slices.Contains(lexical, p) {
			v = runtime.LexicalValue(vm, p)
		}
		if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
			return nil
		}
		obj = v.ToObject(vm)
	}
	names := runtime.Properties(vm, obj, prefix)
	sort.Strings(names)
	return names
}
