package graph

import (
	"fmt"
	"strings"
)

// clause is one condition of a $filter; clauses are joined by "and".
type clause struct {
	prop  int
	op    string // eq, ne, startswith, endswith
	value any    // string, bool or nil
}

// advanced reports whether the operator needs ConsistencyLevel: eventual and $count=true.
func (c clause) advanced() bool { return c.op == "ne" || c.op == "endswith" }

// opName is the operator as Graph's messages spell it.
func (c clause) opName() string {
	if c.op == "endswith" {
		return "endsWith"
	}
	return c.op
}

func (c clause) match(it item) bool {
	v := it.values[c.prop]
	switch c.op {
	case "eq", "ne":
		eq := equalValue(v, c.value)
		return eq == (c.op == "eq")
	case "startswith":
		s, _ := v.(string)
		return strings.HasPrefix(strings.ToLower(s), strings.ToLower(c.value.(string)))
	case "endswith":
		s, _ := v.(string)
		return strings.HasSuffix(strings.ToLower(s), strings.ToLower(c.value.(string)))
	}
	return false
}

// equalValue compares like the directory: strings case-insensitively.
func equalValue(v, want any) bool {
	switch w := want.(type) {
	case string:
		s, ok := v.(string)
		return ok && strings.EqualFold(s, w)
	case bool:
		b, ok := v.(bool)
		return ok && b == w
	default:
		return v == nil
	}
}

// filterError is a 400 with its Graph code.
type filterError struct{ code, message string }

func (e *filterError) Error() string { return e.message }

// parseFilter understands `prop eq 'x'`, `prop ne true`, `startswith(prop,'x')`,
// `endswith(prop,'x')` and conjunctions of those with "and".
func parseFilter(set *entitySet, expr string) ([]clause, error) {
	toks, err := tokenize(expr)
	if err != nil {
		return nil, err
	}
	var out []clause
	for {
		c, rest, err := parseClause(set, toks)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		if len(rest) == 0 {
			return out, nil
		}
		if !strings.EqualFold(rest[0].text, "and") || rest[0].quoted {
			return nil, invalidFilter()
		}
		toks = rest[1:]
	}
}

func parseClause(set *entitySet, t []token) (clause, []token, error) {
	bad := invalidFilter()
	if len(t) >= 6 && (eqWord(t[0], "startswith") || eqWord(t[0], "endswith")) {
		if t[1].text != "(" || t[3].text != "," || !t[4].quoted || t[5].text != ")" {
			return clause{}, nil, bad
		}
		p, err := filterProp(set, t[2])
		if err != nil {
			return clause{}, nil, err
		}
		if _, isBool := set.sample(p).(bool); isBool {
			return clause{}, nil, unsupportedProp(set, t[2].text)
		}
		return clause{prop: p, op: strings.ToLower(t[0].text), value: t[4].text}, t[6:], nil
	}
	if len(t) < 3 || !(eqWord(t[1], "eq") || eqWord(t[1], "ne")) {
		return clause{}, nil, bad
	}
	p, err := filterProp(set, t[0])
	if err != nil {
		return clause{}, nil, err
	}
	var v any
	switch {
	case t[2].quoted:
		v = t[2].text
	case eqWord(t[2], "true"), eqWord(t[2], "false"):
		v = eqWord(t[2], "true")
	case eqWord(t[2], "null"):
		v = nil
	default:
		return clause{}, nil, bad
	}
	return clause{prop: p, op: strings.ToLower(t[1].text), value: v}, t[3:], nil
}

// sample is a non-null value of a property, to tell strings from booleans
// and lists (lists are not filterable here).
func (s *entitySet) sample(p int) any {
	for i := range min(s.len(), 1000) {
		if v := s.at(i).values[p]; v != nil {
			return v
		}
	}
	return nil
}

func filterProp(set *entitySet, t token) (int, error) {
	if t.quoted {
		return 0, invalidFilter()
	}
	p, ok := set.index[strings.ToLower(t.text)]
	if !ok {
		return 0, &filterError{"BadRequest", fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.%s'.", t.text, set.typeName)}
	}
	if _, list := set.sample(p).([]string); list {
		return 0, unsupportedProp(set, t.text)
	}
	return p, nil
}

func unsupportedProp(set *entitySet, prop string) error {
	return &filterError{"Request_UnsupportedQuery", fmt.Sprintf("Unsupported or invalid query filter clause specified for property '%s' of resource '%s'.", prop, set.resource)}
}

func invalidFilter() error {
	return &filterError{"BadRequest", "Invalid filter clause"}
}

func eqWord(t token, w string) bool { return !t.quoted && strings.EqualFold(t.text, w) }

type token struct {
	text   string
	quoted bool
}

// tokenize splits a $filter into words, quoted strings (” escapes a quote) and punctuation.
func tokenize(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ':
			i++
		case c == '(' || c == ')' || c == ',':
			out = append(out, token{text: string(c)})
			i++
		case c == '\'':
			var b strings.Builder
			i++
			for {
				if i >= len(s) {
					return nil, invalidFilter()
				}
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			out = append(out, token{text: b.String(), quoted: true})
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" (),'", rune(s[j])) {
				j++
			}
			out = append(out, token{text: s[i:j]})
			i = j
		}
	}
	return out, nil
}
