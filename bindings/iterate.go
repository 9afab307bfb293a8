package bindings

import (
	"errors"

	"github.com/azrepl/azrepl/httpx"
	"github.com/dop251/goja"
	"github.com/tidwall/gjson"
)

// listing builds the first request and the paging options of a collection
// call; fn is "all", "iter" or "each" (for error messages).
type listing func(fn, path string, opts goja.Value) (*httpx.Request, httpx.PageOptions)

// setListing defines all, iter and each on o over one kind of collection:
//   - all(path, opts): every item in one array;
//   - iter(path, opts): a JS iterator (for…of, spread) that holds one page
//     while the next one is being fetched, converting each item when it is
//     reached, so memory stays flat however many items there are;
//   - each(path, fn, opts): fn(item, index) per item; false stops it.
//
// Breaking out of an iteration (or each's false) cancels the request in
// flight: no further page is fetched.
func (c *caller) setListing(o *goja.Object, service string, build listing, perm func(method, path string) string) {
	_ = o.Set("all", func(path, opts goja.Value) goja.Value {
		req, po := build("all", stringArg(c.rt, service+".all(path, opts)", "path", path), opts)
		return c.pageItems(req, po, service+".all", c.sentToken(req), perm)
	})
	_ = o.Set("iter", func(path, opts goja.Value) goja.Value {
		req, po := build("iter", stringArg(c.rt, service+".iter(path, opts)", "path", path), opts)
		return c.iterator(c.newStream(req, po, perm))
	})
	_ = o.Set("each", func(path, fn, opts goja.Value) goja.Value {
		const params = ".each(path, fn, opts)"
		p := stringArg(c.rt, service+params, "path", path)
		f := functionArg(c.rt, service+params, "fn", fn)
		req, po := build("each", p, opts)
		s := c.newStream(req, po, perm)
		defer s.close()
		for i := 0; ; i++ {
			v, ok := s.next()
			if !ok {
				return c.rt.ToValue(i)
			}
			r, err := f(goja.Undefined(), v, c.rt.ToValue(i))
			if err != nil {
				panic(err) // the callback's exception, as thrown
			}
			if r.StrictEquals(c.rt.ToValue(false)) {
				return c.rt.ToValue(i + 1)
			}
		}
	})
}

// stream hands out the items of a paged collection one by one.
type stream struct {
	c     *caller
	pager *httpx.Pager
	req   *httpx.Request
	perm  func(method, path string) string
	items []gjson.Result // the rest of the current page
}

func (c *caller) newStream(req *httpx.Request, opts httpx.PageOptions, perm func(string, string) string) *stream {
	opts.Check = validJSON[[]byte]
	return &stream{c: c, pager: c.client().NewPager(c.env.Context(), req, opts), req: req, perm: perm}
}

// next converts the next item; ok = false at the end. Errors throw.
func (s *stream) next() (goja.Value, bool) {
	for len(s.items) == 0 {
		page, ok, err := s.pager.Next(s.c.env.Context())
		if err != nil {
			s.fail(err)
		}
		if !ok {
			return nil, false
		}
		s.items = page.Items
	}
	it := s.items[0]
	s.items[0] = gjson.Result{} // the page goes once its last item is converted
	s.items = s.items[1:]
	v, err := s.c.conv.Lazy(it.Raw) // as graph.all's: only the members read are converted
	if err != nil {
		s.close()
		s.fail(err)
	}
	return v, true
}

func (s *stream) close() {
	s.pager.Close()
	s.items = nil
}

func (s *stream) fail(err error) {
	var se *httpx.ServiceError
	if errors.As(err, &se) {
		panic(s.c.serviceErrorValue(se, s.c.sentToken(s.req), s.perm))
	}
	Throw(s.c.rt, s.c.transportError(err))
}

// iterator is a JS iterator object over s: next(), return() (called by
// break), and [Symbol.iterator]() returning itself.
func (c *caller) iterator(s *stream) *goja.Object {
	it := c.rt.NewObject()
	result := func(v goja.Value, done bool) goja.Value {
		r := c.rt.NewObject()
		if v == nil {
			v = goja.Undefined()
		}
		_ = r.Set("value", v)
		_ = r.Set("done", done)
		return r
	}
	_ = it.Set("next", func() goja.Value {
		v, ok := s.next()
		if !ok {
			s.close()
			return result(nil, true)
		}
		return result(v, false)
	})
	_ = it.Set("return", func(v goja.Value) goja.Value {
		s.close()
		return result(v, true)
	})
	_ = it.SetSymbol(goja.SymIterator, func(call goja.FunctionCall) goja.Value { return call.This })
	return it
}
