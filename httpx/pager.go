package httpx

import (
	"context"

	"github.com/tidwall/gjson"
)

// Pager walks a paged collection on demand, one page per Next, with the
// request for the following page in flight while the caller uses the
// current one: at most two pages are held (the one handed out and the one
// coming), however long the collection. Streaming iteration
// (graph.iter/each) is built on it; Close stops it without fetching more.
type Pager struct {
	c      *Client
	ctx    context.Context
	cancel context.CancelFunc
	opts   PageOptions
	req    *Request     // the request in flight
	ahead  chan fetched // its answer
	walk   *pageWalk
	stop   error // reported by the Next after the page that caused it
	p      Progress
}

// NewPager starts fetching the first page.
func (c *Client) NewPager(ctx context.Context, first *Request, opts PageOptions) *Pager {
	if opts.Items == "" {
		opts.Items = "value"
	}
	if opts.Next == nil {
		opts.Next = GraphNext
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &Pager{c: c, ctx: ctx, cancel: cancel, opts: opts, walk: newPageWalk(first)}
	p.fetch(first)
	return p
}

func (p *Pager) fetch(req *Request) {
	p.req = req
	if req == nil {
		p.ahead = nil
		return
	}
	ch := make(chan fetched, 1)
	p.ahead = ch
	go func() {
		resp, err := p.c.Do(p.ctx, req)
		if err == nil {
			err = resp.Err()
		}
		ch <- fetched{resp: resp, err: err}
	}()
}

// Next returns the next page, ok = false after the last one (or Max
// items). wait is what the caller may be interrupted by (Ctrl-C).
func (p *Pager) Next(wait context.Context) (page Page, ok bool, err error) {
	if p.stop != nil {
		err, p.stop = p.stop, nil
		return Page{}, false, err
	}
	if p.ahead == nil {
		return Page{}, false, nil
	}
	var f fetched
	select {
	case f = <-p.ahead:
	case <-wait.Done():
		p.Close()
		return Page{}, false, wait.Err()
	}
	if f.err != nil {
		p.Close()
		return Page{}, false, f.err
	}
	prev := p.req
	items := gjson.GetBytes(f.resp.Body, p.opts.Items).Array()
	if p.opts.Max > 0 && p.p.Items+len(items) > p.opts.Max {
		items = items[:p.opts.Max-p.p.Items]
	}
	p.p.Pages++
	p.p.Items += len(items)
	next := p.opts.Next(prev, f.resp.Body)
	// {max} bounds pages as well as items, as in Pages.
	if p.opts.Max > 0 && (p.p.Items >= p.opts.Max || p.p.Pages >= p.opts.Max) {
		next = nil
	}
	if next != nil {
		// the same rules as Pages: same origin, no link followed twice
		if err := p.walk.check(next, p.c.red.url); err != nil {
			p.stop, next = err, nil
		}
	}
	p.fetch(next)
	return Page{Index: p.p.Pages, Response: f.resp, Items: items}, true, nil
}

// Progress says how far the walk has come.
func (p *Pager) Progress() Progress { return p.p }

// Close cancels the request in flight; Next then reports the end.
func (p *Pager) Close() {
	p.cancel()
	p.ahead, p.req = nil, nil
}
