package monitortest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalstest"
)

// T0 is the fake clock's start, so timestamps in golden files are fixed.
var T0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// Scripted is a check that returns the results the test queued, in order,
// repeating the last one, and counts its runs.
type Scripted struct {
	mu      sync.Mutex // protects results
	results []vitals.Result
	runs    atomic.Int64
}

// Script returns a check that returns rs in order; rs must not be empty.
func Script(rs ...vitals.Result) *Scripted { return &Scripted{results: rs} }

// Check returns the next queued result.
func (s *Scripted) Check(context.Context) vitals.Result {
	s.runs.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.results[0]
	if len(s.results) > 1 {
		s.results = s.results[1:]
	}
	return r
}

// Set replaces the queued results.
func (s *Scripted) Set(rs ...vitals.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results = rs
}

// Runs returns how many times the check ran.
func (s *Scripted) Runs() int64 { return s.runs.Load() }

// Result is a result with status st, duration d, finished at at. A failed
// one carries the error "connection refused".
func Result(st vitals.Status, d time.Duration, at time.Time) vitals.Result {
	r := vitals.Result{Status: st, Duration: d, Time: at}
	if st == vitals.StatusFail {
		r.Err = errors.New("connection refused")
		r.Message = r.Err.Error()
	}
	return r
}

// Hang is a check that blocks until its context ends, telling the test
// through Entered that its run (and so its timeout timer) has started.
type Hang struct{ Entered chan struct{} }

// NewHang returns a Hang whose Entered the test must receive from once per
// run.
func NewHang() *Hang { return &Hang{Entered: make(chan struct{})} }

// Check blocks until ctx ends.
func (h *Hang) Check(ctx context.Context) vitals.Result {
	h.Entered <- struct{}{}
	<-ctx.Done()
	return vitals.FromError(ctx.Err())
}

// New returns a monitor on a fake clock showing [T0], closed when the test
// ends.
func New(t testing.TB) (*vitals.Monitor, *vitalstest.Clock) {
	t.Helper()
	clk := vitalstest.NewClock(T0)
	m := vitals.New(&vitals.Options{Clock: clk})
	t.Cleanup(func() { m.Close() })
	return m, clk
}

// Add adds a check to m, failing the test on error.
func Add(t testing.TB, m *vitals.Monitor, name string, c vitals.Checker, opts ...vitals.CheckOption) {
	t.Helper()
	if err := m.Add(name, c, opts...); err != nil {
		t.Fatal(err)
	}
}

// RunOnce runs every enabled check of m once, failing the test on error.
func RunOnce(t testing.TB, m *vitals.Monitor) {
	t.Helper()
	if _, err := m.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Eventually polls cond until it holds. It synchronizes a test with the
// monitor's goroutines and is not a timing assertion: the 10s limit only
// stops a hung test.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	Poll(t, 200*time.Microsecond, what, cond)
}

// Poll is [Eventually] sleeping every between calls of cond: for a cond
// that talks to a server, such as a check run against a real dependency.
func Poll(t testing.TB, every time.Duration, what string, cond func() bool) {
	t.Helper()
	PollFor(t, 10*time.Second, every, what, cond)
}

// PollFor is [Poll] with a deadline of its own, for a cond that waits on a
// slower mechanism: a process starting, a retry's backoff.
func PollFor(t testing.TB, limit, every time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for: %s", what)
		}
		time.Sleep(every)
	}
}
