package runtime

import (
	"container/heap"
	"context"
	"errors"
	"reflect"
	"sync"
	"time"

	"github.com/dop251/goja"
)

// The event loop runs on the runtime's one goroutine: timers, and Go work
// started by bindings (fetch, delay) whose completion runs back here, where
// JS may be used. goja runs Promise jobs (microtasks) itself whenever a call
// from Go into JS returns.
//
// An evaluation drives the loop (drive) until what it waits for is done:
// the REPL until its value (a Promise) settles, a script until nothing is
// pending. Between evaluations the runtime goroutine keeps firing timers,
// so a setTimeout typed in the REPL still fires. Ctrl-C (the evaluation's
// context) cancels everything pending: timers, sleeps, requests in flight.

type timer struct {
	id       int64
	when     time.Time
	seq      uint64        // same deadline: the order they were set
	fn       goja.Callable // nil for delay(ms), which resolves instead
	resolve  func()
	args     []goja.Value
	interval time.Duration // > 0 for setInterval
	index    int           // in the heap; -1 when not in it
	// weak: the timer fires if the script is still running then, but does
	// not keep it running (AbortSignal.timeout, as Node's unref'd timers).
	weak bool
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].when.Equal(h[j].when) {
		return h[i].when.Before(h[j].when)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i]; h[i].index = i; h[j].index = j }
func (h *timerHeap) Push(x any)   { t := x.(*timer); t.index = len(*h); *h = append(*h, t) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}

// eventLoop is the loop's state. Fields other than posted, opsMu/opsCtx
// are used only on the runtime goroutine.
type eventLoop struct {
	timers timerHeap
	byID   map[int64]*timer
	nextID int64
	seq    uint64
	weak   int // weak timers in the heap

	posted  chan func() // completions of Go work, run on the runtime goroutine
	pending int         // Go work started and not yet completed (this generation)
	gen     uint64      // bumped by cancelAll: completions of older work are dropped

	opsMu     sync.Mutex
	opsCtx    context.Context // Go work runs with it; cancelled by Ctrl-C and Close
	opsCancel context.CancelFunc

	// rejected are Promises rejected with no handler yet, in order.
	rejected []*goja.Promise
	// rejectedAt is where in the script each of them was rejected (the
	// reason need not be an Error with a stack: Promise.reject("x")).
	rejectedAt map[*goja.Promise]string
	// lastReason and lastAt are the latest rejection seen with a position:
	// an await passes its reason on to the awaiting function's Promise,
	// which is rejected from a job, where no script frame runs.
	lastReason goja.Value
	lastAt     string
}

func newEventLoop() *eventLoop {
	l := &eventLoop{byID: map[int64]*timer{}, posted: make(chan func(), 64), rejectedAt: map[*goja.Promise]string{}}
	l.opsCtx, l.opsCancel = context.WithCancel(context.Background())
	return l
}

func (l *eventLoop) addTimer(fn goja.Callable, d time.Duration, interval bool, args []goja.Value) int64 {
	return l.add(&timer{fn: fn, args: args}, d, interval)
}

func (l *eventLoop) add(t *timer, d time.Duration, interval bool) int64 {
	if d < 0 {
		d = 0
	}
	l.nextID++
	l.seq++
	t.id, t.when, t.seq = l.nextID, time.Now().Add(d), l.seq
	if interval {
		t.interval = max(d, time.Millisecond)
	}
	heap.Push(&l.timers, t)
	l.byID[t.id] = t
	if t.weak {
		l.weak++
	}
	return t.id
}

// remove takes t out of the loop (fired or cleared).
func (l *eventLoop) remove(t *timer) {
	delete(l.byID, t.id)
	if t.index >= 0 {
		heap.Remove(&l.timers, t.index)
	}
	if t.weak {
		l.weak--
	}
}

func (l *eventLoop) clearTimer(id int64) {
	if t, ok := l.byID[id]; ok {
		l.remove(t)
	}
}

// busy reports whether a script must keep running: timers other than weak
// ones, or Go work pending.
func (l *eventLoop) busy() bool { return len(l.timers) > l.weak || l.pending > 0 }

// ctx is the context Go work started now runs with.
func (l *eventLoop) ctx() context.Context {
	l.opsMu.Lock()
	defer l.opsMu.Unlock()
	return l.opsCtx
}

// cancelAll drops every timer and cancels Go work in flight (Ctrl-C).
func (l *eventLoop) cancelAll() {
	l.timers = nil
	clear(l.byID)
	l.weak = 0
	l.pending = 0
	l.gen++
	l.rejected = nil
	clear(l.rejectedAt)
	l.lastReason, l.lastAt = nil, ""
	l.opsMu.Lock()
	l.opsCancel()
	l.opsCtx, l.opsCancel = context.WithCancel(context.Background())
	l.opsMu.Unlock()
}

// start runs work on its own goroutine; the func it returns then runs on
// the runtime goroutine (to resolve a Promise). The loop counts it as
// pending until then. It must be called on the runtime goroutine.
func (r *Runtime) start(work func(ctx context.Context) func()) {
	l := r.ev
	l.pending++
	gen, ctx := l.gen, l.ctx()
	go func() {
		then := work(ctx)
		f := func() {
			if l.gen != gen {
				return // cancelled by Ctrl-C: the evaluation it belonged to is gone
			}
			l.pending--
			if then != nil {
				then()
			}
		}
		select {
		case l.posted <- f:
		case <-r.quit:
		}
	}()
}

