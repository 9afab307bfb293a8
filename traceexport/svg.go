package traceexport

import (
	"fmt"
	"html"
	"strings"
)

// SVG draws the sequence diagram of the steps as inline SVG, so that the
// report shows it with no script and no network: a column per participant
// with its lifeline, and per step a request arrow and a dashed answer
// arrow (red when it failed), each labelled as in Mermaid. Each arrow links
// to its exchange in the report (#ex-N).
func SVG(steps []Step) string { return svgWith(steps, "") }

// svgWith draws the first lane as client ("" = azrepl).
func svgWith(steps []Step, client string) string {
	parts := Participants(steps)
	col := map[string]int{}
	for i, p := range parts {
		col[p] = i
	}
	const (
		colW   = 260
		left   = 20
		top    = 50
		rowH   = 30
		boxW   = 150
		boxH   = 30
		margin = 30
	)
	x := func(i int) int { return left + boxW/2 + i*colW }
	width := left*2 + boxW + (len(parts)-1)*colW
	height := top + margin + len(steps)*2*rowH + boxH
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="sequence" role="img" aria-label="sequence diagram" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`, width, height, width, height)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#333"/></marker>` +
		`<marker id="arrow-bad" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#c0392b"/></marker></defs>`)
	for i, p := range parts {
		cx := x(i)
		name := p
		if p == Client && client != "" {
			name = client
		}
		fmt.Fprintf(&b, `<g class="participant" data-name="%s"><rect x="%d" y="10" width="%d" height="%d" rx="4" fill="#eef3fb" stroke="#4a6fa5"/>`+
			`<text x="%d" y="%d" text-anchor="middle" font-weight="bold">%s</text>`+
			`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999" stroke-dasharray="4 4"/></g>`,
			esc(name), cx-boxW/2, boxW, boxH, cx, 10+boxH/2+4, esc(shorten(name, 22)), cx, 10+boxH, cx, height-10)
	}
	y := top + margin
	for _, s := range steps {
		from, to := x(col[Client]), x(col[s.To])
		fmt.Fprintf(&b, `<a href="#ex-%d"><g class="step" data-index="%d">`, s.Index, s.Index)
		arrowLine(&b, from, to, y, requestLabel(s), false, false)
		y += rowH
		arrowLine(&b, to, from, y, answerLabel(s), true, s.Failed)
		y += rowH
		b.WriteString(`</g></a>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func arrowLine(b *strings.Builder, x1, x2, y int, label string, dashed, bad bool) {
	color, marker, dash := "#333", "arrow", ""
	if bad {
		color, marker = "#c0392b", "arrow-bad"
	}
	if dashed {
		dash = ` stroke-dasharray="6 3"`
	}
	if x1 == x2 { // a participant talking to itself: a small loop
		fmt.Fprintf(b, `<path d="M%d,%d h30 v10 h-30" fill="none" stroke="%s"%s marker-end="url(#%s)"/>`, x1, y, color, dash, marker)
	} else {
		fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"%s marker-end="url(#%s)"/>`, x1, y, x2, y, color, dash, marker)
	}
	mid := (x1 + x2) / 2
	fmt.Fprintf(b, `<text class="label" x="%d" y="%d" text-anchor="middle" fill="%s">%s</text>`, mid, y-5, color, esc(shorten(label, 70)))
}

func esc(s string) string { return html.EscapeString(s) }
