package record

import (
	"net"
	"strings"
)

// watchedHosts are the hosts whose traffic is decrypted and recorded: Entra
// ID (with the alias hosts MSAL's instance discovery lists), Graph, ARM, the
// Databricks accounts host, and the same services of the national clouds.
// Every other host is a tunnel the recorder never looks into. The emulator's
// services table answers for a subset of these (a test compares the two).
var watchedHosts = map[string]bool{
	"login.microsoftonline.com": true, "login.windows.net": true, "login.microsoft.com": true,
	"sts.windows.net": true, "login.live.com": true,
	"graph.microsoft.com": true, "graph.windows.net": true,
	"management.azure.com": true, "management.core.windows.net": true,
	"microsoft.com": true, "www.microsoft.com": true, // the device-code page
	"accounts.azuredatabricks.net": true,
	// Azure US Government and Azure operated by 21Vianet.
	"login.microsoftonline.us": true, "graph.microsoft.us": true, "dod-graph.microsoft.us": true,
	"management.usgovcloudapi.net": true, "login.partner.microsoftonline.cn": true, "login.chinacloudapi.cn": true,
	"microsoftgraph.chinacloudapi.cn": true, "management.chinacloudapi.cn": true,
	"accounts.azuredatabricks.us": true,
}

// watchedSuffixes: every Azure Databricks workspace.
var watchedSuffixes = []string{".azuredatabricks.net", ".databricks.azure.us", ".databricks.azure.cn"}

// hostSet decides which CONNECT targets are decrypted.
type hostSet struct{ extra map[string]bool }

func newHostSet(extra []string) hostSet {
	s := hostSet{extra: map[string]bool{}}
	for _, h := range extra {
		s.extra[normalHost(h)] = true
	}
	return s
}

// watched reports whether host (with or without a port) is recorded.
func (s hostSet) watched(host string) bool {
	h := normalHost(host)
	if watchedHosts[h] || s.extra[h] {
		return true
	}
	for _, suf := range watchedSuffixes {
		if strings.HasSuffix(h, suf) && len(h) > len(suf) {
			return true
		}
	}
	return false
}

func normalHost(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	return strings.ToLower(strings.TrimSuffix(strings.Trim(h, "[]"), "."))
}
