package graph

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const (
	defaultPageSize = 100
	maxPageSize     = 999
)

// query is the parsed OData options of a collection request.
type query struct {
	top      int
	selected []int // nil: every property
	filter   []clause
	search   []searchTerm
	count    bool // $count=true with ConsistencyLevel: eventual
	offset   int  // from $skiptoken
	order    *orderBy
}

type searchTerm struct {
	prop  int
	value string
}

// parseQuery validates the options like Graph does and answers the 400 itself.
func (rc *requestContext) parseQuery(set *entitySet, paged bool) (*query, bool) {
	v := rc.r.URL.Query()
	q := &query{top: defaultPageSize}
	eventual := strings.EqualFold(rc.r.Header.Get("ConsistencyLevel"), "eventual")
	fail := func(code, msg string) (*query, bool) {
		rc.fail(http.StatusBadRequest, code, msg)
		return nil, false
	}
	if t := v.Get("$top"); t != "" && paged {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > maxPageSize {
			return fail("Request_BadRequest", fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and 999 inclusive.", t))
		}
		q.top = n
	}
	if s := v.Get("$select"); s != "" {
		for _, name := range strings.Split(s, ",") {
			p, ok := set.index[strings.ToLower(strings.TrimSpace(name))]
			if !ok {
				return fail("BadRequest", fmt.Sprintf("Parsing OData Select and Expand failed: Could not find a property named '%s' on type 'microsoft.graph.%s'.", strings.TrimSpace(name), set.typeName))
			}
			q.selected = append(q.selected, p)
		}
	}
	countTrue := strings.EqualFold(v.Get("$count"), "true")
	q.count = countTrue && eventual
	if f := v.Get("$filter"); f != "" {
		clauses, err := parseFilter(set, f)
		if err != nil {
			fe := err.(*filterError)
			return fail(fe.code, fe.message)
		}
		for _, c := range clauses {
			if c.advanced() && !q.count {
				return fail("Request_UnsupportedQuery", fmt.Sprintf("Operator '%s' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information", c.opName()))
			}
		}
		q.filter = clauses
	}
	if s := v.Get("$search"); s != "" {
		if !eventual {
			return fail("Request_UnsupportedQuery", "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
		}
		terms, ok := parseSearch(set, s)
		if !ok {
			return fail("Request_UnsupportedQuery", "Syntax error: character '"+s+"' is not valid at position 0 in '$search'.")
		}
		q.search = terms
	}
	if o := v.Get("$orderby"); o != "" && paged {
		order, code, msg := parseOrderBy(set, o)
		if order == nil {
			return fail(code, msg)
		}
		// $search already needs ConsistencyLevel; $filter with $orderby needs $count=true too.
		if q.filter != nil && !q.count {
			return fail("Request_UnsupportedQuery", "Sorting not supported for current query.")
		}
		q.order = order
	}
	for _, unsupported := range []string{"$expand", "$skip"} {
		if v.Has(unsupported) {
			return fail("Request_UnsupportedQuery", fmt.Sprintf("The query option '%s' is not supported by this emulator.", unsupported))
		}
	}
	if tok := v.Get("$skiptoken"); tok != "" {
		off, ok := decodeSkipToken(set.name, tok)
		if !ok {
			return fail("Directory_ExpiredPageToken", "The specified page token value has expired and can no longer be included in your request.")
		}
		q.offset = off
	}
	return q, true
}

// parseSearch reads `"displayName:foo" AND "mail:bar"`: substring matches.
func parseSearch(set *entitySet, s string) ([]searchTerm, bool) {
	var out []searchTerm
	for _, part := range strings.Split(s, " AND ") {
		part = strings.TrimSpace(part)
		if len(part) < 2 || part[0] != '"' || part[len(part)-1] != '"' {
			return nil, false
		}
		name, value, ok := strings.Cut(part[1:len(part)-1], ":")
		p, known := set.index[strings.ToLower(name)]
		if !ok || !known {
			return nil, false
		}
		out = append(out, searchTerm{p, strings.ToLower(value)})
	}
	return out, true
}

func (q *query) match(it item) bool {
	for _, c := range q.filter {
		if !c.match(it) {
			return false
		}
	}
	for _, t := range q.search {
		s, _ := it.values[t.prop].(string)
		if !strings.Contains(strings.ToLower(s), t.value) {
			return false
		}
	}
	return true
}

// The skip token is opaque to clients: the collection name and the offset, encoded.
func encodeSkipToken(set string, offset int) string {
	return "RFNwdAIA" + base64.RawURLEncoding.EncodeToString([]byte(set+":"+strconv.Itoa(offset)))
}

func decodeSkipToken(set, tok string) (int, bool) {
	rest, ok := strings.CutPrefix(tok, "RFNwdAIA")
	if !ok {
		return 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return 0, false
	}
	name, num, ok := strings.Cut(string(b), ":")
	n, err := strconv.Atoi(num)
	if !ok || name != set || err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// nextLink is the request URL on the same host with the skip token replaced.
func (rc *requestContext) nextLink(set string, offset int) string {
	v := rc.r.URL.Query()
	v.Set("$skiptoken", encodeSkipToken(set, offset))
	u := url.URL{Path: rc.r.URL.Path, RawQuery: encodeQuery(v)}
	return rc.baseURL() + u.RequestURI()
}

// encodeQuery is url.Values.Encode that keeps the "$" of OData option names, as Graph writes them.
func encodeQuery(v url.Values) string {
	parts := strings.Split(v.Encode(), "&")
	for i, p := range parts {
		if rest, ok := strings.CutPrefix(p, "%24"); ok {
			parts[i] = "$" + rest
		}
	}
	return strings.Join(parts, "&")
}
