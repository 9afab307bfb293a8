package entra

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// Entra ends a client request loop with AADSTS50196: the same user token
// request (client, grant, scope, user) repeated too often in a short time
// (MSAL's throttling notes; reports show it after a few to ~20 rapid
// identical requests). The emulator's rule: more than loopLimit identical
// requests within loopWindow. Client credentials are left out: Entra answers
// those with 429 and Retry-After instead (not emulated), so benchmarks that
// hammer the endpoint with app tokens are not affected.
const (
	loopLimit  = 20
	loopWindow = time.Minute
)

// loopDetector remembers, per identical request, when it was seen within the window.
type loopDetector struct {
	mu   sync.Mutex
	seen map[string][]time.Time
}

// loopKey identifies "the same request": client, grant, tenant, the scopes
// (any order) and the user the credential stands for (refresh tokens rotate,
// so the token's value would hide a loop).
func loopKey(g grant) string {
	scopes := slices.Clone(g.scopes.raw)
	for i := range scopes {
		scopes[i] = strings.ToLower(scopes[i])
	}
	slices.Sort(scopes)
	return strings.ToLower(strings.Join([]string{g.client.id, g.r.PostForm.Get("grant_type"), g.tenant.segment,
		g.user.ObjectID}, "|")) + "|" + strings.Join(scopes, " ")
}

// tooMany records one request and says whether it is beyond the limit.
func (d *loopDetector) tooMany(key string, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen == nil {
		d.seen = map[string][]time.Time{}
	}
	cut := now.Add(-loopWindow)
	times := d.seen[key]
	i := 0
	for i < len(times) && times[i].Before(cut) {
		i++
	}
	times = append(times[i:], now)
	d.seen[key] = times
	if len(d.seen) > 10000 {
		d.forgetOld(cut) // keep the map small under long runs
	}
	return len(times) > loopLimit
}

func (d *loopDetector) forgetOld(cut time.Time) {
	for k, ts := range d.seen {
		if len(ts) == 0 || ts[len(ts)-1].Before(cut) {
			delete(d.seen, k)
		}
	}
}

func errLoop() *entraError {
	return newEntraError(400, "invalid_grant", 50196,
		"The server terminated an operation because it encountered a client request loop. Please contact your app vendor.")
}
