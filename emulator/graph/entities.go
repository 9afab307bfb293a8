package graph

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// entitySet is a collection (users or groups) encoded once: each item keeps
// its property values (for $filter) and their JSON (for bodies and $select).
type entitySet struct {
	name        string // URL segment and @odata.context name: "users"
	typeName    string // OData type, for messages: "group"
	resource    string // resource name in $filter messages: "Group"
	permissions []string
	props       []string       // property names in output order
	index       map[string]int // lower-case name → position in props
	items       []item
	byKey       map[string]int // lower-case id (and UPN for users) → item
}

type item struct {
	values []any    // string, bool, nil or []string, aligned with props
	fields [][]byte // `"name":value` for each property
	json   []byte   // the whole object
}

func newEntitySet(name, typeName, resource string, perms, props []string) *entitySet {
	s := &entitySet{name: name, typeName: typeName, resource: resource, permissions: perms,
		props: props, index: map[string]int{}, byKey: map[string]int{}}
	for i, p := range props {
		s.index[strings.ToLower(p)] = i
	}
	return s
}

// add encodes one entity given its values in props order.
func (s *entitySet) add(keys []string, values ...any) {
	it := item{values: values, fields: make([][]byte, len(values))}
	obj := []byte{'{'}
	for i, v := range values {
		name, _ := json.Marshal(s.props[i])
		val, _ := json.Marshal(v)
		f := append(append(name, ':'), val...)
		it.fields[i] = f
		if i > 0 {
			obj = append(obj, ',')
		}
		obj = append(obj, f...)
	}
	it.json = append(obj, '}')
	for _, k := range keys {
		if k != "" {
			s.byKey[strings.ToLower(k)] = len(s.items)
		}
	}
	s.items = append(s.items, it)
}

// encode writes an item with only the selected properties (nil = all).
func (it *item) encode(dst []byte, sel []int) []byte {
	if sel == nil {
		return append(dst, it.json...)
	}
	dst = append(dst, '{')
	for i, p := range sel {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, it.fields[p]...)
	}
	return append(dst, '}')
}

var userProps = []string{"businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
	"officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"}

func newUserSet(users []User) *entitySet {
	s := newEntitySet("users", "user", "User", userPermissions, userProps)
	for _, u := range users {
		given, sur, _ := strings.Cut(u.DisplayName, " ")
		s.add([]string{u.ID, u.UserPrincipalName},
			[]string{}, u.DisplayName, nullable(given), nil, nullable(u.Mail), nil,
			nil, "en-US", nullable(sur), u.UserPrincipalName, u.ID)
	}
	return s
}

var groupProps = []string{"id", "deletedDateTime", "classification", "createdDateTime", "creationOptions",
	"description", "displayName", "expirationDateTime", "groupTypes", "isAssignableToRole", "mail",
	"mailEnabled", "mailNickname", "membershipRule", "onPremisesSyncEnabled", "renewedDateTime",
	"securityEnabled", "securityIdentifier", "visibility"}

func newGroupSet(groups []Group) *entitySet {
	s := newEntitySet("groups", "group", "Group", groupPermissions, groupProps)
	for _, g := range groups {
		created := g.CreatedDateTime.UTC().Format(time.RFC3339)
		var mail any
		if g.MailEnabled && g.MailNickname != "" {
			mail = g.MailNickname + "@emulator.invalid"
		}
		groupTypes := []string{}
		if g.MailEnabled && !g.SecurityEnabled {
			groupTypes = []string{"Unified"}
		}
		s.add([]string{g.ID},
			g.ID, nil, nil, created, []string{}, nullable(g.Description), g.DisplayName, nil,
			groupTypes, nil, mail, g.MailEnabled, g.MailNickname, nil, nil, created,
			g.SecurityEnabled, securityIdentifier(g.ID), nullable(visibility(g)))
	}
	return s
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
