package wrap_test

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/vitalsgo/vitals"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// flaky is a dependency whose outcome the test sets; it counts its calls.
type flaky struct {
	mu      sync.Mutex
	outcome []error // consumed one per call; the last one repeats
	calls   int
}

func newFlaky(outcomes ...error) *flaky { return &flaky{outcome: outcomes} }

func (f *flaky) Check(ctx context.Context) vitals.Result {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	err := f.outcome[0]
	if len(f.outcome) > 1 {
		f.outcome = f.outcome[1:]
	}
	r := vitals.FromError(err)
	r.Details = map[string]any{"dep": "x"}
	return r
}

func (f *flaky) set(outcomes ...error) {
	f.mu.Lock()
	f.outcome = outcomes
	f.mu.Unlock()
}

func (f *flaky) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

var errDown = errors.New("connection refused")
