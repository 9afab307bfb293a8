package httpx

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/azrepl/azrepl/errcode"
	"github.com/tidwall/gjson"
)

// NextFunc returns the request for the page after the one answered by body,
// or nil on the last page. prev is the request that fetched body.
type NextFunc func(prev *Request, body []byte) *Request

// NextLink follows an absolute next-page URL found at a gjson path of the
// body, verbatim: the link is opaque (it carries $skiptoken and all the
// original parameters), so it is never rebuilt. Headers, scope and auth of
// the first request are kept.
func NextLink(path string) NextFunc {
	return func(prev *Request, body []byte) *Request {
		link := gjson.GetBytes(body, path).String()
		if link == "" {
			return nil
		}
		next := *prev
		next.URL, next.Query, next.Method, next.Body = link, nil, "GET", nil
		return &next
	}
}

// NextPageToken is Databricks paging: the body's next_page_token (with
// has_more, when present, saying whether there is more) goes into the
// page_token query parameter of the same request.
func NextPageToken(tokenPath, param string) NextFunc {
	return func(prev *Request, body []byte) *Request {
		res := gjson.GetManyBytes(body, tokenPath, "has_more")
		token, more := res[0].String(), res[1]
		if token == "" || (more.Exists() && !more.Bool()) {
			return nil
		}
		next := *prev
		q := url.Values{}
		for k, vs := range prev.Query {
			q[k] = vs
		}
		q.Set(param, token)
		next.Query = q
		return &next
	}
}

var (
	GraphNext      = NextLink(`@odata\.nextLink`)
	ARMNext        = NextLink("nextLink")
	DatabricksNext = NextPageToken("next_page_token", "page_token")
)

// PageOptions say how to walk a paged collection.
type PageOptions struct {
	Items string   // gjson path of the item array; default "value" (Graph, ARM); "jobs", "clusters"… for Databricks
	Next  NextFunc // default GraphNext
	Max   int      // stop after this many items; 0 = all
	// Check, when set, vets each body where it arrives (Pager only), off
	// the caller's goroutine: an error ends the walk.
	Check    func(body []byte) error
	Progress func(Progress)
}

// Progress is reported after each page.
type Progress struct {
	Pages, Items int
	Elapsed      time.Duration
}

// Page is one answer of a paged collection with its items as raw JSON.
type Page struct {
	Index    int // 1-based
	Response *Response
	Items    []gjson.Result
}

type fetched struct {
	resp  *Response
	items []gjson.Result // Pager: the page's items
	next  *Request       // Pager: the next page's request, nil on the last
	err   error
}

// Pages walks a paged collection, calling yield with each page's items in
// order, until the last page, Max items, an error, or yield's error.
//
// Pages are sequential by nature (each link is in the previous answer), so
// the next link is read as soon as a page arrives and the next request is in
// flight while this page's items are extracted and handed over.
// A non-2xx answer stops the walk with its *ServiceError.
func (c *Client) Pages(ctx context.Context, first *Request, opts PageOptions, yield func(Page) error) (Progress, error) {
	if opts.Items == "" {
		opts.Items = "value"
	}
	if opts.Next == nil {
		opts.Next = GraphNext
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	ch := make(chan fetched, 1)
	go func() {
		defer close(ch)
		seen, pages := 0, 0
		w := newPageWalk(first)
		for req := first; req != nil; {
			resp, err := c.Do(ctx, req)
			if err == nil {
				err = resp.Err()
			}
			if err != nil {
				select {
				case ch <- fetched{err: err}:
				case <-ctx.Done():
				}
				return
			}
			next := opts.Next(req, resp.Body)
			seen += int(gjson.GetBytes(resp.Body, opts.Items+".#").Int())
			pages++
			// {max} bounds pages as well as items: a page holds at least one
			// item, so a walk of empty pages stops too.
			if opts.Max > 0 && (seen >= opts.Max || pages >= opts.Max) {
				next = nil
			}
			var stop error
			if next != nil {
				stop = w.check(next, c.red.url)
			}
			select {
			case ch <- fetched{resp: resp}:
			case <-ctx.Done():
				return
			}
			if stop != nil {
				select {
				case ch <- fetched{err: stop}:
				case <-ctx.Done():
				}
				return
			}
			req = next
		}
	}()

	var p Progress
	for f := range ch {
		if f.err != nil {
			p.Elapsed = time.Since(start)
			return p, f.err
		}
		items := gjson.GetBytes(f.resp.Body, opts.Items).Array()
		if opts.Max > 0 && p.Items+len(items) > opts.Max {
			items = items[:opts.Max-p.Items]
		}
		p.Pages++
		p.Items += len(items)
		p.Elapsed = time.Since(start)
		if err := yield(Page{Index: p.Pages, Response: f.resp, Items: items}); err != nil {
			return p, err
		}
		if opts.Progress != nil {
			opts.Progress(p)
		}
		if opts.Max > 0 && p.Items >= opts.Max {
			break
		}
	}
	p.Elapsed = time.Since(start)
	return p, ctx.Err()
}

// ErrPagingLoop is a paged listing whose next link or page token repeats one
// already followed: a server bug or a hostile answer that would loop forever.
var ErrPagingLoop = errcode.Sentinel(errcode.PagingLoop, "paging loop")

// pageWalk remembers where a walk has been: the first request's origin (the
// credentials of the first request go nowhere else) and every link and page
// token followed.
type pageWalk struct {
	origin *url.URL
	seen   map[string]bool
}

func newPageWalk(first *Request) *pageWalk {
	w := &pageWalk{seen: map[string]bool{}}
	w.origin, _ = url.Parse(first.URL)
	w.seen[pageKey(first)] = true
	return w
}

// check refuses a next page on another origin (a nextLink to another host
// or scheme would receive the token, the explicit scope's or the
// Authorization header given for the first host) and one already followed.
func (w *pageWalk) check(next *Request, redactURL func(string) string) error {
	u, err := url.Parse(next.URL)
	if err != nil || !u.IsAbs() {
		return fmt.Errorf("%w: the next page link %q is not an absolute URL", ErrBadURL, redactURL(next.URL))
	}
	if w.origin != nil && !sameOrigin(w.origin, u) {
		return refused("the next page link points to %s://%s, not %s://%s where the listing started: not followed (credentials stay with their host)",
			u.Scheme, u.Host, w.origin.Scheme, w.origin.Host)
	}
	k := pageKey(next)
	if w.seen[k] {
		return fmt.Errorf("%w: the service gave again a next page already fetched (%s): stopped", ErrPagingLoop, redactURL(next.URL))
	}
	w.seen[k] = true
	return nil
}

// pageTokenParams are the query parameters that name a page: when one is
// present, the page is that token on that path, whatever else changes.
var pageTokenParams = []string{"$skiptoken", "skiptoken", "page_token", "continuationtoken", "$skip", "marker", "nextmarker"}

func pageKey(r *Request) string {
	u, err := url.Parse(r.URL)
	if err != nil {
		return r.URL
	}
	q := u.Query()
	for k, vs := range r.Query {
		q[k] = vs
	}
	for _, p := range pageTokenParams {
		for k, vs := range q {
			if strings.EqualFold(k, p) && len(vs) > 0 {
				return strings.ToLower(u.Host) + u.Path + "?" + p + "=" + vs[0]
			}
		}
	}
	return strings.ToLower(u.Host) + u.Path + "?" + q.Encode()
}
