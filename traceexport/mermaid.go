package traceexport

import (
	"fmt"
	"strings"

	"github.com/azrepl/azrepl/httpx"
)

// Mermaid is a Mermaid sequence diagram of the exchanges: the client and
// the services as participants, each request arrow labelled with its grant
// type or method and path (and the audience of the token sent), each answer
// with its status (and the audience of the token received).
func Mermaid(all []httpx.Exchange) string { return mermaidWith(all, "") }

// mermaidWith names the first participant client ("" = azrepl).
func mermaidWith(all []httpx.Exchange, client string) string {
	steps := Steps(all)
	ids := map[string]string{}
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	for i, p := range Participants(steps) {
		id := fmt.Sprintf("P%d", i)
		ids[p] = id
		name := p
		if p == Client && client != "" {
			name = client
		}
		fmt.Fprintf(&b, "    participant %s as %s\n", id, mermaidText(name))
	}
	for _, s := range steps {
		fmt.Fprintf(&b, "    %s->>%s: %s\n", ids[Client], ids[s.To], mermaidText(requestLabel(s)))
		arrow := "-->>"
		if s.Failed {
			arrow = "--x"
		}
		fmt.Fprintf(&b, "    %s%s%s: %s\n", ids[s.To], arrow, ids[Client], mermaidText(answerLabel(s)))
	}
	return b.String()
}

func requestLabel(s Step) string {
	l := fmt.Sprintf("%d. %s", s.Index, s.Request)
	if s.Audience != "" && !strings.HasPrefix(s.Request, "token") {
		l += " [aud " + audienceName(s.Audience) + "]"
	}
	return l
}

func answerLabel(s Step) string {
	l := s.Answer
	if s.Audience != "" && strings.HasPrefix(s.Request, "token") && !s.Failed {
		l += " access token for " + audienceName(s.Audience)
	}
	return l
}

// audienceName shortens the well-known audiences.
func audienceName(aud string) string {
	switch aud {
	case "00000003-0000-0000-c000-000000000000", "https://graph.microsoft.com":
		return "Graph"
	case "https://management.core.windows.net/", "https://management.azure.com/", "https://management.azure.com":
		return "ARM"
	case "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d":
		return "Azure Databricks"
	}
	return shorten(aud, 40)
}

// mermaidText keeps a label (server text included: an error code, a host)
// on one line and away from Mermaid's syntax: ";" and "#" start statements
// and entity codes, and <, >, &, " become entity codes, so no markup a
// server wrote is rendered; control characters are shown escaped.
func mermaidText(s string) string {
	r := strings.NewReplacer(";", ",", "#", "no.", "\n", " ", "\r", " ", "%%", "%",
		"<", "#lt;", ">", "#gt;", "&", "#amp;", `"`, "#quot;")
	return httpx.EscapeControls(r.Replace(s))
}
