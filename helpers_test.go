package vitals_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/vitalstest"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// newFake returns a monitor on a fake clock, closed when the test ends.
func newFake(t *testing.T, opts *vitals.Options) (*vitals.Monitor, *vitalstest.Clock) {
	t.Helper()
	clk := vitalstest.NewClock(epoch)
	var o vitals.Options
	if opts != nil {
		o = *opts
	}
	o.Clock = clk
	m := vitals.New(&o)
	t.Cleanup(func() { m.Close() })
	return m, clk
}

// eventually is monitortest.Eventually: it synchronizes with the
// monitor's goroutines and is not a timing assertion.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	monitortest.Eventually(t, what, cond)
}

// script is a checker whose results the test sets and whose calls it counts.
type script struct {
	mu    sync.Mutex
	next  []vitals.Result
	def   vitals.Result
	calls atomic.Int64
	times []time.Time
	clk   vitals.Clock
	block chan struct{} // when non-nil, Check waits for it (ignoring ctx)
}

func (s *script) Check(ctx context.Context) vitals.Result {
	s.calls.Add(1)
	s.mu.Lock()
	if s.clk != nil {
		s.times = append(s.times, s.clk.Now())
	}
	block := s.block
	r := s.def
	if len(s.next) > 0 {
		r, s.next = s.next[0], s.next[1:]
	}
	s.mu.Unlock()
	if block != nil {
		<-block
	}
	return r
}

func (s *script) set(r vitals.Result) {
	s.mu.Lock()
	s.def = r
	s.mu.Unlock()
}

func pass() vitals.Result { return vitals.Result{Status: vitals.StatusPass} }
func fail() vitals.Result { return vitals.Result{Status: vitals.StatusFail, Message: "down"} }

// state returns the live state of a check (counters are current).
func state(t *testing.T, m *vitals.Monitor, name string) *vitals.CheckState {
	t.Helper()
	st, err := m.State(name)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// snapState returns a check's state as the published snapshot shows it.
func snapState(t *testing.T, m *vitals.Monitor, name string) *vitals.CheckState {
	t.Helper()
	st, ok := m.Snapshot().Check(name)
	if !ok {
		t.Fatalf("check %q not in snapshot", name)
	}
	return st
}

func group(t *testing.T, m *vitals.Monitor, g string) vitals.Status {
	t.Helper()
	gs, ok := m.Snapshot().Group(g)
	if !ok {
		t.Fatalf("group %q not in snapshot", g)
	}
	return gs.Status
}

func runOnce(t *testing.T, m *vitals.Monitor) *vitals.Snapshot {
	t.Helper()
	s, err := m.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return s
}
