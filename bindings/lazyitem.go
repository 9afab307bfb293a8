package bindings

import (
	"sort"
	"strings"

	"github.com/dop251/goja"
	"github.com/tidwall/gjson"
)

// lazyItem is one JSON object of a listing (graph.all over a million
// groups) kept as its own copy of the raw JSON and turned into JS values a
// member at a time, when read: an item costs its bytes and one small Go
// value instead of a goja object with a property map and boxed values
// (6 KB a Graph group). It behaves as the object JSON.parse makes: own,
// enumerable, writable data members in document order (a repeated name
// keeps its first place and its last value), Object.prototype, and
// assignments, new members and delete as usual.
type lazyItem struct {
	conv *JSONConverter
	raw  string                // the object's JSON (valid, depth checked)
	keys []string              // member names in order; nil until needed
	vals map[string]goja.Value // members read, set or nested (identity)
	gone map[string]bool       // members deleted
	more []string              // members added, in order
}

// Lazy wraps a valid JSON object (depth checked); other values are converted at once.
func (c *JSONConverter) Lazy(raw string) (goja.Value, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return c.build(raw)
	}
	return c.rt.NewDynamicObject(&lazyItem{conv: c, raw: strings.Clone(raw)}), nil
}

func (l *lazyItem) names() []string {
	if l.keys == nil {
		l.keys = []string{}
		seen := map[string]bool{}
		gjson.Parse(l.raw).ForEach(func(k, _ gjson.Result) bool {
			if !seen[k.Str] {
				seen[k.Str] = true
				l.keys = append(l.keys, strings.Clone(k.Str))
			}
			return true
		})
	}
	return l.keys
}

func (l *lazyItem) own(key string) bool {
	if _, ok := l.vals[key]; ok {
		return true
	}
	if contains(l.more, key) {
		return true
	}
	return !l.gone[key] && contains(l.names(), key)
}

func (l *lazyItem) Get(key string) goja.Value {
	if v, ok := l.vals[key]; ok {
		return v
	}
	if l.gone[key] {
		return nil
	}
	var raw string
	found := false
	gjson.Parse(l.raw).ForEach(func(k, v gjson.Result) bool {
		if k.Str == key {
			raw, found = v.Raw, true // the last of repeated names wins
		}
		return true
	})
	if !found {
		return nil
	}
	v, err := l.conv.build(raw)
	if err != nil {
		Throw(l.conv.rt, err)
	}
	if raw[0] == '{' || raw[0] == '[' {
		l.remember(key, v) // the same object on every read
	}
	return v
}

func (l *lazyItem) remember(key string, v goja.Value) {
	if l.vals == nil {
		l.vals = map[string]goja.Value{}
	}
	l.vals[key] = v
}

func (l *lazyItem) Set(key string, v goja.Value) bool {
	if !l.own(key) {
		l.more = append(l.more, key) // a new member goes last, as in JS
	}
	l.remember(key, v)
	return true
}

func (l *lazyItem) Has(key string) bool { return l.own(key) }

func (l *lazyItem) Delete(key string) bool {
	delete(l.vals, key)
	for i, k := range l.more {
		if k == key {
			l.more = append(l.more[:i:i], l.more[i+1:]...)
			break
		}
	}
	if contains(l.names(), key) {
		if l.gone == nil {
			l.gone = map[string]bool{}
		}
		l.gone[key] = true
	}
	return true
}

// Keys are in JS order: array-index names ascending, then the others in
// the order they were added.
func (l *lazyItem) Keys() []string {
	var idx, rest []string
	add := func(k string) {
		if isIndex(k) {
			idx = append(idx, k)
		} else {
			rest = append(rest, k)
		}
	}
	for _, k := range l.names() {
		if !l.gone[k] {
			add(k)
		}
	}
	for _, k := range l.more {
		add(k)
	}
	if len(idx) > 1 {
		sort.Slice(idx, func(i, j int) bool { return len(idx[i]) < len(idx[j]) || len(idx[i]) == len(idx[j]) && idx[i] < idx[j] })
	}
	return append(idx, rest...)
}

// isIndex: a canonical array index ("0", "17", not "01" or "-1").
func isIndex(k string) bool {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	return len(k) < 10 || k < "4294967295"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
