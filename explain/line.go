package explain

import (
	"fmt"
	"strings"
)

// Line is the step in one line of the summary, e.g.
// "az → Entra: device code, client Microsoft Azure CLI (04b07795…), tenant organizations, scope ARM .default offline_access → 200".
func Line(program string, s Step) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d. %s → %s: ", s.Index, program, s.Service)
	var parts []string
	switch s.Kind {
	case KindToken:
		g := s.Grant
		if s.GrantType == "refresh_token" && s.Scope != "" {
			g += " redeemed for " + resourceOf(s.Scope)
			if s.FOCI {
				g += " (FOCI family)"
			}
		}
		parts = append(parts, g)
		parts = append(parts, clientPart(s)...)
		if s.Tenant != "" {
			parts = append(parts, "tenant "+s.Tenant)
		}
		if s.Scope != "" {
			word := "scope "
			if s.Endpoint == "v1" || s.Endpoint == "managed identity" {
				word = "resource "
			}
			parts = append(parts, word+FriendlyScope(s.Scope))
		}
		if s.Claims != "" {
			parts = append(parts, "claims "+claimsKind(s.Claims))
		}
	case KindDeviceCode:
		parts = append(parts, "device code requested")
		parts = append(parts, clientPart(s)...)
		if s.Tenant != "" {
			parts = append(parts, "tenant "+s.Tenant)
		}
		if s.Scope != "" {
			parts = append(parts, "scope "+FriendlyScope(s.Scope))
		}
	case KindAuthorize:
		parts = append(parts, "sign-in page ("+s.Grant+")")
		parts = append(parts, clientPart(s)...)
	case KindDiscovery:
		d := s.Discovery
		if s.Tenant != "" {
			d += " of " + s.Tenant
		}
		parts = append(parts, "discovery: "+d)
	default:
		req := s.Method + " " + shortPath(s.Path)
		parts = append(parts, req)
		if s.Token != nil {
			parts = append(parts, "token "+tokenText(s.Token, false))
		} else if s.Bearer == "opaque" {
			parts = append(parts, "bearer token that is not a JWT (a Databricks PAT or an opaque token)")
		}
	}
	b.WriteString(strings.Join(parts, ", "))
	b.WriteString(" → ")
	b.WriteString(statusText(s))
	if s.Kind == KindToken && s.Token != nil {
		b.WriteString(": token " + tokenText(s.Token, true))
		if s.FOCI && s.GrantType != "refresh_token" {
			b.WriteString(", FOCI")
		}
	}
	if s.CAE {
		b.WriteString(", CAE capable")
	}
	if s.Challenge != "" {
		b.WriteString(", claims challenge (" + s.Challenge + ")")
	}
	if lib := s.Library(); lib != "" {
		b.WriteString(" [" + lib + "]")
	}
	return b.String()
}

// Library names the client library from its headers: MSAL's x-client-SKU
// and x-client-Ver, else the User-Agent's first product.
func (s Step) Library() string {
	if s.SKU != "" {
		return strings.TrimSpace(s.SKU + " " + s.Ver)
	}
	// The first product, unless it is an application that did not name itself
	// (the Databricks SDK says "unknown/0.0.0 databricks-sdk-go/…").
	for _, p := range strings.Fields(s.UserAgent) {
		if !strings.HasPrefix(p, "unknown/") && !strings.HasPrefix(p, "(") {
			return p
		}
	}
	return ""
}

func clientPart(s Step) []string {
	if s.ClientID == "" {
		return nil
	}
	id := s.ClientID
	if len(id) > 12 {
		id = id[:8] + "…"
	}
	if s.ClientName != "" {
		return []string{"client " + s.ClientName + " (" + id + ")"}
	}
	return []string{"client " + s.ClientID}
}

func tokenText(t *TokenFacts, lifetime bool) string {
	var parts []string
	if t.Audience != "" {
		parts = append(parts, "aud "+FriendlyAudience(t.Audience))
	}
	if t.Scopes != "" {
		parts = append(parts, "scp "+t.Scopes)
	}
	if t.Roles != "" {
		parts = append(parts, "roles "+t.Roles)
	}
	if t.Scopes == "" && t.Roles == "" && t.Audience != "" {
		parts = append(parts, "no scp or roles")
	}
	if lifetime && t.Lifetime > 0 {
		parts = append(parts, lifetimeText(t.Lifetime))
	}
	if t.CAE {
		parts = append(parts, "xms_cc")
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func lifetimeText(sec int64) string {
	if sec%60 == 0 || sec > 3600 {
		return fmt.Sprintf("%d min", (sec+30)/60)
	}
	return fmt.Sprintf("%d s", sec)
}

func statusText(s Step) string {
	switch {
	case s.Status == 0:
		return "no answer (" + s.Error + ")"
	case s.Error != "":
		return fmt.Sprintf("%d %s", s.Status, s.Error)
	}
	return fmt.Sprint(s.Status)
}

func resourceOf(scope string) string {
	for _, part := range strings.Fields(scope) {
		switch strings.ToLower(part) {
		case "openid", "profile", "offline_access", "email":
			continue
		}
		f := friendlyOne(part)
		name, _, _ := strings.Cut(f, " ")
		return name
	}
	return FriendlyScope(scope)
}

func claimsKind(c string) string {
	switch {
	case strings.Contains(c, "xms_cc"):
		return "xms_cc (CAE)"
	case strings.Contains(c, "nbf"):
		return "nbf (answering a claims challenge)"
	}
	return "(set)"
}

func shortPath(p string) string {
	if len(p) > 60 {
		return p[:59] + "…"
	}
	return p
}
