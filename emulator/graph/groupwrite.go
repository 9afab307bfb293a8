package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// Group writes as Graph answers them (https://learn.microsoft.com/graph/api/group-post-groups,
// group-update, group-delete): the directory changes in memory, and every
// read after the write sees it.

const maxWriteBody = 1 << 20

// readObject reads a JSON object body; a body that is not one is Graph's
// 400 (the text msgraph-sdk-go#203 quotes).
func (rc *requestContext) readObject() (map[string]json.RawMessage, bool) {
	data, err := io.ReadAll(http.MaxBytesReader(rc.w, rc.r.Body, maxWriteBody))
	var obj map[string]json.RawMessage
	if err == nil {
		err = json.Unmarshal(data, &obj)
	}
	if err != nil || obj == nil {
		rc.badPayload()
		return nil, false
	}
	return obj, true
}

// decodeField reads one property's value into dst (a *string or *bool);
// a value of another type is the OData reader's 400.
func (rc *requestContext) decodeField(raw json.RawMessage, dst any) bool {
	if json.Unmarshal(raw, dst) == nil {
		return true
	}
	edm := "Edm.String"
	if _, isBool := dst.(*bool); isBool {
		edm = "Edm.Boolean"
	}
	rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Cannot convert the literal '%s' to the expected type '%s'.", strings.Trim(string(raw), `"`), edm))
	return false
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// invalidGroupValue is Graph's 400 for a value the directory refuses.
func (rc *requestContext) invalidGroupValue(name string) {
	rc.fail(http.StatusBadRequest, "Request_BadRequest", "Invalid value specified for property '"+name+"' of resource 'Group'.")
}

// validMailNickname follows the limits Create group documents: at most 64
// ASCII characters, none of @ ( ) \ [ ] " ; : < > , or space.
func validMailNickname(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c < 0x20 || strings.IndexByte(`@()\[]";:<>, `, c) >= 0 {
			return false
		}
	}
	return true
}

// applyGroupBody sets the writable properties a body gives; on create the
// four Create group requires must be there.
func (rc *requestContext) applyGroupBody(g *Group, body map[string]json.RawMessage, create bool) bool {
	if create {
		// The first missing one is named.
		for _, name := range []string{"displayName", "mailEnabled", "mailNickname", "securityEnabled"} {
			if _, found := body[name]; !found {
				rc.fail(http.StatusBadRequest, "Request_BadRequest", "A value is required for property '"+name+"' of resource 'Group'.")
				return false
			}
		}
	}
	fields := []struct {
		name string
		dst  any
	}{{"displayName", &g.DisplayName}, {"mailEnabled", &g.MailEnabled}, {"mailNickname", &g.MailNickname},
		{"securityEnabled", &g.SecurityEnabled}, {"description", &g.Description}}
	for _, f := range fields {
		raw, found := body[f.name]
		switch {
		case !found:
			continue
		case isNull(raw) && f.name == "description":
			g.Description = "" // null clears it
			continue
		case isNull(raw):
			rc.invalidGroupValue(f.name)
			return false
		}
		if !rc.decodeField(raw, f.dst) {
			return false
		}
		// An empty description is refused too: null is how it is cleared.
		bad := (f.name == "mailNickname" && !validMailNickname(g.MailNickname)) ||
			(f.name == "displayName" && strings.TrimSpace(g.DisplayName) == "") ||
			(f.name == "description" && g.Description == "")
		if bad {
			rc.invalidGroupValue(f.name)
			return false
		}
	}
	return true
}

// referencedID is the object id at the end of an @odata.id or @odata.bind
// URL (".../directoryObjects/{id}", ".../users/{id}").
func referencedID(raw json.RawMessage) (string, bool) {
	var u string
	if json.Unmarshal(raw, &u) != nil || u == "" {
		return "", false
	}
	u = strings.TrimSuffix(u, "/")
	i := strings.LastIndexByte(u, '/')
	if i < 0 || i == len(u)-1 {
		return "", false
	}
	return u[i+1:], true
}

// invalidReference is what Graph answers a bare id where a URL belongs
// (msgraph-sdk-dotnet#1846).
func (rc *requestContext) invalidReference() {
	rc.fail(http.StatusBadRequest, "BadRequest", "Invalid URL format specified in payload.")
}

// member is the id of the user or group id names, as the directory spells
// it; false when it names none.
func (d *directory) member(id string) (string, bool) {
	for _, set := range []*entitySet{d.users, d.groups.Load()} {
		if i, ok := set.lookup(id); ok {
			v, _ := set.at(i).values[set.index["id"]].(string)
			return v, true
		}
	}
	return "", false
}

