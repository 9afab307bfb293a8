package bindings

import (
	"sort"
	"strings"

	"github.com/dop251/goja"
	"github.com/tidwall/gjson"
)

// lazyItem is one JSON object of a listing (graph.all over a million
// groups) kept as JSON text and turned into JS values a member at a time,
// when read: an item costs its bytes and one small Go value instead of a
// goja object with a property map and boxed values (6 KB a Graph group).
// It behaves as the object JSON.parse makes: own, enumerable, writable
// data members in document order (a repeated name keeps its first place
// and its last value), Object.prototype, and assignments, new members and
// delete as usual.
//
// Items of a listing have the same member names, in the same order: those
// are kept once, in a shape shared by the run of items that have it, and
// the item keeps only its values (a Graph group's 19 names are half of its
// 620 bytes). An item with a repeated name keeps its whole text instead.
type lazyItem struct {
	conv  *JSONConverter
	shape *shape // nil: raw is the object's JSON
	raw   string // the object's JSON, or with a shape its values as a JSON array
	ed    *edits // nil until a member is set, deleted or a nested one read
}

// shape is the member names of objects, in order, without repeats.
type shape struct {
	keys  []string
	index map[string]int
}

// edits are what JS did to an item, and the nested values it read (the
// same object on every read).
type edits struct {
	vals map[string]goja.Value // members read, set or nested (identity)
	gone map[string]bool       // members deleted
	more []string              // members added, in order
	keys []string              // without a shape: the member names, once needed
}

// Lazy wraps a valid JSON object (depth checked); other values are
// converted at once. Successive objects with the same member names share
// one shape.
func (c *JSONConverter) Lazy(raw string) (goja.Value, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return c.build(raw)
	}
	l := &lazyItem{conv: c}
	l.shape, l.raw = c.split(raw)
	return c.rt.NewDynamicObject(l), nil
}

// split returns the shape of the object raw and its values as one JSON
// array text, or nil and a copy of raw when a name repeats. The last shape
// is reused when the names are the same.
func (c *JSONConverter) split(raw string) (*shape, string) {
	last := c.lastShape
	var keys []string // nil while the names are last's
	n := 0
	buf := append(c.scratch[:0], '[')
	gjson.Parse(raw).ForEach(func(k, v gjson.Result) bool {
		if keys == nil && (last == nil || n >= len(last.keys) || last.keys[n] != k.Str) {
			keys = make([]string, n, n+8)
			if n > 0 {
				copy(keys, last.keys[:n])
			}
		}
		if keys != nil {
			keys = append(keys, k.Str)
		}
		if n > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, v.Raw...)
		n++
		return true
	})
	buf = append(buf, ']')
	c.scratch = buf
	if keys == nil && last != nil && n == len(last.keys) {
		return last, string(buf)
	}
	if keys == nil && last != nil { // fewer names than last: a prefix of them
		keys = last.keys[:n:n]
	}
	sh := &shape{keys: make([]string, len(keys)), index: make(map[string]int, len(keys))}
	for i, k := range keys {
		if _, dup := sh.index[k]; dup {
			return nil, strings.Clone(raw)
		}
		sh.keys[i] = strings.Clone(k)
		sh.index[sh.keys[i]] = i
	}
	c.lastShape = sh
	return sh, string(buf)
}

func (l *lazyItem) names() []string {
	if l.shape != nil {
		return l.shape.keys // shared: never appended to
	}
	if l.ed == nil {
		l.ed = &edits{}
	}
	if l.ed.keys == nil {
		l.ed.keys = []string{}
		seen := map[string]bool{}
		gjson.Parse(l.raw).ForEach(func(k, _ gjson.Result) bool {
			if !seen[k.Str] {
				seen[k.Str] = true
				l.ed.keys = append(l.ed.keys, strings.Clone(k.Str))
			}
			return true
		})
	}
	return l.ed.keys
}

// member is the JSON text of a member as JSON.parse would see it.
func (l *lazyItem) member(key string) (raw string, found bool) {
	if l.shape != nil {
		i, ok := l.shape.index[key]
		if !ok {
			return "", false
		}
		n := 0
		gjson.Parse(l.raw).ForEach(func(_, v gjson.Result) bool {
			if n == i {
				raw, found = v.Raw, true
				return false
			}
			n++
			return true
		})
		return raw, found
	}
	gjson.Parse(l.raw).ForEach(func(k, v gjson.Result) bool {
		if k.Str == key {
			raw, found = v.Raw, true // the last of repeated names wins
		}
		return true
	})
	return raw, found
}

func (l *lazyItem) own(key string) bool {
	if ed := l.ed; ed != nil {
		if _, ok := ed.vals[key]; ok {
			return true
		}
		if contains(ed.more, key) {
			return true
		}
		if ed.gone[key] {
			return false
		}
	}
	if l.shape != nil {
		_, ok := l.shape.index[key]
		return ok
	}
	return contains(l.names(), key)
}

func (l *lazyItem) Get(key string) goja.Value {
	if ed := l.ed; ed != nil {
		if v, ok := ed.vals[key]; ok {
			return v
		}
		if ed.gone[key] {
			return nil
		}
	}
	raw, found := l.member(key)
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

func (l *lazyItem) edits() *edits {
	if l.ed == nil {
		l.ed = &edits{}
	}
	return l.ed
}

func (l *lazyItem) remember(key string, v goja.Value) {
	ed := l.edits()
	if ed.vals == nil {
		ed.vals = map[string]goja.Value{}
	}
	ed.vals[key] = v
}

func (l *lazyItem) Set(key string, v goja.Value) bool {
	if !l.own(key) {
		l.edits().more = append(l.edits().more, key) // a new member goes last, as in JS
	}
	l.remember(key, v)
	return true
}

func (l *lazyItem) Has(key string) bool { return l.own(key) }

func (l *lazyItem) Delete(key string) bool {
	ed := l.edits()
	delete(ed.vals, key)
	for i, k := range ed.more {
		if k == key {
			ed.more = append(ed.more[:i:i], ed.more[i+1:]...)
			break
		}
	}
	if contains(l.names(), key) {
		if ed.gone == nil {
			ed.gone = map[string]bool{}
		}
		ed.gone[key] = true
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
	var gone map[string]bool
	var more []string
	if l.ed != nil {
		gone, more = l.ed.gone, l.ed.more
	}
	for _, k := range l.names() {
		if !gone[k] {
			add(k)
		}
	}
	for _, k := range more {
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
