package disk

import (
	"context"
	"sync"

	"github.com/vitalsgo/vitals"
)

// guard runs a blocking file system call so that Check returns when its
// context ends even if the call hangs, with at most one call outstanding.
// The helper goroutine ends when the call returns; a call into a dead
// mount may never return, which is why a second one is never started.
type guard struct {
	mu      sync.Mutex    // protects pending
	pending chan struct{} // closed when the last call returned; nil before the first
}

func (g *guard) run(ctx context.Context, what string, f func() vitals.Result) vitals.Result {
	g.mu.Lock()
	if g.pending != nil {
		select {
		case <-g.pending:
		default:
			g.mu.Unlock()
			return vitals.Failf("%s: an earlier check is still blocked in the file system", what)
		}
	}
	done := make(chan struct{})
	g.pending = done
	g.mu.Unlock()

	var r vitals.Result
	go func() {
		defer close(done)
		r = f()
	}()
	select {
	case <-done:
		return r
	case <-ctx.Done():
		return vitals.Failf("%s: file system did not answer: %w", what, ctx.Err())
	}
}