// trackRejection is goja's rejection tracker: it keeps the Promises that
// were rejected with nobody to handle them, and where the script was then.
func (l *eventLoop) trackRejection(p *goja.Promise, op goja.PromiseRejectionOperation, at func() string) {
	switch op {
	case goja.PromiseRejectionReject:
		l.rejected = append(l.rejected, p)
		if pos := at(); pos != "" {
			l.rejectedAt[p] = pos
			l.lastReason, l.lastAt = p.Result(), pos
		}
	case goja.PromiseRejectionHandle:
		delete(l.rejectedAt, p)
		for i, q := range l.rejected {
			if q == p {
				l.rejected = append(l.rejected[:i], l.rejected[i+1:]...)
				break
			}
		}
	}
}

// takeRejection returns (and forgets) the first unhandled rejection, as an
// error, other than the Promise except.
func (r *Runtime) takeRejection(except *goja.Promise) error {
	l := r.ev
	for i, p := range l.rejected {
		if p == except {
			continue
		}
		l.rejected = append(l.rejected[:i], l.rejected[i+1:]...)
		return r.rejectionError(p)
	}
	return nil
}

// forget drops p from the unhandled rejections: its rejection is reported
// as the evaluation's error.
func (l *eventLoop) forget(p *goja.Promise) {
	for i, q := range l.rejected {
		if q == p {
			l.rejected = append(l.rejected[:i], l.rejected[i+1:]...)
			return
		}
	}
}

// rejectionError turns a rejected Promise's reason into the error an
// uncaught throw of it would be (a *goja.Exception), so Describe and Hint
// read it as one; it remembers where the Promise was rejected, for a reason
// that carries no position of its own.
func (r *Runtime) rejectionError(p *goja.Promise) error {
	at := r.ev.rejectedAt[p]
	delete(r.ev.rejectedAt, p)
	if last := r.ev.lastReason; at == "" && last != nil && last.SameAs(p.Result()) {
		at = r.ev.lastAt
	}
	_, err := r.rethrow(goja.Undefined(), p.Result())
	if err == nil {
		err = errors.New("a Promise was rejected")
	}
	if at != "" {
		err = &rejectedAt{err: err, pos: at}
	}
	return err
}

// rejectedAt is a rejection with the script position where it happened.
type rejectedAt struct {
	err error
	pos string
}

func (e *rejectedAt) Error() string { return e.err.Error() }
func (e *rejectedAt) Unwrap() error { return e.err }

// fireDue runs the timers whose time has come, in order. A callback that
// throws ends the wait with its error.
func (r *Runtime) fireDue() error {
	l := r.ev
	now := time.Now()
	for len(l.timers) > 0 && !l.timers[0].when.After(now) {
		t := l.timers[0]
		if t.interval > 0 {
			t.when = now.Add(t.interval)
			l.seq++
			t.seq = l.seq
			heap.Fix(&l.timers, 0)
		} else {
			l.remove(t)
		}
		if t.fn == nil {
			if err := r.callGo(t.resolve); err != nil {
				return err
			}
			continue
		}
		if _, err := t.fn(goja.Undefined(), t.args...); err != nil {
			return err
		}
	}
	return nil
}

// drive runs the loop until done reports true, a callback throws, a Promise
// is rejected with no handler (when strict), or ctx is cancelled (then
// everything pending is cancelled and the error is ErrInterrupted). except
// is a Promise whose rejection the caller reports itself.
func (r *Runtime) drive(ctx context.Context, done func() bool, strict bool, except *goja.Promise) error {
	l := r.ev
	var wake *time.Timer
	defer func() {
		if wake != nil {
			wake.Stop()
		}
	}()
	for {
		if strict {
			if err := r.takeRejection(except); err != nil {
				return err
			}
		}
		if done() {
			return nil
		}
		if err := r.fireDue(); err != nil {
			return err
		}
		if done() {
			continue
		}
		var tc <-chan time.Time
		if len(l.timers) > 0 {
			d := time.Until(l.timers[0].when)
			if wake == nil {
				wake = time.NewTimer(d)
			} else {
				wake.Reset(d)
			}
			tc = wake.C
		} else if l.pending == 0 {
			return nil // nothing can happen any more: the caller sees what is left
		}
		select {
		case f := <-l.posted:
			if err := r.callGo(f); err != nil {
				return err
			}
		case <-tc:
		case <-ctx.Done():
			l.cancelAll()
			return ErrInterrupted
		}
	}
}

var promiseType = reflect.TypeOf((*goja.Promise)(nil))

// settle waits for v when it is a Promise and, with all, until nothing is
// pending. It returns the Promise's value, or its rejection as the error.
func (r *Runtime) settle(ctx context.Context, v goja.Value, all bool) (goja.Value, error) {
	var p *goja.Promise
	// Only a Promise is exported: Export of other objects would walk them
	// (and run their getters).
	if o, ok := v.(*goja.Object); ok && o.ExportType() == promiseType {
		p, _ = o.Export().(*goja.Promise)
	}
	done := func() bool {
		if p != nil && p.State() == goja.PromiseStatePending {
			return false
		}
		return !all || !r.ev.busy()
	}
	if err := r.drive(ctx, done, true, p); err != nil {
		return nil, err
	}
	if p == nil {
		return v, nil
	}
	switch p.State() {
	case goja.PromiseStateFulfilled:
		return p.Result(), nil
	case goja.PromiseStateRejected:
		r.ev.forget(p)
		return nil, r.rejectionError(p)
	}
	if all {
		return nil, errors.New("the script awaits a Promise that nothing can settle any more (no timer or request is pending)")
	}
	return v, nil
}
