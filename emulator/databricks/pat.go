package databricks

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

func newPATValue() string { return patPrefix + randomHex(16) }

func patInfo(p *PAT) map[string]any {
	exp := int64(-1)
	if !p.Expiry.IsZero() {
		exp = p.Expiry.UnixMilli()
	}
	return map[string]any{"token_id": p.ID, "creation_time": p.Created.UnixMilli(), "expiry_time": exp,
		"comment": p.Comment, "created_by_username": p.Owner}
}

// serveTokens is /api/2.0/token/{create,list,delete}: a caller manages its own tokens.
func (s *server) serveTokens(w http.ResponseWriter, r *http.Request, c *caller, op string) {
	wantMethod := map[string]string{"create": http.MethodPost, "list": http.MethodGet, "delete": http.MethodPost}[op]
	if wantMethod == "" || r.Method != wantMethod {
		writeAPIError(w, http.StatusNotFound, "ENDPOINT_NOT_FOUND", "No API found for '"+r.Method+" "+r.URL.Path+"'")
		return
	}
	owner := c.principal()
	switch op {
	case "list":
		infos := []map[string]any{}
		s.mu.Lock()
		for i := range s.pats {
			if strings.EqualFold(s.pats[i].Owner, owner) {
				infos = append(infos, patInfo(&s.pats[i]))
			}
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"token_infos": infos})
		return
	}
	var in struct {
		LifetimeSeconds *int64 `json:"lifetime_seconds"`
		Comment         string `json:"comment"`
		TokenID         string `json:"token_id"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil {
		writeAPIError(w, http.StatusBadRequest, "MALFORMED_REQUEST", "Invalid JSON given in the body of the request - failed to parse given JSON")
		return
	}
	if op == "delete" {
		if in.TokenID == "" {
			writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Missing required field: token_id")
			return
		}
		s.mu.Lock()
		found := false
		for i := range s.pats {
			if s.pats[i].ID == in.TokenID && strings.EqualFold(s.pats[i].Owner, owner) {
				s.pats = append(s.pats[:i], s.pats[i+1:]...)
				found = true
				break
			}
		}
		s.mu.Unlock()
		if !found {
			writeAPIError(w, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Token with ID "+in.TokenID+" does not exist.")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{})
		return
	}
	now := s.cfg.Now()
	p := PAT{ID: randomHex(32), Value: newPATValue(), Owner: owner, Comment: in.Comment, Created: now}
	if in.LifetimeSeconds != nil && *in.LifetimeSeconds > 0 {
		p.Expiry = now.Add(time.Duration(*in.LifetimeSeconds) * time.Second)
	} else if in.LifetimeSeconds != nil && *in.LifetimeSeconds < 0 && *in.LifetimeSeconds != -1 {
		writeAPIError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "lifetime_seconds must be a positive number or -1")
		return
	}
	s.mu.Lock()
	s.pats = append(s.pats, p)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"token_value": p.Value, "token_info": patInfo(&p)})
}
