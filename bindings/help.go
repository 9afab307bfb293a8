package bindings

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// HelpFor is what `.help NAME` shows: a binding's help, the help of the
// binding that also covers NAME (clearTimeout), or for a member
// ("graph.all", "http.batch") the lines of its object's help about it.
func HelpFor(name string) (string, bool) {
	if b, ok := Lookup(name); ok {
		return b.Help, true
	}
	for _, b := range All() {
		if slices.Contains(b.Also, name) {
			return b.Help, true
		}
	}
	root, member, dotted := strings.Cut(name, ".")
	if !dotted || member == "" {
		return "", false
	}
	b, ok := HelpFor(root)
	if !ok {
		return "", false
	}
	if lines := memberLines(b, root, member[strings.LastIndex(member, ".")+1:]); lines != "" {
		return lines, true
	}
	return "", false
}

// documentedMember matches "root.member(" in a help text.
var documentedMember = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\(`) })

// HelpNames are the names HelpFor answers: bindings, the globals they also
// cover, and the members their help texts document (graph.all).
func HelpNames() []string {
	var names []string
	for _, b := range All() {
		names = append(append(names, b.Name), b.Also...)
		for _, m := range documentedMember().FindAllStringSubmatch(b.Help, -1) {
			if name := m[1] + "." + m[2]; !slices.Contains(names, name) && m[1] == b.Name {
				names = append(names, name)
			}
		}
	}
	return names
}

// memberLines picks from help the lines that name member — "graph.all(",
// or "/ put /" in a summary listing several methods — each with the more
// indented lines under it.
func memberLines(help, root, member string) string {
	lines := strings.Split(help, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !namesMember(l, root, member) {
			continue
		}
		out = append(out, l)
		indent := len(l) - len(strings.TrimLeft(l, " "))
		for i+1 < len(lines) {
			next := lines[i+1]
			if strings.TrimSpace(next) == "" || len(next)-len(strings.TrimLeft(next, " ")) <= indent || namesMember(next, root, member) || startsOtherMember(next, root, member) {
				break
			}
			out = append(out, next)
			i++
		}
	}
	return strings.Join(out, "\n")
}

// startsOtherMember: line begins the entry of another member of root
// ("graph.batch(…) —", "for (const g of graph.iter(…", "Example: graph.all(…").
func startsOtherMember(line, root, member string) bool {
	t := strings.TrimSpace(line)
	i := strings.Index(t, root+".")
	if i < 0 || i > 30 {
		return false
	}
	rest := t[i+len(root)+1:]
	name := rest[:len(rest)-len(strings.TrimLeft(rest, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$"))]
	return name != member && strings.HasPrefix(rest[len(name):], "(")
}

// namesMember: line documents root.member — written in full, or as one of
// the "/ member(" alternatives of a line that starts with root.
func namesMember(line, root, member string) bool {
	t := strings.TrimSpace(line)
	for _, end := range []string{"(", " ", ",", "\n"} {
		if strings.Contains(t+"\n", root+"."+member+end) {
			return true
		}
		if strings.HasPrefix(t, root+".") && strings.Contains(t+"\n", "/ "+member+end) {
			return true
		}
	}
	return false
}
