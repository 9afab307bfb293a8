package arm

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Tags at scope: {scope}/providers/Microsoft.Resources/tags/default
// (https://learn.microsoft.com/rest/api/resources/tags): GET, PUT (replace),
// PATCH with operation Merge, Replace or Delete, DELETE. A resource group's
// tags are its own; a subscription's are kept in the tagStore.
func (s *server) serveTags(rc *requestContext, scope string) {
	action := map[string]string{http.MethodGet: "Microsoft.Resources/tags/read", http.MethodPut: "Microsoft.Resources/tags/write",
		http.MethodPatch: "Microsoft.Resources/tags/write", http.MethodDelete: "Microsoft.Resources/tags/delete"}[rc.r.Method]
	if action == "" {
		rc.fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested resource does not support http method '"+rc.r.Method+"'.")
		return
	}
	if !rc.authorize(action, scope) {
		return
	}
	var body struct {
		Operation  string `json:"operation"`
		Properties struct {
			Tags map[string]string `json:"tags"`
		} `json:"properties"`
	}
	if rc.r.Method == http.MethodPut || rc.r.Method == http.MethodPatch {
		if err := json.NewDecoder(rc.r.Body).Decode(&body); err != nil {
			rc.fail(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: '"+err.Error()+"'.")
			return
		}
	}
	get, set, ok := s.tagsAt(scope)
	if !ok {
		rc.fail(http.StatusNotFound, "ResourceGroupNotFound", "Resource group '"+lastSegment(scope)+"' could not be found.")
		return
	}
	tags := map[string]string{}
	for k, v := range get() {
		tags[k] = v
	}
	switch rc.r.Method {
	case http.MethodPut:
		tags = body.Properties.Tags
	case http.MethodPatch:
		switch strings.ToLower(body.Operation) {
		case "merge":
			for k, v := range body.Properties.Tags {
				tags[k] = v
			}
		case "replace":
			tags = body.Properties.Tags
		case "delete":
			for k := range body.Properties.Tags {
				delete(tags, k)
			}
		default:
			rc.fail(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Error converting value \""+body.Operation+"\" to type 'TagsPatchOperation'.'.")
			return
		}
	case http.MethodDelete:
		set(nil)
		rc.w.WriteHeader(http.StatusOK)
		return
	}
	if tags == nil {
		tags = map[string]string{}
	}
	if rc.r.Method != http.MethodGet {
		set(tags)
	}
	rc.writeJSON(http.StatusOK, map[string]any{
		"id":         scope + "/providers/Microsoft.Resources/tags/default",
		"name":       "default",
		"type":       "Microsoft.Resources/tags",
		"properties": map[string]any{"tags": tags},
	})
}

// tagsAt returns the getter and setter of a scope's tags; false for a
// resource group that does not exist.
func (s *server) tagsAt(scope string) (func() map[string]string, func(map[string]string), bool) {
	if i := indexFold(scope, "/resourcegroups/"); i >= 0 {
		sub, name := strings.TrimPrefix(scope[:i], "/subscriptions/"), scope[i+len("/resourcegroups/"):]
		g := &s.groups
		g.mu.Lock()
		rg := g.rgs[rgKey(sub, name)]
		g.mu.Unlock()
		if rg == nil {
			return nil, nil, false
		}
		return func() map[string]string {
				g.mu.Lock()
				defer g.mu.Unlock()
				return rg.Tags
			}, func(t map[string]string) {
				g.mu.Lock()
				defer g.mu.Unlock()
				rg.Tags = t
			}, true
	}
	key := strings.ToLower(scope)
	t := &s.tags
	return func() map[string]string {
			t.mu.Lock()
			defer t.mu.Unlock()
			return t.m[key]
		}, func(v map[string]string) {
			t.mu.Lock()
			defer t.mu.Unlock()
			t.m[key] = v
		}, true
}
