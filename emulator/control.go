package emulator

import (
	"net/http"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// controlHandler is the emulator's own control API on the direct listener:
// POST /_emulator/revoke with user=NAME (form or query).
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
