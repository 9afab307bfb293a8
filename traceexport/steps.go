// Package traceexport writes the session's HTTP exchanges (httpx's trace,
// already redacted) as files people open elsewhere: a HAR 1.2 archive, a
// .http file for VS Code's REST Client and JetBrains' HTTP client, a
// Mermaid sequence diagram, and a self-contained HTML report.
package traceexport

import (
	"cmp"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	"github.com/azrepl/azrepl/explain"
	"github.com/azrepl/azrepl/httpx"
)

// Participants of the diagrams, in the order they are drawn.
const (
	Client     = "azrepl"
	Entra      = "Entra ID"
	Graph      = "Graph"
	ARM        = "ARM"
	Databricks = "Databricks"
)

// Step is one exchange as a diagram shows it: a request arrow from the
// client and an answer arrow back.
type Step struct {
	Index    int
	To       string // participant
	Request  string // "token: refresh_token", "GET /v1.0/groups"
	Audience string // aud of the token sent (resource calls) or received (token calls)
	Status   int
	Answer   string // "200", "403 Authorization_RequestDenied", "no answer"
	Failed   bool
}

// Steps reads the exchanges in order.
func Steps(all []httpx.Exchange) []Step {
	all = sorted(all)
	out := make([]Step, 0, len(all))
	for _, e := range all {
		s := Step{Index: e.Index, To: participantOf(e.URL), Status: e.Status}
		path := pathOf(e.URL)
		// The endpoint as explain tells it, so the diagram and the explained
		// lines beside it name each request alike.
		switch x := explain.Explain(e); x.Kind {
		case explain.KindToken:
			grant := strings.TrimPrefix(x.GrantType, "urn:ietf:params:oauth:grant-type:")
			s.Request = "token: " + cmp.Or(grant, "?")
			s.Audience = claimOf(e, "response access_token", "aud")
		case explain.KindDeviceCode, explain.KindAuthorize:
			s.Request = x.Kind
		default:
			s.Request = e.Method + " " + shorten(path, 48)
			s.Audience = claimOf(e, "request Authorization", "aud")
		}
		switch {
		case e.Err != "" || e.Status == 0:
			s.Answer, s.Failed = "no answer", true
		case e.Status >= 400:
			s.Answer, s.Failed = fmt.Sprintf("%d %s", e.Status, shorten(errorCode(e), 40)), true
		default:
			s.Answer = fmt.Sprint(e.Status)
		}
		s.Answer = strings.TrimSpace(s.Answer)
		out = append(out, s)
	}
	return out
}

// Participants lists the participants the steps use, client first.
func Participants(steps []Step) []string {
	order := map[string]int{Client: 0, Entra: 1, Graph: 2, ARM: 3, Databricks: 4}
	seen := map[string]bool{Client: true}
	out := []string{Client}
	for _, s := range steps {
		if !seen[s.To] {
			seen[s.To] = true
			out = append(out, s.To)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		oi, iok := order[out[i]]
		oj, jok := order[out[j]]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return false
	})
	return out
}

func sorted(all []httpx.Exchange) []httpx.Exchange {
	out := append([]httpx.Exchange(nil), all...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// cloudHosts are the real hosts of each service, in the public and
// sovereign clouds: only they are named as the service (a diagram that
// calls login.evil.example "Entra ID" misleads its reader).
var cloudHosts = map[string]string{
	"login.microsoftonline.com": Entra, "login.microsoft.com": Entra, "login.windows.net": Entra, "sts.windows.net": Entra,
	"login.microsoftonline.us": Entra, "login.chinacloudapi.cn": Entra, "login.partner.microsoftonline.cn": Entra,
	"microsoft.com": Entra, "www.microsoft.com": Entra,
	"graph.microsoft.com": Graph, "graph.microsoft.us": Graph, "dod-graph.microsoft.us": Graph, "microsoftgraph.chinacloudapi.cn": Graph,
	"management.azure.com": ARM, "management.core.windows.net": ARM, "management.usgovcloudapi.net": ARM, "management.chinacloudapi.cn": ARM,
}

// databricksSuffixes are Databricks' workspace and account hosts.
var databricksSuffixes = []string{".azuredatabricks.net", ".cloud.databricks.com", ".gcp.databricks.com", ".databricks.azure.cn", ".databricks.azure.us"}

// participantOf names the service of a URL: by host name, and on the
// emulator's loopback listener by path, as the emulator routes.
func participantOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "?"
	}
	host := strings.ToLower(u.Hostname())
	if name, ok := cloudHosts[host]; ok {
		return name
	}
	for _, s := range databricksSuffixes {
		if strings.HasSuffix(host, s) {
			return Databricks
		}
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() || host == "localhost" {
		p := u.Path
		switch {
		case strings.HasPrefix(p, "/v1.0") || strings.HasPrefix(p, "/beta"):
			return Graph
		case strings.HasPrefix(p, "/subscriptions") || strings.HasPrefix(p, "/tenants"):
			return ARM
		case strings.HasPrefix(p, "/oidc") || strings.HasPrefix(p, "/api/"):
			return Databricks
		}
		return Entra
	}
	return host
}

func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return cmp.Or(u.EscapedPath(), "/")
}

// claimOf is a string claim of the token found at where ("" if none).
func claimOf(e httpx.Exchange, where, claim string) string {
	for _, t := range e.Tokens {
		if t.Where == where {
			return claimText(t.Claims[claim])
		}
	}
	return ""
}

func claimText(v any) string { return explain.ClaimText(v) }

// errorCode is the service's code of an error answer (Entra's "error",
// Graph/ARM's error.code, Databricks' error_code).
func errorCode(e httpx.Exchange) string {
	se := httpx.ParseServiceError(e.Status, e.RespHeader, []byte(e.RespBody), e.URL)
	return se.Code
}

func shorten(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
