package httpx

import (
	"context"
	"net/url"
	"time"

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
	Items    string   // gjson path of the item array; default "value" (Graph, ARM); "jobs", "clusters"… for Databricks
	Next     NextFunc // default GraphNext
	Max      int      // stop after this many items; 0 = all
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
	resp *Response
	err  error
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
		seen := 0
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
			if opts.Max > 0 && seen >= opts.Max {
				next = nil
			}
			select {
			case ch <- fetched{resp: resp}:
			case <-ctx.Done():
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
