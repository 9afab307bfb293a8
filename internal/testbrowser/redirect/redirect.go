// Package redirect waits, in a Chromium driven by chromedp, for the end of a
// sign-in: the browser redirected to the app's loopback redirect URI.
package redirect

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// AwaitLoopback returns once the browser of bctx is on an http://localhost or
// http://127.0.0.1 page; an error names the page it stayed on (its query
// left out: it may hold a code) when bctx ends first.
func AwaitLoopback(bctx context.Context) error {
	for {
		loc, err := chromedp.Run(bctx, chromedp.Location())
		if err != nil {
			return err
		}
		if strings.HasPrefix(loc, "http://localhost") || strings.HasPrefix(loc, "http://127.0.0.1") {
			return nil
		}
		select {
		case <-bctx.Done():
			return fmt.Errorf("the browser stayed on %s: %w", strings.SplitN(loc, "?", 2)[0], bctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
