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

// loopback is the redirect_uri listener on 127.0.0.1: it accepts exactly one
// answer carrying the expected state, then closes.
type loopback struct {
	ln     net.Listener
	srv    *http.Server
	state  string
	once   sync.Once
	result chan callbackResult
	mu     sync.Mutex
	done   bool
}

// listenLoopback binds 127.0.0.1 on the first free port of ports, or on a
// random port when ports is empty.
func listenLoopback(ports []int, state string) (*loopback, error) {
	var ln net.Listener
	var err error
	if len(ports) == 0 {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	} else {
		for _, p := range ports {
			if ln, err = net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p)); err == nil {
				break
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("cannot listen for the browser's redirect on 127.0.0.1: %w", err)
	}
	lb := &loopback{ln: ln, state: state, result: make(chan callbackResult, 1)}
	lb.srv = &http.Server{Handler: lb, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = lb.srv.Serve(ln) }()
	return lb, nil
}

func (lb *loopback) port() int { return lb.ln.Addr().(*net.TCPAddr).Port }

// RedirectURI is what the authorization server is told: localhost, as the
// app registrations list it (the socket itself is bound to 127.0.0.1).
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
func (lb *loopback) wait(ctx context.Context, timeout time.Duration) (callbackResult, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case res := <-lb.result:
		return res, res.err
	case <-t.C:
		return callbackResult{}, fmt.Errorf("no sign-in arrived at %s within %s", lb.redirectURI(), timeout)
	case <-ctx.Done():
		return callbackResult{}, fmt.Errorf("browser login cancelled: %w", ctx.Err())
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
