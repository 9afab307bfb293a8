package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/internal/hostilenet"
)

// azrepl token against a token endpoint that answers its headers and then
// trickles its body forever ends on its own, within AZREPL_TIMEOUT, with
// one line (before, it waited forever: the command had no deadline).
func TestTokenCommandEndsOnATricklingEndpoint(t *testing.T) {
	_, env := tokenEnv(t)
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	hs := hostilenet.New(t, func(w http.ResponseWriter, r *http.Request) {
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
			case <-time.After(500 * time.Millisecond):
			}
		}
	})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, hs.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	env = robustEnv(env, "HTTPS_PROXY="+hs.Proxy.URL, "SSL_CERT_FILE="+ca, "AZREPL_TIMEOUT=2s")
	r := robustRun(t, env, "token", "https://graph.microsoft.com", "--force")
	msg := robustOneLineError(t, "a trickling token endpoint", r)
	if !strings.Contains(msg, "deadline") && !strings.Contains(msg, "timeout") && !strings.Contains(msg, "Timeout") {
		t.Errorf("the error does not say the time ran out: %q", msg)
	}
}