// badPayload is Graph's 400 for a body (or a part of it) that is not the
// JSON it expects.
func (rc *requestContext) badPayload() {
	rc.fail(http.StatusBadRequest, "BadRequest",
		"Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
}

// bindList reads a "members@odata.bind" array: the ids it references, which must exist.
func (rc *requestContext) bindList(d *directory, body map[string]json.RawMessage, name string) ([]string, bool) {
	raw, found := body[name]
	if !found {
		return nil, true
	}
	var urls []json.RawMessage
	if json.Unmarshal(raw, &urls) != nil {
		rc.badPayload()
		return nil, false
	}
	var ids []string
	for _, u := range urls {
		id, ok := referencedID(u)
		if !ok {
			rc.invalidReference()
			return nil, false
		}
		canonical, exists := d.member(id)
		if !exists {
			rc.notFound(id)
			return nil, false
		}
		if !slices.Contains(ids, canonical) {
			ids = append(ids, canonical)
		}
	}
	return ids, true
}

// The writes below run with the directory's mu held.

// createGroup is POST /groups: 201 with the new group and its Location.
func (s *server) createGroup(rc *requestContext, d *directory, body map[string]json.RawMessage, version string) {
	g := Group{ID: wire.RandomGUID(), CreatedDateTime: s.cfg.Now().UTC()}
	if !rc.applyGroupBody(&g, body, true) {
		return
	}
	members, ok := rc.bindList(d, body, "members@odata.bind")
	if ok {
		_, ok = rc.bindList(d, body, "owners@odata.bind")
	}
	if !ok {
		return
	}
	d.listed = append(d.listed, g)
	if len(members) > 0 {
		d.members[strings.ToLower(g.ID)] = members
	}
	set := d.publish()

	i, _ := set.lookup(g.ID)
	buf := append([]byte(`{"@odata.context":"`), rc.contextURL(version, set, nil)...)
	buf = append(buf, `/$entity",`...)
	buf = append(buf, set.encode(nil, set.at(i), nil)[1:]...)
	rc.w.Header().Set("Location", rc.baseURL()+"/"+version+"/groups/"+g.ID)
	rc.writeStatus(http.StatusCreated, jsonContentType, buf)
}

// publish builds the group set from listed and the generated groups'
// changes, and swaps it in.
func (d *directory) publish() *entitySet {
	set := newGroupSet(d.listed, d.gen.count, d.gen.at, d.gen.index)
	if len(d.genChanged) > 0 {
		set.changed = make(map[int][]any, len(d.genChanged))
		for j, g := range d.genChanged {
			set.changed[j] = groupValues(g)
		}
	}
	set.gone = slices.Clone(d.genGone)
	d.groups.Store(set)
	return set
}

// groupRef is the group a PATCH or DELETE names: listed (listed ≥ 0) or
// generated (its generated index).
type groupRef struct{ listed, generated int }

// writableGroup finds the group a PATCH or DELETE names; 404 when there is none.
func (rc *requestContext) writableGroup(d *directory, id string) (groupRef, bool) {
	for i, g := range d.listed {
		if strings.EqualFold(g.ID, id) {
			return groupRef{listed: i}, true
		}
	}
	if j, ok := d.groups.Load().generatedLookup(id); ok {
		return groupRef{listed: -1, generated: j}, true
	}
	rc.notFound(id)
	return groupRef{}, false
}

// group is the current state of the group ref names.
func (d *directory) group(ref groupRef) Group {
	if ref.listed >= 0 {
		return d.listed[ref.listed]
	}
	if g, ok := d.genChanged[ref.generated]; ok {
		return g
	}
	return d.gen.at(ref.generated)
}

// updateGroup is PATCH /groups/{id}: 204.
func updateGroup(rc *requestContext, d *directory, body map[string]json.RawMessage, id string) {
	ref, ok := rc.writableGroup(d, id)
	if !ok {
		return
	}
	g := d.group(ref)
	if !rc.applyGroupBody(&g, body, false) {
		return
	}
	// members@odata.bind adds members, up to 20 at once (group-post-members).
	added, ok := rc.bindList(d, body, "members@odata.bind")
	if !ok {
		return
	}
	key := strings.ToLower(g.ID)
	if slices.ContainsFunc(added, func(id string) bool { return d.isMember(key, id) }) {
		rc.alreadyMember()
		return
	}
	if len(added) > 0 {
		d.members[key] = append(d.members[key], added...)
	}
	if ref.listed >= 0 {
		d.listed[ref.listed] = g
	} else {
		if d.genChanged == nil {
			d.genChanged = map[int]Group{}
		}
		d.genChanged[ref.generated] = g
	}
	d.publish()
	rc.writeStatus(http.StatusNoContent, "", nil)
}

// deleteGroup is DELETE /groups/{id}: 204; the group leaves every membership too.
func deleteGroup(rc *requestContext, d *directory, id string) {
	ref, ok := rc.writableGroup(d, id)
	if !ok {
		return
	}
	gid := d.group(ref).ID
	if ref.listed >= 0 {
		d.listed = slices.Delete(d.listed, ref.listed, ref.listed+1)
	} else {
		delete(d.genChanged, ref.generated)
		at, _ := slices.BinarySearch(d.genGone, ref.generated)
		d.genGone = slices.Insert(d.genGone, at, ref.generated)
	}
	delete(d.members, strings.ToLower(gid))
	for k, ms := range d.members {
		d.members[k] = slices.DeleteFunc(ms, func(m string) bool { return strings.EqualFold(m, gid) })
	}
	d.publish()
	rc.writeStatus(http.StatusNoContent, "", nil)
}
