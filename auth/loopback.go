package auth

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// callbackResult is what the authorization server sent to the redirect URI.
type callbackResult struct {
	code, iss string
	err       error
}

// loopback is the redirect_uri listener: it accepts exactly one answer
// carrying the expected state, then closes.
type loopback struct {
	lns    []net.Listener // 127.0.0.1:port and, where the machine has it, [::1]:port
	srv    *http.Server
	state  string
	once   sync.Once
	result chan callbackResult
	mu     sync.Mutex
	done   bool
}

// listenLoopback binds the first port of ports free on both loopback
// addresses, or a random such port when ports is empty (0 in ports also
// means a random one).
//
// The redirect URI names localhost, which a browser may resolve to ::1
// before 127.0.0.1 (RFC 8252 §8.3 notes the ambiguity; its §7.3 recommends
// binding both). A port bound on 127.0.0.1 alone would leave [::1] on that
// port to any other local program, which would then receive the code. So
// the port is held on both, or skipped.
func listenLoopback(ports []int, state string) (*loopback, error) {
	if len(ports) == 0 {
		ports = []int{0}
	}
	var lns []net.Listener
	var err error
	for _, p := range ports {
		tries := 1
		if p == 0 {
			tries = 16 // a random port free on 127.0.0.1 may be taken on [::1]
		}
		for range tries {
			if lns, err = listenBothLoopbacks(p); err == nil {
				break
			}
		}
		if err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("cannot listen for the browser's redirect on localhost: %w", err)
	}
	lb := &loopback{lns: lns, state: state, result: make(chan callbackResult, 1)}
	lb.srv = &http.Server{Handler: lb, ReadHeaderTimeout: 10 * time.Second}
	for _, ln := range lns {
		go func() { _ = lb.srv.Serve(ln) }()
	}
	return lb, nil
}

// listenBothLoopbacks binds 127.0.0.1:port and [::1] on the same port. On a
// machine without IPv6 loopback the IPv4 listener is enough: nothing can
// listen on [::1] there either.
func listenBothLoopbacks(port int) ([]net.Listener, error) {
	ln4, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	bound := strconv.Itoa(ln4.Addr().(*net.TCPAddr).Port)
	ln6, err := net.Listen("tcp6", net.JoinHostPort("::1", bound))
	if err == nil {
		return []net.Listener{ln4, ln6}, nil
	}
	probe, perr := net.Listen("tcp6", "[::1]:0")
	if perr != nil {
		return []net.Listener{ln4}, nil // no IPv6 loopback
	}
	probe.Close()
	ln4.Close()
	return nil, fmt.Errorf("port %s is taken on [::1]: %w", bound, err)
}

func (lb *loopback) port() int { return lb.lns[0].Addr().(*net.TCPAddr).Port }

// RedirectURI is what the authorization server is told: localhost, as the
// first-party clients' registrations list it and as MSAL and az send it.
func (lb *loopback) redirectURI() string { return "http://localhost:" + strconv.Itoa(lb.port()) }

// ServeHTTP answers both response modes: query (GET) and form_post (POST).
func (lb *loopback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		page(w, http.StatusBadRequest, "Sign-in failed", "The answer could not be read.")
		return
	}
	if r.URL.Path != "/" && r.URL.Path != "" {
		http.NotFound(w, r)
		return
	}
	lb.mu.Lock()
	if lb.done {
		lb.mu.Unlock()
		page(w, http.StatusGone, "Already signed in", "This sign-in has already been completed. You may close this tab.")
		return
	}
	f := r.Form
	if f.Get("state") != lb.state {
		// Not our request (or a forged one): refuse it and keep waiting.
		lb.mu.Unlock()
		page(w, http.StatusBadRequest, "Sign-in refused", "The state parameter does not match this sign-in. Start the login again if this persists.")
		return
	}
	lb.done = true
	lb.mu.Unlock()
	var res callbackResult
	switch {
	case f.Get("error") != "":
		e := &EntraError{Err: f.Get("error"), Description: firstLine(f.Get("error_description")), TraceID: f.Get("trace_id")}
		for _, c := range strings.FieldsFunc(f.Get("error_codes"), func(r rune) bool { return r == ',' || r == ' ' || r == '[' || r == ']' }) {
			if n, err := strconv.Atoi(c); err == nil {
				e.Codes = append(e.Codes, n)
			}
		}
		if len(e.Codes) == 0 {
			if m := aadstsPrefix().FindStringSubmatch(e.Description); m != nil {
				n, _ := strconv.Atoi(m[1])
				e.Codes = []int{n}
			}
		}
		res.err = e
		page(w, http.StatusBadRequest, "Sign-in failed", f.Get("error")+": "+firstLine(f.Get("error_description")))
	case f.Get("code") == "":
		res.err = errors.New("the redirect carried neither a code nor an error")
		page(w, http.StatusBadRequest, "Sign-in failed", "No authorization code was received.")
	default:
		res.code, res.iss = f.Get("code"), f.Get("iss")
		page(w, http.StatusOK, "Signed in", "azrepl received the sign-in. You may close this tab and return to the terminal.")
	}
	lb.result <- res
	// Close after the page is written; exactly one code is accepted.
	go lb.close()
}

func (lb *loopback) close() {
	lb.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = lb.srv.Shutdown(ctx)
	})
}

// wait returns the code, or an error on time-out or cancellation.
// wait returns the redirect the browser brings, calling tick (when set)
// once a second with the time left, for a countdown.
func (lb *loopback) wait(ctx context.Context, timeout time.Duration, tick func(left time.Duration)) (callbackResult, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	end := time.Now().Add(timeout)
	every := time.NewTicker(time.Second)
	defer every.Stop()
	if tick != nil {
		tick(timeout)
	}
	for {
		select {
		case res := <-lb.result:
			return res, res.err
		case <-every.C:
			if tick != nil {
				tick(time.Until(end))
			}
		case <-t.C:
			return callbackResult{}, fmt.Errorf("no sign-in arrived at %s within %s", lb.redirectURI(), timeout)
		case <-ctx.Done():
			return callbackResult{}, fmt.Errorf("browser login cancelled: %w", ctx.Err())
		}
	}
}

func page(w http.ResponseWriter, status int, title, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><html><head><meta charset=\"utf-8\"><title>azrepl: %s</title></head>"+
		"<body style=\"font-family:sans-serif;margin:3em\"><h1>%s</h1><p>%s</p></body></html>",
		html.EscapeString(title), html.EscapeString(title), html.EscapeString(msg))
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\r' || c == '\n' {
			return s[:i]
		}
	}
	return s
}
