// Package textwrap lays out help text: words wrapped to a width, and
// two-column lists (a name, then what it is) whose second column wraps
// under itself.
package textwrap

import "strings"

// Wrap breaks s into lines of at most width runes at spaces; a word
// longer than width stands alone on its line.
func Wrap(s string, width int) []string {
	var lines []string
	var line strings.Builder
	n := 0
	for _, w := range strings.Fields(s) {
		wl := len([]rune(w))
		if n > 0 && n+1+wl > width {
			lines = append(lines, line.String())
			line.Reset()
			n = 0
		}
		if n > 0 {
			line.WriteByte(' ')
			n++
		}
		line.WriteString(w)
		n += wl
	}
	if n > 0 {
		lines = append(lines, line.String())
	}
	return lines
}

// Item is one row of a two-column list.
type Item struct{ Name, Text string }

// List writes items one per row: indent, the name padded to the longest
// name plus two spaces, then the text wrapped so that no line passes width
// runes (continuation lines start under the text's first column).
func List(items []Item, indent string, width int) string {
	col := 0
	for _, it := range items {
		col = max(col, len([]rune(it.Name)))
	}
	pad := len([]rune(indent)) + col + 2
	var b strings.Builder
	for _, it := range items {
		b.WriteString(indent + it.Name + strings.Repeat(" ", col+2-len([]rune(it.Name))))
		for i, l := range Wrap(it.Text, max(width-pad, 20)) {
			if i > 0 {
				b.WriteString(strings.Repeat(" ", pad))
			}
			b.WriteString(l + "\n")
		}
		if it.Text == "" {
			b.WriteString("\n")
		}
	}
	return b.String()
}
