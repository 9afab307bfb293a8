package emulator

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
)

// faultKind is one way a request can be made to fail.
type faultKind string

const (
	fault429      faultKind = "429"
	fault503      faultKind = "503"
	faultReset    faultKind = "reset"
	faultTruncate faultKind = "truncate"
	faultHTML     faultKind = "html"
)

// faultSpec is a parsed --faults value, e.g.
// "rate=0.2,kinds=429+503+reset+truncate+html,host=graph.microsoft.com" or "every=5,kinds=429".
type faultSpec struct {
	rate  float64
	every int
	kinds []faultKind
	host  string

	mu    sync.Mutex
	count int
}

func parseFaults(spec string) (*faultSpec, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, nil
	}
	f := &faultSpec{}
	for _, part := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || v == "" {
			return nil, fmt.Errorf("faults: %q is not key=value (keys: rate, every, kinds, host)", part)
		}
		switch k {
		case "rate":
			r, err := strconv.ParseFloat(v, 64)
			if err != nil || r <= 0 || r > 1 {
				return nil, fmt.Errorf("faults: rate=%s must be a number in (0, 1]", v)
			}
			f.rate = r
		case "every":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("faults: every=%s must be a whole number >= 1", v)
			}
			f.every = n
		case "kinds":
			for _, kind := range strings.Split(v, "+") {
				switch fk := faultKind(kind); fk {
				case fault429, fault503, faultReset, faultTruncate, faultHTML:
					f.kinds = append(f.kinds, fk)
				default:
					return nil, fmt.Errorf("faults: unknown kind %q (kinds: 429, 503, reset, truncate, html)", kind)
				}
			}
		case "host":
			f.host = strings.ToLower(v)
		default:
			return nil, fmt.Errorf("faults: unknown key %q (keys: rate, every, kinds, host)", k)
		}
	}
	switch {
	case f.rate == 0 && f.every == 0:
		return nil, fmt.Errorf("faults: give rate=R or every=N")
	case f.rate != 0 && f.every != 0:
		return nil, fmt.Errorf("faults: give rate=R or every=N, not both")
	}
	if len(f.kinds) == 0 {
		f.kinds = []faultKind{fault429}
	}
	return f, nil
}

// pick decides whether this request fails and how. every=N fails the Nth,
// 2Nth... matching request, cycling through the kinds; rate=R fails at random.
func (f *faultSpec) pick(host string) (faultKind, bool) {
	if f == nil || (f.host != "" && hostOnly(host) != f.host) {
		return "", false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count++
	if f.every > 0 {
		if f.count%f.every != 0 {
			return "", false
		}
		return f.kinds[(f.count/f.every-1)%len(f.kinds)], true
	}
	if rand.Float64() >= f.rate {
		return "", false
	}
	return f.kinds[rand.IntN(len(f.kinds))], true
}
