package databricks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// apiVersions are the versions each API area is served at; any other
// version is the gateway's "Bad Target" (Jobs 2.0 is still served,
// databricks/databricks-cli#409).
var apiVersions = map[string][]string{
	"2.0": nil, // every area
	"2.1": {"jobs", "clusters"},
	"2.2": {"jobs"},
}

// servedVersion reports whether /api/{version}/{area}/... exists.
func servedVersion(path string) bool {
	rest, ok := strings.CutPrefix(path, "/api/")
	if !ok {
		return true
	}
	version, rest, _ := strings.Cut(rest, "/")
	areas, ok := apiVersions[version]
	if !ok {
		return false
	}
	area, _, _ := strings.Cut(rest, "/")
	if areas == nil {
		return true
	}
	for _, a := range areas {
		if a == area {
			return true
		}
	}
	return false
}

// apiRest is the path without /api/{version}.
func apiRest(path string) string {
	if rest, ok := strings.CutPrefix(path, "/api/"); ok {
		if _, after, ok := strings.Cut(rest, "/"); ok {
			return "/" + after
		}
	}
	return path
}

// serveRunSubmit starts a one-time run (jobs/runs/submit,
// https://docs.databricks.com/api/workspace/jobs/submit): it is given a
// run id and ends at once, successfully.
func (s *server) serveRunSubmit(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RunName string            `json:"run_name"`
		Tasks   []json.RawMessage `json:"tasks"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
		writeAPIError(w, http.StatusBadRequest, "MALFORMED_REQUEST", "Invalid JSON given in the body of the request - failed to parse given JSON")
		return
	}
	if len(body.Tasks) == 0 {
		writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "One of job_cluster_key, new_cluster, or existing_cluster_id must be specified.")
		return
	}
	s.mu.Lock()
	s.runs = append(s.runs, body.RunName)
	id := int64(len(s.runs))
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"run_id": id})
}

// serveRunGet answers jobs/runs/get for a submitted run.
func (s *server) serveRunGet(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query().Get("run_id")
	id, err := strconv.ParseInt(v, 10, 64)
	s.mu.Lock()
	n := int64(len(s.runs))
	name := ""
	if err == nil && id >= 1 && id <= n {
		name = s.runs[id-1]
	}
	s.mu.Unlock()
	if err != nil || id < 1 || id > n {
		writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", fmt.Sprintf("Run %s does not exist.", v))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"run_id": id, "run_name": name, "creator_user_name": s.creator,
		"state": map[string]any{"life_cycle_state": "TERMINATED", "result_state": "SUCCESS", "state_message": ""}})
}

// SCIM lists (https://docs.databricks.com/api/workspace/users/list).
func scimList(resources []any) map[string]any {
	return map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:ListResponse"},
		"totalResults": len(resources), "startIndex": 1, "itemsPerPage": len(resources), "Resources": resources}
}

func (s *server) serveSCIMUsers(w http.ResponseWriter) {
	out := []any{}
	for i := range s.cfg.Users {
		out = append(out, s.scimMe(&caller{user: &s.cfg.Users[i]}))
	}
	writeJSON(w, http.StatusOK, scimList(out))
}

func (s *server) serveSCIMGroups(w http.ResponseWriter) {
	members := []any{}
	for _, u := range s.cfg.Users {
		members = append(members, map[string]string{"display": u.DisplayName, "value": u.ID, "$ref": "Users/" + u.ID})
	}
	writeJSON(w, http.StatusOK, scimList([]any{map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "id": "1", "displayName": "users", "members": members}}))
}

// serveSCIMCreate: a body that is not JSON gets SCIM's own error
// (MicrosoftDocs/azure-docs#85579); creating users is not served.
func (s *server) serveSCIMCreate(w http.ResponseWriter, r *http.Request) {
	var v map[string]any
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"},
			"scimType": "Invalid JSON provided in request body.", "detail": "Request is unparsable, syntactically incorrect, or violates schema.", "status": "400"})
		return
	}
	writeAPIError(w, http.StatusNotFound, "ENDPOINT_NOT_FOUND", "No API found for 'POST /preview/scim/v2/Users'")
}

func (s *server) scimMe(c *caller) map[string]any {
	if c.sp != nil {
		return map[string]any{
			"schemas":       []string{"urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"},
			"id":            c.sp.ID,
			"applicationId": c.sp.ApplicationID,
			"userName":      c.sp.ApplicationID,
			"displayName":   c.sp.DisplayName,
			"active":        true,
			"entitlements":  []map[string]string{{"value": "workspace-access"}, {"value": "databricks-sql-access"}},
			"groups":        []map[string]string{{"display": "users", "value": "1", "$ref": "Groups/1", "type": "direct"}},
		}
	}
	u := c.user
	given, family, _ := strings.Cut(u.DisplayName, " ")
	me := map[string]any{
		"schemas":      []string{"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:workspace:2.0:User"},
		"id":           u.ID,
		"userName":     u.UserName,
		"displayName":  u.DisplayName,
		"name":         map[string]string{"givenName": given, "familyName": family},
		"emails":       []map[string]any{{"value": u.UserName, "type": "work", "primary": true}},
		"groups":       []map[string]string{{"display": "users", "value": "1", "$ref": "Groups/1", "type": "direct"}},
		"entitlements": []map[string]string{{"value": "workspace-access"}, {"value": "databricks-sql-access"}},
		"roles":        []any{},
		"active":       true,
	}
	if u.EntraObjectID != "" {
		me["externalId"] = u.EntraObjectID
	}
	return me
}
