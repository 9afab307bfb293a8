package cmd

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/azrepl/azrepl/httpx"
)

// shellWord quotes s for sh, bash, dash, zsh and fish alike: single quotes
// around everything but ' and \, which go outside them as \' and \\.
// (Inside fish's single quotes \' and \\ are escapes, so a value ending in
// a backslash would end the quoting early there; outside quotes every one of
// these shells reads \' as ' and \\ as \.)
func shellWord(s string) string {
	var b strings.Builder
	open := false
	for i := 0; i < len(s); i++ { // bytes: invalid UTF-8 passes through as it is
		c := s[i]
		if c == '\'' || c == '\\' {
			if open {
				b.WriteByte('\'')
				open = false
			}
			b.WriteByte('\\')
			b.WriteByte(c)
			continue
		}
		if !open {
			b.WriteByte('\'')
			open = true
		}
		b.WriteByte(c)
	}
	if open {
		b.WriteByte('\'')
	}
	if b.Len() == 0 {
		return "''"
	}
	return b.String()
}

// powershellWord quotes s for PowerShell: a single-quoted string in which
// every quote character PowerShell knows (' and the typographic ‘ ’ ‚ ‛)
// is doubled.
func powershellWord(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
			b.WriteString(s[i : i+n])
		}
		b.WriteString(s[i : i+n]) // the bytes as they are, invalid UTF-8 included
		i += n
	}
	b.WriteByte('\'')
	return b.String()
}

var (
	guidRE      = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	hostRE      = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*(:[0-9]{1,5})?$`)
	tokenCharRE = regexp.MustCompile(`^[A-Za-z0-9._~+/=-]+$`)
)

// checkEnvValue refuses a value from a server or a cache that is not what
// its variable holds: a tenant or client id that is not a GUID, a host that
// is not a plain host name, a token with characters no token has.
func checkEnvValue(name, v string) error {
	var ok bool
	switch name {
	case "AZURE_TENANT_ID", "AZURE_CLIENT_ID":
		ok = guidRE.MatchString(v)
	case "DATABRICKS_HOST":
		host, found := strings.CutPrefix(v, "https://")
		ok = found && hostRE.MatchString(host)
	case "DATABRICKS_TOKEN":
		ok = tokenCharRE.MatchString(v)
	default:
		return nil
	}
	if !ok && name == "DATABRICKS_TOKEN" {
		// A token is a secret even when malformed: say where, not what.
		if v == "" {
			return fmt.Errorf("refused: the login's %s is empty", name)
		}
		at := strings.IndexFunc(v, func(r rune) bool { return !tokenCharRE.MatchString(string(r)) })
		return fmt.Errorf("refused: the login's %s is not well formed (%d bytes, a character no token has at byte %d)", name, len(v), at)
	}
	if !ok {
		return fmt.Errorf("refused: the login's %s is not well formed (%q)", name, httpx.EscapeControls(truncate(v, 80)))
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// commentText is server text for a comment line: one line, no control characters.
func commentText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return -1
		}
		return r
	}, collapseSpace(s))
}

// collapseSpace joins the words of s with single spaces: any text on one line.
func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
