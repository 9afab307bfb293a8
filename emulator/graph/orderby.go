package graph

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// $orderby as Graph answers it on directory objects: one property, asc or
// desc; users sort by displayName or userPrincipalName and groups by
// displayName by default; anything else is "Unsupported sort property". With
// $filter, sorting needs the advanced-query parameters (ConsistencyLevel:
// eventual and $count=true), else "Sorting not supported for current query." (microsoftgraph/microsoft-graph-docs-contrib #4187,
// #1354; the advanced-queries concept page).

type orderBy struct {
	prop int
	desc bool
}

// sortable are the properties each collection sorts by.
var sortable = map[string][]string{
	"users":  {"displayName", "userPrincipalName"},
	"groups": {"displayName"},
}

// parseOrderBy reads the $orderby option; msg is Graph's error when it is
// refused (code Request_UnsupportedQuery, or BadRequest for an unknown name).
func parseOrderBy(set *entitySet, s string) (o *orderBy, code, msg string) {
	if strings.Contains(s, ",") {
		return nil, "Request_UnsupportedQuery", "Sorting by more than one property is not supported."
	}
	fields := strings.Fields(s)
	if len(fields) == 0 || len(fields) > 2 {
		return nil, "BadRequest", fmt.Sprintf("Syntax error at position %d in '%s'.", len(s), s)
	}
	o = &orderBy{}
	if len(fields) == 2 {
		switch strings.ToLower(fields[1]) {
		case "asc":
		case "desc":
			o.desc = true
		default:
			return nil, "BadRequest", fmt.Sprintf("Syntax error at position %d in '%s'.", len(s), s)
		}
	}
	p, ok := set.index[strings.ToLower(fields[0])]
	if !ok {
		return nil, "BadRequest", fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.%s'.", fields[0], set.typeName)
	}
	if !slices.Contains(sortable[set.name], set.props[p]) {
		return nil, "Request_UnsupportedQuery", fmt.Sprintf("Unsupported sort property '%s' for '%s'.", set.props[p], set.resource)
	}
	o.prop = p
	return o, "", ""
}

// sortKey is an item's value for sorting: strings compare without case.
func sortKey(it item, prop int) string {
	s, _ := it.values[prop].(string)
	return strings.ToLower(s)
}

// sortItems orders item indexes by o; equal keys keep their order.
func sortItems(set *entitySet, idx []int, o *orderBy) {
	type keyed struct {
		key string
		i   int
	}
	list := make([]keyed, len(idx))
	for n, i := range idx {
		list[n] = keyed{sortKey(set.at(i), o.prop), i}
	}
	slices.SortStableFunc(list, func(a, b keyed) int {
		if o.desc {
			return cmp.Compare(b.key, a.key)
		}
		return cmp.Compare(a.key, b.key)
	})
	for n := range list {
		idx[n] = list[n].i
	}
}

// sortedOrders caches the order of a whole collection per property and
// direction: a large seeded tenant is sorted once, not at every page.
type sortedOrders struct {
	mu    sync.Mutex
	byKey map[orderBy][]int
}

func (s *sortedOrders) of(set *entitySet, o *orderBy) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if got, ok := s.byKey[*o]; ok {
		return got
	}
	order := make([]int, set.len())
	for i := range order {
		order[i] = i
	}
	sortItems(set, order, o)
	if s.byKey == nil {
		s.byKey = map[orderBy][]int{}
	}
	s.byKey[*o] = order
	return order
}
