package cmd

import (
	"context"
	"os"
	"os/signal"

	"github.com/azrepl/azrepl/httpx"
)

// commandContext bounds the commands other programs call (azrepl token,
// azrepl env, the az and databricks shims): each ends on its own, within
// AZREPL_TIMEOUT (default httpx.DefaultRequestTimeout), or at Ctrl-C.
func commandContext() (context.Context, context.CancelFunc) {
	d := httpx.ParseTimeout(os.Getenv("AZREPL_TIMEOUT"))
	if d == 0 {
		d = httpx.DefaultRequestTimeout
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, func() { cancel(); stop() }
}
