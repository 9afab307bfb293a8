package graph

import (
	"net/http"
	"strconv"
	"strings"
)

// serveCollection writes one page of a collection.
func (s *server) serveCollection(rc *requestContext, set *entitySet, version string) {
	q, ok := rc.parseQuery(set, true)
	if !ok {
		return
	}
	filtered := q.filter != nil || q.search != nil
	var matches []int
	if filtered {
		matches = make([]int, 0, 64)
		for i := range set.len() {
			if q.match(set.at(i)) {
				matches = append(matches, i)
			}
		}
	}
	total := set.len()
	if filtered {
		total = len(matches)
	}
	// order maps a position in the answer to an item index.
	order := matches
	switch {
	case q.order != nil && filtered:
		sortItems(set, matches, q.order)
	case q.order != nil:
		order = set.orders.of(set, q.order)
	}
	start := min(q.offset, total)
	end := min(start+q.top, total)

	buf := make([]byte, 0, 256+(end-start)*pageItemEstimate(set, q))
	buf = append(buf, `{"@odata.context":"`...)
	buf = append(buf, rc.contextURL(version, set, q.selected)...)
	buf = append(buf, '"')
	if q.count && q.offset == 0 {
		buf = append(buf, `,"@odata.count":`...)
		buf = strconv.AppendInt(buf, int64(total), 10)
	}
	if end < total {
		buf = append(buf, `,"@odata.nextLink":`...)
		buf = appendJSONString(buf, rc.nextLink(set.name, end))
	}
	buf = append(buf, `,"value":[`...)
	for i := start; i < end; i++ {
		if i > start {
			buf = append(buf, ',')
		}
		idx := i
		if order != nil {
			idx = order[i]
		}
		buf = set.encode(buf, set.at(idx), q.selected)
	}
	buf = append(buf, "]}"...)
	rc.writeBody(jsonContentType, buf)
}

func pageItemEstimate(set *entitySet, q *query) int {
	if set.len() == 0 {
		return 0
	}
	n := len(set.encode(nil, set.at(0), nil)) + 16
	if q.selected != nil {
		n = n*len(q.selected)/len(set.props) + 8
	}
	return n
}

// serveCount answers /groups/$count: text, and only with ConsistencyLevel: eventual.
func (s *server) serveCount(rc *requestContext, set *entitySet) {
	if !strings.EqualFold(rc.r.Header.Get("ConsistencyLevel"), "eventual") {
		rc.fail(http.StatusBadRequest, "Request_BadRequest", "$count is not currently supported.")
		return
	}
	q, ok := rc.parseQuery(set, false)
	if !ok {
		return
	}
	q.count = true // $count on the path is an advanced query on its own
	n := set.len()
	if q.filter != nil || q.search != nil {
		n = 0
		for i := range set.len() {
			if q.match(set.at(i)) {
				n++
			}
		}
	}
	rc.writeBody("text/plain;charset=utf-8", strconv.AppendInt(nil, int64(n), 10))
}

// serveEntity writes one user or group found by id (or UPN for users).
func (s *server) serveEntity(rc *requestContext, set *entitySet, version, key string) {
	i, ok := set.lookup(key)
	if !ok {
		rc.notFound(key)
		return
	}
	q, ok := rc.parseQuery(set, false)
	if !ok {
		return
	}
	it := set.at(i)
	buf := append([]byte(`{"@odata.context":"`), rc.contextURL(version, set, q.selected)...)
	buf = append(buf, `/$entity"`...)
	one := set.encode(nil, it, q.selected)
	if len(one) > 2 {
		buf = append(buf, ',')
		buf = append(buf, one[1:]...)
	} else {
		buf = append(buf, '}')
	}
	rc.writeBody(jsonContentType, buf)
}

// contextURL is "<base>/v1.0/$metadata#groups" or "...#groups(id,displayName)".
func (rc *requestContext) contextURL(version string, set *entitySet, sel []int) string {
	u := rc.baseURL() + "/" + version + "/$metadata#" + set.name
	if sel != nil {
		names := make([]string, len(sel))
		for i, p := range sel {
			names[i] = set.props[p]
		}
		u += "(" + strings.Join(names, ",") + ")"
	}
	return u
}

// appendJSONString appends s quoted; the links written here need only quote and backslash escapes.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}
