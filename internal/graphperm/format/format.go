// Package format is the shape of the permission table that the generator
// writes and graphperm reads: one definition for both sides.
package format

import (
	"encoding/binary"
	"errors"
)

// Schemes in the order of Permission.Schemes and of the bits in
// Grant.Schemes and Grant.Least (specs/permissions.md of msgraph-metadata).
var Schemes = [...]string{"DelegatedWork", "DelegatedPersonal", "Application"}

// Methods in the order of the bits in Grant.Methods.
var Methods = [...]string{"GET", "POST", "PATCH", "PUT", "DELETE"}

// Table is the whole generated table.
type Table struct {
	Permissions []Permission
	Paths       []Path
}

// Permission is one claim value (a delegated scope, an application role or both).
type Permission struct {
	Name          string
	RSC           bool   // resource-specific consent: never in a token's scp or roles
	DelegatedID   string // the oauth2PermissionScope id in the public cloud
	ApplicationID string // the appRole id in the public cloud
	Schemes       [len(Schemes)]*Scheme
}

// Scheme is how a permission reads and behaves in one scheme.
type Scheme struct {
	AdminDisplayName string
	AdminDescription string
	UserDisplayName  string
	UserDescription  string
	AdminConsent     bool
	PrivilegeLevel   int // 1 (least) to 5 (most privileged)
}

// Path is one URI template, as written in the data, with every grant on it.
type Path struct {
	Template string
	Grants   []Grant
}

// Grant says that a permission (an index into Table.Permissions) allows
// some methods on a path in some schemes.
type Grant struct {
	Permission   int
	Methods      uint8
	Schemes      uint8
	Least        uint8    // schemes for which it is the least privileged
	AlsoRequires []string // one of these must be granted too
}

// The table is stored as a compact binary stream (decoding it takes a few
// milliseconds where JSON took over a hundred): unsigned varints, and
// strings as a length and bytes.

// Encode writes t in the binary form Decode reads.
func Encode(t *Table) []byte {
	var w writer
	w.uint(uint64(len(t.Permissions)))
	for _, p := range t.Permissions {
		w.str(p.Name)
		w.bool(p.RSC)
		w.str(p.DelegatedID)
		w.str(p.ApplicationID)
		for _, s := range p.Schemes {
			w.bool(s != nil)
			if s == nil {
				continue
			}
			w.str(s.AdminDisplayName)
			w.str(s.AdminDescription)
			w.str(s.UserDisplayName)
			w.str(s.UserDescription)
			w.bool(s.AdminConsent)
			w.uint(uint64(s.PrivilegeLevel))
		}
	}
	w.uint(uint64(len(t.Paths)))
	for _, p := range t.Paths {
		w.str(p.Template)
		w.uint(uint64(len(p.Grants)))
		for _, g := range p.Grants {
			w.uint(uint64(g.Permission))
			w.b = append(w.b, g.Methods, g.Schemes, g.Least)
			w.uint(uint64(len(g.AlsoRequires)))
			for _, a := range g.AlsoRequires {
				w.str(a)
			}
		}
	}
	return w.b
}

// Decode reads what Encode wrote. Strings share data's memory.
func Decode(data string) (t *Table, err error) {
	r := reader{s: data}
	defer func() {
		if recover() != nil {
			t, err = nil, errors.New("permission table: truncated or damaged")
		}
	}()
	t = &Table{Permissions: make([]Permission, r.count())}
	for i := range t.Permissions {
		p := &t.Permissions[i]
		p.Name, p.RSC, p.DelegatedID, p.ApplicationID = r.str(), r.bool(), r.str(), r.str()
		for j := range p.Schemes {
			if !r.bool() {
				continue
			}
			p.Schemes[j] = &Scheme{AdminDisplayName: r.str(), AdminDescription: r.str(), UserDisplayName: r.str(),
				UserDescription: r.str(), AdminConsent: r.bool(), PrivilegeLevel: int(r.uint())}
		}
	}
	t.Paths = make([]Path, r.count())
	for i := range t.Paths {
		p := &t.Paths[i]
		p.Template = r.str()
		p.Grants = make([]Grant, r.count())
		for j := range p.Grants {
			g := &p.Grants[j]
			g.Permission = int(r.uint())
			if g.Permission >= len(t.Permissions) {
				return nil, errors.New("permission table: permission index out of range")
			}
			g.Methods, g.Schemes, g.Least = r.byte(), r.byte(), r.byte()
			if n := r.count(); n > 0 {
				g.AlsoRequires = make([]string, n)
				for k := range g.AlsoRequires {
					g.AlsoRequires[k] = r.str()
				}
			}
		}
	}
	if len(r.s) != 0 {
		return nil, errors.New("permission table: trailing data")
	}
	return t, nil
}

type writer struct{ b []byte }

func (w *writer) uint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *writer) str(s string)  { w.uint(uint64(len(s))); w.b = append(w.b, s...) }
func (w *writer) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

// reader panics on truncated input; Decode turns that into an error.
type reader struct{ s string }

func (r *reader) byte() byte { c := r.s[0]; r.s = r.s[1:]; return c }
func (r *reader) bool() bool { return r.byte() != 0 }
func (r *reader) uint() uint64 {
	var v uint64
	for shift := 0; ; shift += 7 {
		c := r.byte()
		v |= uint64(c&0x7f) << shift
		if c < 0x80 || shift > 56 {
			return v
		}
	}
}

// count is a length that must fit in what is left.
func (r *reader) count() int {
	n := r.uint()
	if n > uint64(len(r.s)) {
		panic("count")
	}
	return int(n)
}

func (r *reader) str() string {
	n := r.count()
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}
