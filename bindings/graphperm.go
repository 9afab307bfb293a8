package bindings

import (
	"strings"

	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/internal/graphperm"
	"github.com/dop251/goja"
)

// graphPermissionsHelp is appended to the graph binding's help.
const graphPermissionsHelp = `
  graph.permissions("/groups" | "POST /groups" | "/users/alice@contoso.com/memberOf") — which permissions allow a
        call, from Microsoft's Graph permissions data (v1.0 and beta): {method, template,
        delegated: {least, all}, application: {least, all}, personal: {least, all}}; ids and UPNs match templates
  graph.permission("Group.Read.All") — a permission's ids, display texts, admin consent and privilege level`

// splitRequest reads "POST /groups" or "/groups" (GET).
func splitRequest(s string) (method, path string) {
	s = strings.TrimSpace(s)
	if m, p, ok := strings.Cut(s, " "); ok && !strings.Contains(m, "/") {
		return strings.ToUpper(m), strings.TrimSpace(p)
	}
	return "GET", s
}

// setPermissionLookups defines graph.permissions and graph.permission on o.
func (c *caller) setPermissionLookups(o *goja.Object) {
	_ = o.Set("permissions", func(arg goja.Value) goja.Value {
		method, path := splitRequest(optionalStringArg(c.rt, "graph.permissions(request)", "request", arg))
		if path == "" {
			Throw(c.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: `graph.permissions(request): a path such as "/groups" or "POST /groups" is expected`})
		}
		r, ok := graphperm.Lookup(method, path)
		if !ok {
			Throw(c.rt, &Error{Code: errcode.NotFound, Message: "no permission in Microsoft's Graph permissions data grants " + method + " " + path +
				": check the path (ids may be any value) and the method"})
		}
		out := c.rt.NewObject()
		_ = out.Set("method", r.Method)
		_ = out.Set("template", r.Template)
		for _, s := range []struct {
			key    string
			scheme graphperm.Scheme
		}{{"delegated", graphperm.DelegatedWork}, {"application", graphperm.Application}, {"personal", graphperm.DelegatedPersonal}} {
			a := r.Schemes[s.scheme]
			so := c.rt.NewObject()
			_ = so.Set("least", grantNames(a.Least))
			_ = so.Set("all", grantNames(a.All))
			_ = out.Set(s.key, so)
		}
		return out
	})
	_ = o.Set("permission", func(arg goja.Value) goja.Value {
		name := strings.TrimSpace(optionalStringArg(c.rt, "graph.permission(name)", "name", arg))
		p, ok := graphperm.Get(name)
		if !ok {
			msg := "no Microsoft Graph permission named " + quoteName(name)
			if s, ok := graphperm.Suggest(name); ok {
				msg += "; did you mean " + s + "?"
			}
			Throw(c.rt, &Error{Code: errcode.NotFound, Message: msg})
		}
		return c.permissionValue(p)
	})
}

func quoteName(s string) string { return `"` + s + `"` }

func grantNames(gs []graphperm.Grant) []any {
	out := make([]any, len(gs))
	for i, g := range gs {
		out[i] = g.String()
	}
	return out
}

// permissionValue is graph.permission's answer, its keys in a readable order.
func (c *caller) permissionValue(p *graphperm.Permission) *goja.Object {
	v := c.rt.NewObject()
	_ = v.Set("name", p.Name)
	if p.RSC {
		_ = v.Set("resourceSpecificConsent", true)
	}
	for _, s := range []struct {
		key    string
		scheme graphperm.Scheme
	}{{"delegated", graphperm.DelegatedWork}, {"application", graphperm.Application}, {"personal", graphperm.DelegatedPersonal}} {
		info := p.Scheme(s.scheme)
		if info == nil {
			continue
		}
		d := c.rt.NewObject()
		_ = d.Set("id", p.ID(s.scheme))
		_ = d.Set("adminDisplayName", info.AdminDisplayName)
		_ = d.Set("adminDescription", info.AdminDescription)
		if info.UserDisplayName != "" {
			_ = d.Set("userDisplayName", info.UserDisplayName)
			_ = d.Set("userDescription", info.UserDescription)
		}
		// Application permissions always need an administrator's consent.
		_ = d.Set("requiresAdminConsent", info.AdminConsent || s.scheme == graphperm.Application)
		_ = d.Set("privilegeLevel", info.PrivilegeLevel)
		_ = v.Set(s.key, d)
	}
	return v
}
