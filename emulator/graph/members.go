package graph

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Group membership (https://learn.microsoft.com/graph/api/group-post-members,
// group-delete-members, group-list-members, user-list-memberof): a group's
// members are users and groups of its directory, kept by lower-case group id.

// memberGroup finds the group a membership call names; 404 when there is none.
func (rc *requestContext) memberGroup(d *directory, id string) (string, bool) {
	set := d.groups.Load()
	i, ok := set.lookup(id)
	if !ok {
		rc.notFound(id)
		return "", false
	}
	return strings.ToLower(set.at(i).values[set.index["id"]].(string)), true
}

// addMember is POST /groups/{id}/members/$ref with {"@odata.id": ".../directoryObjects/{id}"}: 204.
// It and removeMember run with the directory's mu held.
func addMember(rc *requestContext, d *directory, body map[string]json.RawMessage, groupID string) {
	key, ok := rc.memberGroup(d, groupID)
	if !ok {
		return
	}
	raw, found := body["@odata.id"]
	id, ok := referencedID(raw)
	if !found || !ok {
		rc.invalidReference()
		return
	}
	canonical, exists := d.member(id)
	if !exists {
		rc.notFound(id)
		return
	}
	id = canonical
	if d.isMember(key, id) {
		rc.alreadyMember()
		return
	}
	d.members[key] = append(d.members[key], id)
	rc.writeStatus(http.StatusNoContent, "", nil)
}

// isMember says whether id is a member of the group of lower-case id key.
func (d *directory) isMember(key, id string) bool {
	return slices.ContainsFunc(d.members[key], func(m string) bool { return strings.EqualFold(m, id) })
}

// alreadyMember is Learn's 400 when the object is already a member, with
// the text scripts match on.
func (rc *requestContext) alreadyMember() {
	rc.fail(http.StatusBadRequest, "Request_BadRequest",
		"One or more added object references already exist for the following modified properties: 'members'.")
}

// removeMember is DELETE /groups/{id}/members/{memberId}/$ref: 204.
func removeMember(rc *requestContext, d *directory, groupID, memberID string) {
	key, ok := rc.memberGroup(d, groupID)
	if !ok {
		return
	}
	if _, exists := d.member(memberID); !exists {
		rc.notFound(memberID)
		return
	}
	n := len(d.members[key])
	d.members[key] = slices.DeleteFunc(d.members[key], func(m string) bool { return strings.EqualFold(m, memberID) })
	if len(d.members[key]) == n {
		rc.fail(http.StatusBadRequest, "Request_BadRequest",
			"One or more removed object references do not exist for the following modified properties: 'members'.")
		return
	}
	rc.writeStatus(http.StatusNoContent, "", nil)
}

// serveMembers is GET /groups/{id}/members: the users and groups, each with its @odata.type.
func serveMembers(rc *requestContext, d *directory, version, groupID string) {
	d.mu.RLock()
	key, ok := rc.memberGroup(d, groupID)
	ids := slices.Clone(d.members[key])
	groups := d.groups.Load() // under the lock: the set and members agree
	d.mu.RUnlock()
	if !ok {
		return
	}
	users := d.users
	var objs [][]byte
	for _, id := range ids {
		if i, ok := users.lookup(id); ok {
			objs = append(objs, typedEntity(users, users.at(i)))
		} else if i, ok := groups.lookup(id); ok {
			objs = append(objs, typedEntity(groups, groups.at(i)))
		}
	}
	rc.writeDirectoryObjects(version, objs)
}

// serveMemberOf is GET /me/memberOf: the groups the user is a direct
// member of, in the directory's order (/users/{id}/memberOf too).
func (s *server) serveMemberOf(rc *requestContext, p *principal, version, oid string) {
	d := p.dir
	var at []int
	d.mu.RLock()
	groups := d.groups.Load() // under the lock: the set and members agree
	for key := range d.members {
		if d.isMember(key, oid) {
			if i, ok := groups.lookup(key); ok {
				at = append(at, i)
			}
		}
	}
	d.mu.RUnlock()
	slices.Sort(at)
	objs := make([][]byte, len(at))
	for n, i := range at {
		objs[n] = typedEntity(groups, groups.at(i))
	}
	rc.writeDirectoryObjects(version, objs)
}

// serveUserMemberOf is GET /users/{id or UPN}/memberOf.
func (s *server) serveUserMemberOf(rc *requestContext, p *principal, version, key string) {
	users := p.dir.users
	i, ok := users.lookup(key)
	if !ok {
		rc.notFound(key)
		return
	}
	s.serveMemberOf(rc, p, version, users.at(i).values[users.index["id"]].(string))
}

// typedEntity encodes an item with its "@odata.type" first, as Graph does
// in collections of directory objects.
func typedEntity(set *entitySet, it item) []byte {
	buf := append([]byte(`{"@odata.type":"#microsoft.graph.`), set.typeName...)
	buf = append(buf, `",`...)
	return append(buf, set.encode(nil, it, nil)[1:]...)
}

func (rc *requestContext) writeDirectoryObjects(version string, objs [][]byte) {
	buf := append([]byte(`{"@odata.context":"`), rc.baseURL()+"/"+version+`/$metadata#directoryObjects","value":[`...)
	for i, o := range objs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, o...)
	}
	buf = append(buf, "]}"...)
	rc.writeBody(jsonContentType, buf)
}
