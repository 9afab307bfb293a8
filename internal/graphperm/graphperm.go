// Package graphperm answers "which permission does this Microsoft Graph call
// need?" from Microsoft's own permissions data (a pinned copy in source/,
// compiled by ./gen into table.bin.gz). The table is read on first use,
// never at start-up. It imports nothing of azrepl: the emulator uses it too.
package graphperm

//go:generate go run ./gen -src source -out .

import (
	"compress/gzip"
	"io"
	"math/bits"
	"slices"
	"strings"
	"sync"

	"github.com/azrepl/azrepl/internal/graphperm/format"
)

// Scheme is how a permission is granted: to an app acting for a work or
// school user (a token's scp), for a personal Microsoft account user, or to
// the app itself (a token's roles).
type Scheme int

// The schemes of Microsoft's data, in its order.
const (
	DelegatedWork Scheme = iota
	DelegatedPersonal
	Application
)

func (s Scheme) String() string { return format.Schemes[s] }

// SchemeInfo is how a permission reads and behaves in one scheme.
type SchemeInfo = format.Scheme

// Permission is one permission of Microsoft Graph.
type Permission struct {
	Name          string
	DelegatedID   string // id of the delegated scope (oauth2PermissionScopes), "" when not in the public cloud
	ApplicationID string // id of the application role (appRoles), "" when not in the public cloud
	// RSC is a resource-specific consent permission: granted on one team or
	// chat, never carried in a token's scp or roles.
	RSC     bool
	Schemes [3]*SchemeInfo // by Scheme; nil where the permission has no such scheme
}

// Scheme returns the permission's details in s, or nil.
func (p *Permission) Scheme(s Scheme) *SchemeInfo { return p.Schemes[s] }

// ID is the permission's id in a scheme (delegated schemes share one scope).
func (p *Permission) ID(s Scheme) string {
	if s == Application {
		return p.ApplicationID
	}
	return p.DelegatedID
}

// Grant is one permission that allows a call, with the permissions of
// which one must be granted beside it (AlsoRequires, "" when none).
type Grant struct {
	Permission   string
	AlsoRequires []string
	perm         *Permission
}

// String writes the grant as the documentation does: "A" or
// "A and B" or "A and one of B, C".
func (g Grant) String() string {
	switch len(g.AlsoRequires) {
	case 0:
		return g.Permission
	case 1:
		return g.Permission + " and " + g.AlsoRequires[0]
	}
	return g.Permission + " and one of " + strings.Join(g.AlsoRequires, ", ")
}

// Access is what grants one call in one scheme: the least privileged
// permissions (as marked in Microsoft's data) and every permission that
// grants it, least privileged first.
type Access struct {
	Least []Grant
	All   []Grant
}

// Supported reports whether any permission of the scheme grants the call.
func (a Access) Supported() bool { return len(a.All) > 0 }

// Result is the answer for one call.
type Result struct {
	Method   string
	Template string // the matching URI template of the data, e.g. "/users/{id}/memberOf"
	Schemes  [3]Access
}

// Allows reports whether a token whose permissions (scp or roles) satisfy
// has may make the call in scheme s: one granting permission, and one of
// its AlsoRequires when it has some.
func (r *Result) Allows(s Scheme, has func(permission string) bool) bool {
	for _, g := range r.Schemes[s].All {
		if !has(g.Permission) {
			continue
		}
		if len(g.AlsoRequires) == 0 || slices.ContainsFunc(g.AlsoRequires, has) {
			return true
		}
	}
	return false
}

// Best is the permission to ask for in scheme s: the least privileged one
// that a token can carry (not resource-specific, deployed in the public
// cloud), read-only before read-write; false when the scheme cannot make
// the call.
func (r *Result) Best(s Scheme) (Grant, bool) {
	for _, list := range [][]Grant{r.Schemes[s].Least, r.Schemes[s].All} {
		for _, g := range list {
			if p := g.perm; p != nil && !p.RSC && p.ID(s) != "" {
				return g, true
			}
		}
	}
	return Grant{}, false
}

type table struct {
	perms  []Permission
	byName map[string]*Permission // lower-case name
	names  []string               // sorted
	root   *node
}

var (
	loadOnce sync.Once
	loaded   *table
	loadErr  error
)

// load reads the embedded table once, on first use.
func load() (*table, error) {
	loadOnce.Do(func() { loaded, loadErr = decode(tableGz) })
	return loaded, loadErr
}

func decode(gz string) (*table, error) {
	zr, err := gzip.NewReader(strings.NewReader(gz))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	ft, err := format.Decode(string(raw))
	if err != nil {
		return nil, err
	}
	t := &table{perms: make([]Permission, len(ft.Permissions)), byName: make(map[string]*Permission, len(ft.Permissions)), root: &node{}}
	for i, fp := range ft.Permissions {
		t.perms[i] = Permission{Name: fp.Name, DelegatedID: fp.DelegatedID, ApplicationID: fp.ApplicationID, RSC: fp.RSC, Schemes: fp.Schemes}
		t.byName[strings.ToLower(fp.Name)] = &t.perms[i]
		t.names = append(t.names, fp.Name)
	}
	slices.SortFunc(t.names, cmpFold)
	for _, fp := range ft.Paths {
		t.root.insert(fp.Template, fp.Grants)
	}
	return t, nil
}

