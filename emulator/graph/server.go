package graph

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
)

// directory is one tenant's users and groups. Reads load the group set
// once per request and never lock; a write builds a new set under mu and
// swaps it in, so a page being served keeps the set it started with.
type directory struct {
	users  *entitySet
	groups atomic.Pointer[entitySet]

	mu     sync.RWMutex // guards the fields below; writers hold it while they swap groups
	listed []Group      // the given and created groups, in order
	gen    generated    // the groups built from their index
	// genChanged are generated groups as PATCH left them, by generated
	// index; genGone the sorted indexes of those deleted.
	genChanged map[int]Group
	genGone    []int
	members    map[string][]string
}

// generated is the part of a large tenant built on demand.
type generated struct {
	count int
	at    func(int) Group
	index func(string) (int, bool)
}

func newDirectory(users *entitySet, groups []Group, gen generated) *directory {
	d := &directory{users: users, listed: append([]Group(nil), groups...), gen: gen, members: map[string][]string{}}
	for _, g := range groups {
		if len(g.Members) > 0 {
			d.members[strings.ToLower(g.ID)] = append([]string(nil), g.Members...)
		}
	}
	d.groups.Store(newGroupSet(d.listed, gen.count, gen.at, gen.index))
	return d
}

// server is Graph: its configuration, the token check and one directory per tenant.
type server struct {
	cfg     Config
	checker *bearer.Checker
	dirs    map[string]*directory // by lower-case tenant id: the home tenant and its guest tenants
}
