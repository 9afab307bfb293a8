package httpx

import (
	"context"
	"sync"
)

// DefaultConcurrency bounds Batch when the caller gives 0.
const DefaultConcurrency = 16

// Result is one answer of a Batch: a Response or an error, never both nil.
type Result struct {
	Response *Response
	Err      error
}

// Batch runs the requests concurrently (at most concurrency at a time) and
// returns their results in the order of reqs. One failing does not stop the
// others; a cancelled ctx fails those not yet started.
func (c *Client) Batch(ctx context.Context, reqs []*Request, concurrency int) []Result {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	out := make([]Result, len(reqs))
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for i, r := range reqs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			for j := i; j < len(reqs); j++ {
				out[j].Err = ctx.Err()
			}
			wg.Wait()
			return out
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			resp, err := c.Do(ctx, r)
			out[i] = Result{Response: resp, Err: err}
		}()
	}
	wg.Wait()
	return out
}
