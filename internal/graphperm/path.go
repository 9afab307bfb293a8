package graphperm

import (
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/azrepl/azrepl/internal/graphperm/format"
)

// node is one level of the template tree. A request path is matched
// segment by segment: a literal first, then a function call by its shape,
// then a drive path (root:/a/b.txt:), then any parameter.
type node struct {
	lit      map[string]*node
	fn       map[string]*node // "range(address)", "workflows(*)"
	colon    *node            // {id}: in root:/{id}:
	param    *node            // {id}, {user-id}…
	template string
	grants   []format.Grant
	results  [len(format.Methods)]atomic.Pointer[Result] // per method, built on first use
}

func (n *node) insert(template string, grants []format.Grant) {
	cur := n
	for _, seg := range strings.Split(strings.Trim(template, "/"), "/") {
		if seg == "" {
			continue
		}
		cur = cur.child(seg)
	}
	if cur.template == "" {
		cur.template = template
	}
	cur.grants = append(cur.grants, grants...)
}

func (n *node) child(seg string) *node {
	slot := func(p **node) *node {
		if *p == nil {
			*p = &node{}
		}
		return *p
	}
	switch {
	case isParam(strings.TrimSuffix(seg, ":")) && strings.HasSuffix(seg, ":"):
		return slot(&n.colon)
	case isParam(seg):
		return slot(&n.param)
	case strings.Contains(seg, "("):
		return mapSlot(&n.fn, shape(seg))
	}
	return mapSlot(&n.lit, strings.ToLower(seg))
}

func mapSlot(m *map[string]*node, key string) *node {
	if *m == nil {
		*m = map[string]*node{}
	}
	c := (*m)[key]
	if c == nil {
		c = &node{}
		(*m)[key] = c
	}
	return c
}

// isParam: "{id}", "{group-id}" and the data's occasional "(team-id)".
func isParam(seg string) bool {
	return len(seg) > 2 && (seg[0] == '{' && seg[len(seg)-1] == '}' || seg[0] == '(' && seg[len(seg)-1] == ')')
}

// shape names a function segment by its name and argument names:
// "range(address='A1:B2')" and "range(address={value})" are both
// "range(address)"; positional arguments are "*" ("workflows('x')").
func shape(seg string) string {
	name, args, _ := strings.Cut(seg, "(")
	args = args[:max(0, strings.LastIndexByte(args, ')'))]
	var b strings.Builder
	b.WriteString(strings.ToLower(name))
	b.WriteByte('(')
	if strings.TrimSpace(args) != "" {
		for i, a := range splitArgs(args) {
			if i > 0 {
				b.WriteByte(',')
			}
			if k, _, ok := strings.Cut(a, "="); ok {
				b.WriteString(strings.ToLower(strings.TrimSpace(k)))
			} else {
				b.WriteByte('*')
			}
		}
	}
	b.WriteByte(')')
	return b.String()
}

// splitArgs splits on commas outside quotes.
func splitArgs(s string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// segment is one piece of a request path.
type segment struct {
	text  string // as sent
	lower string
	colon bool // a drive path between "root:" and ":" (or the end)
}

// splitPath turns a URL or path into segments: scheme, host, query and the
// version segment are dropped, percent-escapes decoded.
func splitPath(p string) []segment {
	p = strings.TrimSpace(p)
	if i := strings.Index(p, "://"); i >= 0 {
		p = p[i+3:]
		if j := strings.IndexByte(p, '/'); j >= 0 {
			p = p[j:]
		} else {
			p = "/"
		}
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) > 0 && (strings.EqualFold(parts[0], "v1.0") || strings.EqualFold(parts[0], "beta")) {
		parts = parts[1:]
	}
	var segs []segment
	for i := 0; i < len(parts); i++ {
		s := parts[i]
		if s == "" {
			continue
		}
		segs = append(segs, segment{text: s, lower: strings.ToLower(s)})
		if !strings.HasSuffix(s, ":") || strings.Contains(s, "(") {
			continue
		}
		// "root:" starts a drive path, which runs to the next segment ending in ":".
		j := i + 1
		for j < len(parts) && !strings.HasSuffix(parts[j], ":") {
			j++
		}
		if i+1 < len(parts) {
			end := min(j+1, len(parts))
			segs = append(segs, segment{text: strings.Join(parts[i+1:end], "/"), colon: true})
			i = end - 1
		}
	}
	return segs
}

// match finds the node for segs that has a grant for one of mbit's methods.
func (n *node) match(segs []segment, mbit uint8) *node {
	if len(segs) == 0 {
		for _, g := range n.grants {
			if g.Methods&mbit != 0 {
				return n
			}
		}
		return nil
	}
	s, rest := segs[0], segs[1:]
	if s.colon {
		if n.colon != nil {
			if m := n.colon.match(rest, mbit); m != nil {
				return m
			}
		}
		if n.param != nil {
			return n.param.match(rest, mbit)
		}
		return nil
	}
	if c := n.lit[s.lower]; c != nil {
		if m := c.match(rest, mbit); m != nil {
			return m
		}
	}
	if strings.Contains(s.text, "(") {
		if c := n.fn[shape(s.text)]; c != nil {
			if m := c.match(rest, mbit); m != nil {
				return m
			}
		}
	}
	// $count, $value and OData casts are not ids: Lookup retries without them.
	if n.param != nil && !strings.HasPrefix(s.lower, "$") && !strings.HasPrefix(s.lower, "microsoft.graph.") {
		return n.param.match(rest, mbit)
	}
	return nil
}
