package emulator

import (
	"crypto/subtle"
	"net/http"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// controlHandler is the emulator's own control API on the direct listener:
// POST /_emulator/revoke with user=NAME and key=KEY (form or query; or the
// X-Emulator-Key header). KEY is DIR/control-key (0600) or
// Emulator.ControlKey(): every local user can reach a loopback port, only
// the one who started the emulator can read the key.
type controlHandler struct{ em *Emulator }

func (c controlHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/_emulator/revoke" {
		wire.JSON(w, 404, map[string]any{"error": "not_found", "message": "The control API has POST /_emulator/revoke (user=NAME)."})
		return
	}
	if r.Method != http.MethodPost {
		wire.JSON(w, 405, map[string]any{"error": "method_not_allowed", "message": "Use POST."})
		return
	}
	if err := r.ParseForm(); err != nil {
		wire.JSON(w, 400, map[string]any{"error": "invalid_request", "message": "The body is not a valid form."})
		return
	}
	key := r.Form.Get("key")
	if h := r.Header.Get("X-Emulator-Key"); h != "" {
		key = h
	}
	if subtle.ConstantTimeCompare([]byte(key), []byte(c.em.controlKey)) != 1 {
		wire.JSON(w, 401, map[string]any{"error": "unauthorized", "message": "The control API needs key=<the contents of DIR/control-key> (or the X-Emulator-Key header)."})
		return
	}
	user := r.Form.Get("user")
	if user == "" {
		wire.JSON(w, 400, map[string]any{"error": "invalid_request", "message": "The parameter 'user' is required."})
		return
	}
	if err := c.em.RevokeSessions(user); err != nil {
		wire.JSON(w, 404, map[string]any{"error": "not_found", "message": err.Error()})
		return
	}
	wire.JSON(w, 200, map[string]any{"revoked": c.em.world.User(user).Username})
}

// ControlKey is the key of the control API (POST /_emulator/revoke).
func (em *Emulator) ControlKey() string { return em.controlKey }
