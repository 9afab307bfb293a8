package graph

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// entitySet is a collection (users or groups): items given one by one, then
// n generated items built from their index on demand (a tenant of a
// million groups starts at once and holds none of them). Items are encoded
// when served.
type entitySet struct {
	name     string         // URL segment and @odata.context name: "users"
	typeName string         // OData type, for messages: "group"
	resource string         // resource name in $filter messages: "Group"
	props    []string       // property names in output order
	index    map[string]int // lower-case name → position in props
	items    []item
	byKey    map[string]int               // lower-case id (and UPN for users) → item
	n        int                          // generated items, after items
	gen      func(i int) []any            // values of generated item i
	genKey   func(key string) (int, bool) // generated item of an id
	orders   sortedOrders                 // $orderby of the whole set, once sorted
	// Written generated items: changed values by generated index, and the
	// sorted indexes deleted. Both stay nil until a write; a set is never
	// changed once served (a write publishes a new one).
	changed map[int][]any
	gone    []int
}

type item struct {
	values []any // string, bool, nil or []string, aligned with props
}

// len is the number of items, generated ones included.
func (s *entitySet) len() int { return len(s.items) + s.n - len(s.gone) }

// at returns item i (0 ≤ i < len()).
func (s *entitySet) at(i int) item {
	if i < len(s.items) {
		return s.items[i]
	}
	j := i - len(s.items)
	if s.gone != nil {
		j = s.generatedIndex(j)
	}
	if s.changed != nil {
		if v, ok := s.changed[j]; ok {
			return item{values: v}
		}
	}
	return item{values: s.gen(j)}
}

// generatedIndex is the generated index at position pos among those not
// deleted. gone[i]-i counts the kept indexes below gone[i] and never
// decreases, so one binary search finds k, the deleted indexes that come
// before the wanted one: the answer is pos + k.
func (s *entitySet) generatedIndex(pos int) int {
	k := sort.Search(len(s.gone), func(i int) bool { return s.gone[i]-i > pos })
	return pos + k
}

// lookup finds an item by id (or UPN), case-insensitively.
func (s *entitySet) lookup(key string) (int, bool) {
	if i, ok := s.byKey[strings.ToLower(key)]; ok {
		return i, true
	}
	if j, ok := s.generatedLookup(key); ok {
		below, _ := slices.BinarySearch(s.gone, j)
		return len(s.items) + j - below, true
	}
	return 0, false
}

// generatedLookup finds the generated index of an id, unless deleted.
func (s *entitySet) generatedLookup(key string) (int, bool) {
	if s.genKey == nil {
		return 0, false
	}
	j, ok := s.genKey(key)
	if !ok || j >= s.n {
		return 0, false
	}
	if _, deleted := slices.BinarySearch(s.gone, j); deleted {
		return 0, false
	}
	return j, true
}

func newEntitySet(name, typeName, resource string, props []string) *entitySet {
	s := &entitySet{name: name, typeName: typeName, resource: resource,
		props: props, index: map[string]int{}, byKey: map[string]int{}}
	for i, p := range props {
		s.index[strings.ToLower(p)] = i
	}
	return s
}

// add keeps one entity given its values in props order.
func (s *entitySet) add(keys []string, values ...any) {
	for _, k := range keys {
		if k != "" {
			s.byKey[strings.ToLower(k)] = len(s.items)
		}
	}
	s.items = append(s.items, item{values: values})
}

// encode writes an item with only the selected properties (nil = all).
func (s *entitySet) encode(dst []byte, it item, sel []int) []byte {
	dst = append(dst, '{')
	n := len(it.values)
	if sel != nil {
		n = len(sel)
	}
	for i := 0; i < n; i++ {
		p := i
		if sel != nil {
			p = sel[i]
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendValue(dst, s.props[p])
		dst = append(dst, ':')
		dst = appendValue(dst, it.values[p])
	}
	return append(dst, '}')
}

// appendValue writes a value as JSON without reflection (json.Marshal per
// field made a million groups take 30 s to build).
func appendValue(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, x)
	case string:
		for i := 0; i < len(x); i++ {
			if c := x[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				b, _ := json.Marshal(x) // the rare string that needs escapes
				return append(dst, b...)
			}
		}
		dst = append(dst, '"')
		dst = append(dst, x...)
		return append(dst, '"')
	case []string:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendValue(dst, e)
		}
		return append(dst, ']')
	}
	b, _ := json.Marshal(v)
	return append(dst, b...)
}

var userProps = []string{"businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
	"officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"}

func newUserSet(users []User, count int, at func(int) User, index func(string) (int, bool)) *entitySet {
	s := newEntitySet("users", "user", "User", userProps)
	for _, u := range users {
		s.add([]string{u.ID, u.UserPrincipalName}, userValues(u)...)
	}
	if count > 0 && at != nil {
		s.n, s.gen, s.genKey = count, func(i int) []any { return userValues(at(i)) }, index
	}
	return s
}

func userValues(u User) []any {
	given, sur := u.GivenName, u.Surname
	if given == "" && sur == "" {
		given, sur, _ = strings.Cut(u.DisplayName, " ")
	}
	return []any{[]string{}, u.DisplayName, nullable(given), nullable(u.JobTitle), nullable(u.Mail), nil,
		nullable(u.OfficeLocation), "en-US", nullable(sur), u.UserPrincipalName, u.ID}
}

var groupProps = []string{"id", "deletedDateTime", "classification", "createdDateTime", "creationOptions",
	"description", "displayName", "expirationDateTime", "groupTypes", "isAssignableToRole", "mail",
	"mailEnabled", "mailNickname", "membershipRule", "onPremisesSyncEnabled", "renewedDateTime",
	"securityEnabled", "securityIdentifier", "visibility"}

func newGroupSet(groups []Group, count int, at func(int) Group, index func(string) (int, bool)) *entitySet {
	s := newEntitySet("groups", "group", "Group", groupProps)
	for _, g := range groups {
		s.add([]string{g.ID}, groupValues(g)...)
	}
	if count > 0 && at != nil {
		s.n, s.gen, s.genKey = count, func(i int) []any { return groupValues(at(i)) }, index
	}
	return s
}

func groupValues(g Group) []any {
	created := g.CreatedDateTime.UTC().Format(time.RFC3339)
	var mail any
	if g.MailEnabled && g.MailNickname != "" {
		mail = g.MailNickname + "@emulator.invalid"
	}
	groupTypes := []string{}
	if g.MailEnabled && !g.SecurityEnabled {
		groupTypes = []string{"Unified"}
	}
	return []any{g.ID, nil, nil, created, []string{}, nullable(g.Description), g.DisplayName, nil,
		groupTypes, nil, mail, g.MailEnabled, g.MailNickname, nil, nil, created,
		g.SecurityEnabled, securityIdentifier(g.ID), nullable(visibility(g))}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func visibility(g Group) string {
	if g.MailEnabled && !g.SecurityEnabled {
		return "Private"
	}
	return ""
}

// securityIdentifier derives a stable SID-shaped string from the object id.
func securityIdentifier(id string) string {
	var n [4]uint32
	for i, c := range []byte(id) {
		n[i%4] = n[i%4]*31 + uint32(c)
	}
	return "S-1-12-1-" + utoa(n[0]) + "-" + utoa(n[1]) + "-" + utoa(n[2]) + "-" + utoa(n[3])
}

func utoa(v uint32) string { return strconv.FormatUint(uint64(v), 10) }
