package explain

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/azrepl/azrepl/httpx"
)

// Diff compares two recordings step by step (the question "the program
// works and my script does not: why?"): the steps are paired in order by
// what they are (a token request of one grant at one endpoint, a call to one
// path), and for each pair it lists the form fields, request headers and
// token claims that differ; steps without a partner are listed alone.
func Diff(a, b []httpx.Exchange, nameA, nameB string) string {
	sa, sb := Steps(a), Steps(b)
	pairs := align(sa, sb)
	var out strings.Builder
	fmt.Fprintf(&out, "%s: %d steps, %s: %d steps\n", nameA, len(sa), nameB, len(sb))
	same := 0
	for _, p := range pairs {
		switch {
		case p.a < 0:
			fmt.Fprintf(&out, "only in %s: %s\n", nameB, Line(nameB, sb[p.b]))
		case p.b < 0:
			fmt.Fprintf(&out, "only in %s: %s\n", nameA, Line(nameA, sa[p.a]))
		default:
			d := pairDiff(a[p.a], b[p.b], sa[p.a], sb[p.b], nameA, nameB)
			if d == "" {
				same++
				continue
			}
			fmt.Fprintf(&out, "%s #%d / %s #%d: %s\n%s", nameA, sa[p.a].Index, nameB, sb[p.b].Index, stepKey(sa[p.a]), d)
		}
	}
	fmt.Fprintf(&out, "%d paired steps alike in grant, endpoint, form, headers and claims\n", same)
	return out.String()
}

type pair struct{ a, b int }

// stepKey is what a step is, regardless of its details.
func stepKey(s Step) string {
	switch s.Kind {
	case KindToken:
		return "token " + cmp.Or(s.GrantType, "?") + " " + s.Service + " " + s.Endpoint
	case KindAPI:
		return s.Method + " " + s.Service + " " + genericPath(s.Path)
	}
	return s.Kind + " " + s.Service + " " + s.Discovery
}

// genericPath hides ids so that /groups/1 and /groups/2 pair.
func genericPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if len(s) >= 16 && strings.Count(s, "-") >= 3 {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

// align pairs the steps by the longest common subsequence of their keys.
func align(a, b []Step) []pair {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if stepKey(a[i]) == stepKey(b[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []pair
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case stepKey(a[i]) == stepKey(b[j]):
			out = append(out, pair{i, j})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, pair{i, -1})
			i++
		default:
			out = append(out, pair{-1, j})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, pair{i, -1})
	}
	for ; j < m; j++ {
		out = append(out, pair{-1, j})
	}
	return out
}

// volatileHeaders change on every request by design.
var volatileHeaders = map[string]bool{"Client-Request-Id": true, "Date": true, "Content-Length": true, "X-Ms-Request-Id": true,
	"Traceparent": true, "X-Request-Id": true, "Cookie": true}

func pairDiff(ea, eb httpx.Exchange, sa, sb Step, nameA, nameB string) string {
	var out strings.Builder
	line := func(what, va, vb string) {
		if va != vb {
			fmt.Fprintf(&out, "  %s: %s %s | %s %s\n", what, nameA, show(va), nameB, show(vb))
		}
	}
	line("status", fmt.Sprint(sa.Status), fmt.Sprint(sb.Status))
	line("error", sa.Error, sb.Error)
	line("host", hostOf(sa.URL), hostOf(sb.URL))
	line("path", sa.Path, sb.Path)
	fa, fb := formMap(ea), formMap(eb)
	for _, k := range unionKeys(fa, fb) {
		line("form "+k, fa[k], fb[k])
	}
	ha, hb := headerMap(ea), headerMap(eb)
	for _, k := range unionKeys(ha, hb) {
		if !volatileHeaders[k] {
			line("header "+k, ha[k], hb[k])
		}
	}
	ca, cb := claimMap(ea), claimMap(eb)
	for _, k := range unionKeys(ca, cb) {
		switch k[strings.LastIndexByte(k, ' ')+1:] {
		case "exp", "iat", "nbf":
			continue // times differ on every run
		}
		line(k, ca[k], cb[k])
	}
	return out.String()
}

func show(v string) string {
	if v == "" {
		return "(none)"
	}
	if len(v) > 120 {
		return v[:119] + "…"
	}
	return v
}

func formMap(e httpx.Exchange) map[string]string {
	m := map[string]string{}
	for _, f := range e.ReqForm {
		v := f.Value
		if f.Secret {
			v = "(secret)"
		}
		m[f.Name] = v
	}
	return m
}

func headerMap(e httpx.Exchange) map[string]string {
	m := map[string]string{}
	for k, vs := range e.ReqHeader {
		m[k] = strings.Join(vs, ", ")
	}
	return m
}

func claimMap(e httpx.Exchange) map[string]string {
	m := map[string]string{}
	for _, t := range e.Tokens {
		for k, v := range t.Claims {
			m["claim "+t.Where+" "+k] = text(v)
		}
	}
	return m
}

func unionKeys(a, b map[string]string) []string {
	set := map[string]bool{}
	for k := range a {
		set[k] = true
	}
	for k := range b {
		set[k] = true
	}
	return slices.Sorted(maps.Keys(set))
}
