package hostilenet

import (
	"net/http"
	"testing"
	"time"
)

// Trickle is an endpoint that sends a 200 with JSON headers, then one space
// every interval and never ends its body: only a client's deadline ends the
// request. It stops writing when tb ends.
func Trickle(tb testing.TB, every time.Duration) http.HandlerFunc {
	stop := make(chan struct{})
	tb.Cleanup(func() { close(stop) })
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			http.NewResponseController(w).Flush()
			select {
			case <-stop:
				return
			case <-time.After(every):
			}
		}
	}
}