// Get returns a permission by name (case-insensitive).
func Get(name string) (*Permission, bool) {
	t, err := load()
	if err != nil {
		return nil, false
	}
	p, ok := t.byName[strings.ToLower(name)]
	return p, ok
}

// Names returns every permission name, sorted case-insensitively. The
// slice is shared: do not modify it.
func Names() []string {
	t, err := load()
	if err != nil {
		return nil
	}
	return t.names
}

// Lookup finds what grants method on path (the Result is shared: do not
// modify it): path may be a full URL or start
// with /v1.0 or /beta (both versions share Microsoft's data) and may hold
// concrete ids, UPNs and a query, which are matched to the data's templates.
func Lookup(method, path string) (*Result, bool) {
	t, err := load()
	if err != nil {
		return nil, false
	}
	method = strings.ToUpper(strings.TrimSpace(method))
	if method == "" || method == "HEAD" {
		method = "GET"
	}
	mbit := uint8(0)
	for i, m := range format.Methods {
		if m == method {
			mbit = 1 << i
		}
	}
	if mbit == 0 {
		return nil, false
	}
	segs := splitPath(path)
	for {
		if n := t.root.match(segs, mbit); n != nil {
			return n.result(t, mbit), true
		}
		// A trailing $count, $value or OData cast is granted as the path before it.
		if len(segs) < 2 {
			return nil, false
		}
		last := segs[len(segs)-1].lower
		if !strings.HasPrefix(last, "$") && !strings.HasPrefix(last, "microsoft.graph.") {
			return nil, false
		}
		segs = segs[:len(segs)-1]
	}
}

// result is the answer for a node and one method, built on first use and
// then shared: callers must not modify it.
func (n *node) result(t *table, mbit uint8) *Result {
	i := bits.TrailingZeros8(mbit)
	if r := n.results[i].Load(); r != nil {
		return r
	}
	r := t.build(n, format.Methods[i], mbit)
	n.results[i].Store(r)
	return r
}

func (t *table) build(n *node, method string, mbit uint8) *Result {
	r := &Result{Method: method, Template: n.template}
	for _, g := range n.grants {
		if g.Methods&mbit == 0 {
			continue
		}
		p := &t.perms[g.Permission]
		gr := Grant{Permission: p.Name, AlsoRequires: g.AlsoRequires, perm: p}
		for s := range r.Schemes {
			if g.Schemes&(1<<s) == 0 || p.Schemes[s] == nil {
				continue
			}
			a := &r.Schemes[s]
			a.All = append(a.All, gr)
			if g.Least&(1<<s) != 0 {
				a.Least = append(a.Least, gr)
			}
		}
	}
	for s := range r.Schemes {
		a := &r.Schemes[s]
		order := func(x, y Grant) int { return compare(x, y, Scheme(s)) }
		slices.SortStableFunc(a.Least, order)
		// All lists the least privileged first, then the rest in the same order.
		least := func(g Grant) bool { return slices.ContainsFunc(a.Least, func(l Grant) bool { return sameGrant(l, g) }) }
		slices.SortStableFunc(a.All, func(x, y Grant) int {
			if lx, ly := least(x), least(y); lx != ly {
				if lx {
					return -1
				}
				return 1
			}
			return order(x, y)
		})
		a.Least = slices.CompactFunc(a.Least, sameGrant)
		a.All = slices.CompactFunc(a.All, sameGrant)
	}
	return r
}

func sameGrant(a, b Grant) bool {
	return a.Permission == b.Permission && slices.Equal(a.AlsoRequires, b.AlsoRequires)
}

// compare orders grants least privileged first: the data's privilege level,
// then read-only before read-write, then fewer extra requirements, then name.
func compare(x, y Grant, s Scheme) int {
	lx, ly := x.perm.Schemes[s].PrivilegeLevel, y.perm.Schemes[s].PrivilegeLevel
	if lx != ly {
		return lx - ly
	}
	wx, wy := writes(x.Permission), writes(y.Permission)
	if wx != wy {
		if wx {
			return 1
		}
		return -1
	}
	if len(x.AlsoRequires) != len(y.AlsoRequires) {
		return len(x.AlsoRequires) - len(y.AlsoRequires)
	}
	return strings.Compare(x.Permission, y.Permission)
}

func writes(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "write") || strings.Contains(n, "manage") || strings.Contains(n, "accessasuser")
}

// cmpFold orders names case-insensitively.
func cmpFold(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }
