package databricks

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
		// The message names the path without /api/{version}
		// (polar-rams/databricks-sdk-golang#7).
		writeAPIError(w, http.StatusNotFound, "ENDPOINT_NOT_FOUND", "No API found for '"+r.Method+" "+apiRest(r.URL.Path)+"'")
	}
	if op, ok := strings.CutPrefix(r.URL.Path, "/api/2.0/token/"); ok {
		s.serveTokens(w, r, c, op)
		return
	}
	if !servedVersion(r.URL.Path) {
		// An API version the service does not have is refused by the
		// gateway, without Databricks' envelope (apache/airflow#60444).
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Bad Target: " + r.URL.Path})
		return
	}
	if r.Method == http.MethodPost {
		switch {
		case strings.HasSuffix(r.URL.Path, "/jobs/runs/submit") && c.canUse("jobs"):
			s.serveRunSubmit(w, r)
		case r.URL.Path == "/api/2.0/preview/scim/v2/Users" && c.canUse("iam"):
			s.serveSCIMCreate(w, r)
		default:
			notFound()
		}
		return
	}
	if r.Method != http.MethodGet {
		notFound()
		return
	}
	area := map[string]string{
		"/api/2.0/preview/scim/v2/Me":     "iam",
		"/api/2.0/preview/scim/v2/Users":  "iam",
		"/api/2.0/preview/scim/v2/Groups": "iam",
		"/api/2.0/clusters/list":          "clusters",
		"/api/2.1/clusters/list":          "clusters",
		"/api/2.0/clusters/get":           "clusters",
		"/api/2.1/clusters/get":           "clusters",
		"/api/2.0/jobs/list":              "jobs",
		"/api/2.1/jobs/list":              "jobs",
		"/api/2.2/jobs/list":              "jobs",
		"/api/2.0/jobs/get":               "jobs",
		"/api/2.1/jobs/get":               "jobs",
		"/api/2.2/jobs/get":               "jobs",
		"/api/2.0/jobs/runs/get":          "jobs",
		"/api/2.1/jobs/runs/get":          "jobs",
		"/api/2.2/jobs/runs/get":          "jobs",
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
	case strings.HasSuffix(r.URL.Path, "/Users"):
		s.serveSCIMUsers(w)
	case strings.HasSuffix(r.URL.Path, "/Groups"):
		s.serveSCIMGroups(w)
	case strings.HasSuffix(r.URL.Path, "/runs/get"):
		s.serveRunGet(w, r)
	case r.URL.Path == "/api/2.0/clusters/list":
		s.serveAllClusters(w)
	case strings.HasSuffix(r.URL.Path, "/clusters/list"):
		s.servePage(w, r, "clusters", s.cfg.Clusters, s.cluster, "page_size", 100, 100, false)
	case strings.HasSuffix(r.URL.Path, "/clusters/get"):
		s.serveClusterGet(w, r)
	case strings.HasSuffix(r.URL.Path, "/jobs/get"):
		s.serveJobGet(w, r)
	default:
		s.servePage(w, r, "jobs", s.cfg.Jobs, s.job, "limit", 20, 100, true)
	}
}

func (s *server) serveClusterGet(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("cluster_id")
	if i, ok := s.clusterIndex(id); ok {
		writeJSON(w, http.StatusOK, s.cluster(i))
		return
	}
	if id == "" {
		writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Missing required field: cluster_id")
		return
	}
	writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Cluster "+id+" does not exist")
}

// serveAllClusters is 2.0's unpaged clusters/list, written item by item
// (the same bytes as marshalling the whole list, without holding it).
func (s *server) serveAllClusters(w http.ResponseWriter) {
	if s.cfg.Clusters == 0 {
		writeJSON(w, http.StatusOK, map[string]any{})
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Server", "databricks")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriter(w)
	_, _ = bw.WriteString(`{"clusters":[`)
	for i := range s.cfg.Clusters {
		if i > 0 {
			_ = bw.WriteByte(',')
		}
		b, _ := json.Marshal(s.cluster(i))
		_, _ = bw.Write(b)
	}
	_, _ = bw.WriteString(`]}`)
	_ = bw.Flush()
}

// serveJobGet answers jobs/get?job_id=N as Databricks does (400 for an unknown job).
func (s *server) serveJobGet(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query().Get("job_id")
	if v == "" {
		writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Missing required field: job_id")
		return
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid job_id: "+v)
		return
	}
	i, ok := s.jobIndex(id)
	if !ok {
		writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", fmt.Sprintf("Job %d does not exist.", id))
		return
	}
	writeJSON(w, http.StatusOK, s.job(i))
}

// servePage answers a page_token paged list of n items built by at:
// {<field>:[...],"next_page_token","prev_page_token"} (plus has_more for
// jobs). Empty lists leave the field out, as Databricks does.
func (s *server) servePage(w http.ResponseWriter, r *http.Request, field string, n int, at func(int) map[string]any, sizeParam string, def, limit int, hasMore bool) {
	q := r.URL.Query()
	size := def
	if v := q.Get(sizeParam); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 0 || k > limit {
			writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE",
				fmt.Sprintf("Invalid value for %s: %s. It must be between 1 and %d.", sizeParam, v, limit))
			return
		}
		if k > 0 {
			size = k
		}
	}
	if name := q.Get("name"); name != "" && field == "jobs" {
		// Job names are unique and carry their index: 0 or 1 matches.
		n = 0
		if i, ok := s.jobIndexByName(name); ok {
			n, at = 1, func(int) map[string]any { return s.job(i) }
		}
	}
	start := 0
	if tok := q.Get("page_token"); tok != "" {
		k, ok := decodePageToken(field, tok)
		if !ok {
			writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid page_token: "+tok)
			return
		}
		start = k
	} else if off := q.Get("offset"); off != "" && field == "jobs" {
		k, err := strconv.Atoi(off)
		if err != nil || k < 0 {
			writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid offset: "+off)
			return
		}
		start = k
	}
	start = min(start, n)
	end := min(start+size, n)
	body := map[string]any{}
	if end > start {
		page := make([]map[string]any, 0, end-start)
		for i := start; i < end; i++ {
			page = append(page, at(i))
		}
		body[field] = page
	}
	if end < n {
		body["next_page_token"] = encodePageToken(field, end)
	}
	if start > 0 {
		body["prev_page_token"] = encodePageToken(field, max(0, start-size))
	}
	if hasMore {
		body["has_more"] = end < n
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

// cluster is cluster i (0 ≤ i < Clusters); every third one is running.
func (s *server) cluster(i int) cluster {
	state, msg := "TERMINATED", "Inactive cluster terminated (inactive for 120 minutes)."
	if i%3 == 0 {
		state, msg = "RUNNING", ""
	}
	return cluster{
		"cluster_id":              clusterID(i),
		"cluster_name":            fmt.Sprintf("%s-cluster-%02d", []string{"shared", "etl", "ml"}[i%3], i),
		"spark_version":           "15.4.x-scala2.12",
		"node_type_id":            "Standard_DS3_v2",
		"driver_node_type_id":     "Standard_DS3_v2",
		"num_workers":             2 + i%4,
		"autotermination_minutes": 120,
		"creator_user_name":       s.creator,
		"cluster_source":          "UI",
		"state":                   state,
		"state_message":           msg,
		"start_time":              s.clusterStart + int64(i)*60_000,
		"data_security_mode":      "USER_ISOLATION",
		"runtime_engine":          "PHOTON",
	}
}

func clusterID(i int) string { return fmt.Sprintf("0901-%06d-emu%05d", 120000+i, i) }

// clusterIndex finds a cluster by id: the index is its suffix.
func (s *server) clusterIndex(id string) (int, bool) {
	_, num, ok := strings.Cut(id, "-emu")
	i, err := strconv.Atoi(num)
	if !ok || err != nil || i < 0 || i >= s.cfg.Clusters || clusterID(i) != id {
		return 0, false
	}
	return i, true
}

// job is the job listed at position i (0 ≤ i < Jobs): ids from 1001,
// newest first like the API, so position i is job number Jobs-i.
func (s *server) job(i int) job {
	n := s.cfg.Jobs - i
	return job{
		"job_id":            int64(1000 + n),
		"creator_user_name": s.creator,
		"created_time":      s.jobsCreated + int64(n)*3_600_000,
		"settings": map[string]any{
			"name":                jobName(n),
			"email_notifications": map[string]any{},
			"timeout_seconds":     0,
			"max_concurrent_runs": 1,
			"format":              "MULTI_TASK",
		},
	}
}

func jobName(n int) string { return fmt.Sprintf("job-%04d", n) }

// jobIndex is the list position of a job id.
func (s *server) jobIndex(id int64) (int, bool) {
	n := id - 1000
	if n < 1 || n > int64(s.cfg.Jobs) {
		return 0, false
	}
	return s.cfg.Jobs - int(n), true
}

// jobIndexByName is the list position of the job named name (any case).
func (s *server) jobIndexByName(name string) (int, bool) {
	num, ok := strings.CutPrefix(strings.ToLower(name), "job-")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 || jobName(n) != strings.ToLower(name) {
		return 0, false
	}
	return s.jobIndex(int64(1000 + n))
}

func firstUserName(cfg Config) string {
	if len(cfg.Users) > 0 {
		return cfg.Users[0].UserName
	}
	return ""
}
