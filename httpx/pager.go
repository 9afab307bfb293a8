package httpx

import (
	"context"
	"time"
	"unsafe"

	"github.com/tidwall/gjson"
)

// Pager walks a paged collection on demand, one page per Next, with the
// request for the following page in flight while the caller uses the
// current one: at most two pages are held (the one handed out and the one
// coming), however long the collection. graph.all, iter and each are
// built on it; Close stops it without fetching more.
//
// A page's body (and so its Items' text) is valid until the Next after
// the one that returned it: its buffer is then read into again, so the
// caller copies what it keeps.
type Pager struct {
	c      *Client
	ctx    context.Context
	cancel context.CancelFunc
	opts   PageOptions
	ahead  chan fetched // the answer to the request in flight
	walk   *pageWalk
	stop   error // reported by the Next after the page that caused it
	start  time.Time
	p      Progress
	held   []byte // the body of the page handed out last
	spare  []byte // a body no longer used, read into again
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
	p := &Pager{c: c, ctx: ctx, cancel: cancel, opts: opts, walk: newPageWalk(first), start: time.Now()}
	p.fetch(first)
	return p
}

// fetch sends req and, where the answer arrives, checks the body
// (opts.Check), finds its items and the next page's request, so that the
// caller's goroutine only converts items.
func (p *Pager) fetch(req *Request) {
	if req == nil {
		p.ahead = nil
		return
	}
	ch := make(chan fetched, 1)
	p.ahead = ch
	ctx := p.ctx
	if p.spare != nil {
		ctx = context.WithValue(ctx, bodyBufferKey{}, p.spare)
		p.spare = nil
	}
	go func() {
		resp, err := p.c.Do(ctx, req)
		if err == nil {
			err = resp.Err()
		}
		if err == nil && p.opts.Check != nil {
			err = p.opts.Check(resp.Body)
		}
		if err != nil {
			ch <- fetched{err: err}
			return
		}
		// A view of the body, not a copy (gjson.GetBytes copies the whole
		// item array): Response.Body is not written after it is read.
		body := unsafe.String(unsafe.SliceData(resp.Body), len(resp.Body))
		ch <- fetched{resp: resp, items: gjson.Get(body, p.opts.Items).Array(), next: p.opts.Next(req, resp.Body)}
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
	items := f.items
	if p.opts.Max > 0 && p.p.Items+len(items) > p.opts.Max {
		items = items[:p.opts.Max-p.p.Items]
	}
	p.p.Pages++
	p.p.Items += len(items)
	p.p.Elapsed = time.Since(p.start)
	next := f.next
	// {max} bounds pages as well as items: a page holds at least one item,
	// so a walk of empty pages stops too.
	if p.opts.Max > 0 && (p.p.Items >= p.opts.Max || p.p.Pages >= p.opts.Max) {
		next = nil
	}
	if next != nil {
		// the pager's rules: same origin, no link followed twice
		if err := p.walk.check(next, p.c.red.url); err != nil {
			p.stop, next = err, nil
		}
	}
	p.spare, p.held = p.held, f.resp.Body // the caller is done with the page before
	p.fetch(next)
	return Page{Index: p.p.Pages, Response: f.resp, Items: items}, true, nil
}

// Progress says how far the walk has come.
func (p *Pager) Progress() Progress { return p.p }

// Close cancels the request in flight; Next then reports the end.
func (p *Pager) Close() {
	p.cancel()
	p.ahead, p.held, p.spare = nil, nil, nil
}
