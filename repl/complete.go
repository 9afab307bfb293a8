package repl

import (
	"regexp"
	"sort"
	"strings"

	"github.com/azrepl/azrepl/runtime"
	"github.com/dop251/goja"
)

// completer completes globals and dotted properties. It walks the path with
// obj.Get on the runtime's goroutine (runtime.Do) and never calls anything:
// `foo().` completes nothing rather than running foo.
type completer struct {
	rt *runtime.Runtime
}

// dottedTail is the identifier chain that ends at the cursor, e.g. "graph.be".
var dottedTail = regexp.MustCompile(`[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\.?$|\.$`)

func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	before := string(line[:pos])
	tail := dottedTail.FindString(before)
	if tail == "" && strings.TrimSpace(before) != "" && !strings.HasSuffix(before, " ") && !strings.HasSuffix(before, "(") {
		return nil, 0
	}
	// A chain right after ")" or "]" would need evaluation: refuse.
	if start := len(before) - len(tail); start > 0 && strings.ContainsAny(before[start-1:start], ")]") {
		return nil, 0
	}
	path := strings.Split(tail, ".")
	prefix := path[len(path)-1]
	parents := path[:len(path)-1]
	if len(parents) > 0 && parents[0] == "" {
		return nil, 0
	}
	var names []string
	c.rt.Do(func(vm *goja.Runtime) {
		names = completions(vm, parents, prefix)
	})
	out := make([][]rune, 0, len(names))
	for _, n := range names {
		out = append(out, []rune(n[len(prefix):]))
	}
	return out, len([]rune(prefix))
}

// completions lists property names under parents starting with prefix.
func completions(vm *goja.Runtime, parents []string, prefix string) []string {
	obj := vm.GlobalObject()
	for _, p := range parents {
		v := obj.Get(p)
		if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
			return nil
		}
		obj = v.ToObject(vm)
	}
	// Object.prototype's methods (hasOwnProperty, valueOf…) are noise on
	// every object: list them only when asked for Object.prototype itself.
	objProto := vm.Get("Object").ToObject(vm).Get("prototype").ToObject(vm)
	seen := map[string]bool{}
	var names []string
	for o, depth := obj, 0; o != nil && depth < 16; o, depth = o.Prototype(), depth+1 {
		if depth > 0 && o.SameAs(objProto) {
			break
		}
		for _, n := range o.GetOwnPropertyNames() {
			if strings.HasPrefix(n, prefix) && !seen[n] && n != "constructor" && !strings.HasPrefix(n, "__") {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	return names
}
