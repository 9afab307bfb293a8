package databricks

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

type cluster = map[string]any
type job = map[string]any

// serveAPI is the REST surface: token first, then the route.
func (s *server) serveAPI(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	notFound := func() {
		writeAPIError(w, http.StatusNotFound, "ENDPOINT_NOT_FOUND", "No API found for '"+r.Method+" "+r.URL.Path+"'")
	}
	if op, ok := strings.CutPrefix(r.URL.Path, "/api/2.0/token/"); ok {
		s.serveTokens(w, r, c, op)
		return
	}
	if r.Method != http.MethodGet {
		notFound()
		return
	}
	area := map[string]string{
		"/api/2.0/preview/scim/v2/Me": "iam",
		"/api/2.0/clusters/list":      "clusters",
		"/api/2.1/clusters/list":      "clusters",
		"/api/2.0/clusters/get":       "clusters",
		"/api/2.1/clusters/get":       "clusters",
		"/api/2.1/jobs/list":          "jobs",
		"/api/2.2/jobs/list":          "jobs",
	}[r.URL.Path]
	if area == "" {
		notFound()
		return
	}
	if !c.canUse(area) && !(area == "iam" && c.canUse("iam:read")) {
		writeAPIError(w, http.StatusForbidden, "PERMISSION_DENIED", "Provided OAuth token does not have required scopes: "+area)
		return
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/Me"):
		writeJSON(w, http.StatusOK, s.scimMe(c))
	case r.URL.Path == "/api/2.0/clusters/list":
		if len(s.clusters) == 0 {
			writeJSON(w, http.StatusOK, map[string]any{})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"clusters": s.clusters})
	case strings.HasSuffix(r.URL.Path, "/clusters/list"):
		s.servePage(w, r, "clusters", s.clusters, "page_size", 100, 100, false)
	case strings.HasSuffix(r.URL.Path, "/clusters/get"):
		s.serveClusterGet(w, r)
	default:
		s.servePage(w, r, "jobs", s.jobs, "limit", 20, 100, true)
	}
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

func (s *server) serveClusterGet(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("cluster_id")
	for _, c := range s.clusters {
		if c["cluster_id"] == id {
			writeJSON(w, http.StatusOK, c)
			return
		}
	}
	if id == "" {
		writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Missing required field: cluster_id")
		return
	}
	writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Cluster "+id+" does not exist")
}

// servePage answers a page_token paged list: {<field>:[...],"next_page_token","prev_page_token"}
// (plus has_more for jobs). Empty lists leave the field out, as Databricks does.
func (s *server) servePage(w http.ResponseWriter, r *http.Request, field string, all []map[string]any, sizeParam string, def, limit int, hasMore bool) {
	q := r.URL.Query()
	size := def
	if v := q.Get(sizeParam); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > limit {
			writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE",
				fmt.Sprintf("Invalid value for %s: %s. It must be between 1 and %d.", sizeParam, v, limit))
			return
		}
		if n > 0 {
			size = n
		}
	}
	if name := q.Get("name"); name != "" && field == "jobs" {
		var filtered []map[string]any
		for _, j := range all {
			if strings.EqualFold(j["settings"].(map[string]any)["name"].(string), name) {
				filtered = append(filtered, j)
			}
		}
		all = filtered
	}
	start := 0
	if tok := q.Get("page_token"); tok != "" {
		n, ok := decodePageToken(field, tok)
		if !ok {
			writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid page_token: "+tok)
			return
		}
		start = n
	} else if off := q.Get("offset"); off != "" && field == "jobs" {
		n, err := strconv.Atoi(off)
		if err != nil || n < 0 {
			writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid offset: "+off)
			return
		}
		start = n
	}
	start = min(start, len(all))
	end := min(start+size, len(all))
	body := map[string]any{}
	if end > start {
		body[field] = all[start:end]
	}
	if end < len(all) {
		body["next_page_token"] = encodePageToken(field, end)
	}
	if start > 0 {
		body["prev_page_token"] = encodePageToken(field, max(0, start-size))
	}
	if hasMore {
		body["has_more"] = end < len(all)
	}
	writeJSON(w, http.StatusOK, body)
}

func encodePageToken(field string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(field + ":" + strconv.Itoa(offset)))
}

func decodePageToken(field, tok string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	num, ok := strings.CutPrefix(string(b), field+":")
	n, err := strconv.Atoi(num)
	return n, ok && err == nil && n >= 0
}

// makeClusters builds cfg.Clusters clusters; every third one is running.
func makeClusters(cfg Config) []cluster {
	creator := firstUserName(cfg)
	start := cfg.Now().Add(-72 * time.Hour).UnixMilli()
	out := make([]cluster, cfg.Clusters)
	for i := range out {
		state, msg := "TERMINATED", "Inactive cluster terminated (inactive for 120 minutes)."
		if i%3 == 0 {
			state, msg = "RUNNING", ""
		}
		out[i] = cluster{
			"cluster_id":              fmt.Sprintf("0901-%06d-emu%05d", 120000+i, i),
			"cluster_name":            fmt.Sprintf("%s-cluster-%02d", []string{"shared", "etl", "ml"}[i%3], i),
			"spark_version":           "15.4.x-scala2.12",
			"node_type_id":            "Standard_DS3_v2",
			"driver_node_type_id":     "Standard_DS3_v2",
			"num_workers":             2 + i%4,
			"autotermination_minutes": 120,
			"creator_user_name":       creator,
			"cluster_source":          "UI",
			"state":                   state,
			"state_message":           msg,
			"start_time":              start + int64(i)*60_000,
			"data_security_mode":      "USER_ISOLATION",
			"runtime_engine":          "PHOTON",
		}
	}
	return out
}

// makeJobs builds cfg.Jobs jobs with ids from 1001, newest first like the API.
func makeJobs(cfg Config) []job {
	creator := firstUserName(cfg)
	created := cfg.Now().Add(-30 * 24 * time.Hour).UnixMilli()
	out := make([]job, cfg.Jobs)
	for i := range out {
		n := cfg.Jobs - i
		out[i] = job{
			"job_id":            int64(1000 + n),
			"creator_user_name": creator,
			"created_time":      created + int64(n)*3_600_000,
			"settings": map[string]any{
				"name":                fmt.Sprintf("job-%04d", n),
				"email_notifications": map[string]any{},
				"timeout_seconds":     0,
				"max_concurrent_runs": 1,
				"format":              "MULTI_TASK",
			},
		}
	}
	return out
}

func firstUserName(cfg Config) string {
	if len(cfg.Users) > 0 {
		return cfg.Users[0].UserName
	}
	return ""
}
