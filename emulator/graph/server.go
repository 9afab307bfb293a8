package graph

import "github.com/azrepl/azrepl/emulator/internal/bearer"

// directory is one tenant's users and groups.
type directory struct{ users, groups *entitySet }

// server is Graph: its configuration, the token check and one directory per tenant.
type server struct {
	cfg     Config
	checker *bearer.Checker
	dirs    map[string]*directory // by lower-case tenant id: the home tenant and its guest tenants
}
