package vitals_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

// Joining a periodic run that was abandoned at its timeout must return its
// timeout result at once, not wait for the hung run.
func TestRunOnceDoesNotWaitForHungPeriodicRun(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	release := make(chan struct{})
	defer close(release)
	m.Add("hung", vitals.CheckFunc(func(context.Context) error { <-release; return nil }),
		vitals.Interval(time.Hour), vitals.Timeout(20*time.Millisecond))
	m.Start()
	eventually(t, "abandoned", func() bool { return state(t, m, "hung").Hung })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	snap, err := m.RunOnce(ctx)
	if err != nil {
		t.Fatalf("RunOnce = %v; it waited for the hung run", err)
	}
	if st, _ := snap.Check("hung"); st.Status != vitals.StatusFail {
		t.Fatalf("status = %v", st.Status)
	}
}

// The critical-failure hook exists so a service can shut itself down: it
// must be able to call Shutdown without deadlocking.
func TestCriticalHookMayShutDown(t *testing.T) {
	done := make(chan error, 1)
	var m *vitals.Monitor
	m = vitals.New(&vitals.Options{OnCriticalFailure: func(vitals.Event) { done <- m.Shutdown(context.Background()) }})
	sub := m.Subscribe(func(vitals.Event) {}) // a listener the shutdown must not wait on forever
	defer sub()
	m.Add("db", vitals.CheckFunc(func(context.Context) error { return errors.New("down") }), vitals.Interval(10*time.Millisecond))
	m.Start()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Shutdown from the hook deadlocked")
	}
}

// A run cancelled by Close is not a failure of its dependency: liveness
// must not turn red while the service shuts down.
func TestCloseDoesNotRecordCancelledRuns(t *testing.T) {
	m := vitals.New(nil)
	entered := make(chan struct{}, 1)
	var calls atomic.Int32
	m.Add("proc", vitals.CheckFunc(func(ctx context.Context) error {
		if calls.Add(1) == 1 {
			return nil
		}
		entered <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}), vitals.Groups(vitals.Liveness), vitals.Interval(10*time.Millisecond))
	var mu sync.Mutex
	var events []vitals.Event
	m.Subscribe(func(e vitals.Event) { mu.Lock(); events = append(events, e); mu.Unlock() })
	m.Start()
	<-entered
	m.Close()
	if g, _ := m.Snapshot().Group(vitals.Liveness); g.Status != vitals.StatusPass {
		t.Errorf("liveness after Close = %v, want pass", g.Status)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, e := range events {
		if e.To == vitals.StatusFail {
			t.Errorf("Close produced a transition to fail: %+v", e)
		}
	}
}

func TestCriticalHookWaitsForThreshold(t *testing.T) {
	var fired atomic.Int32
	hooked := make(chan struct{}, 10)
	m := vitals.New(&vitals.Options{OnCriticalFailure: func(vitals.Event) { fired.Add(1); hooked <- struct{}{} }})
	defer m.Close()
	m.Add("db", &script{def: fail()}, vitals.FailureThreshold(3))
	ctx := context.Background()
	m.RunOnce(ctx)
	m.RunOnce(ctx)
	if fired.Load() != 0 {
		t.Fatal("hook fired before the threshold, on a check failing from the start")
	}
	m.RunOnce(ctx)
	<-hooked
	m.RunOnce(ctx)
	if n := fired.Load(); n != 1 {
		t.Fatalf("hook fired %d times, want once per failure streak", n)
	}
}

func TestJitterDoesNotAccumulate(t *testing.T) {
	m, clk := newFake(t, nil)
	s := &script{def: pass(), clk: clk}
	// The initial delay puts the first run on a timer too: a first run at
	// once (a jitter of 0) could still be in flight when stepTo passes the
	// second slot.
	m.Add("x", s, vitals.Interval(10*time.Second), vitals.Jitter(5*time.Second), vitals.InitialDelay(time.Second), vitals.Timeout(stepTimeout))
	m.Start()
	const runs = 40
	for i := 1; i <= runs; i++ {
		stepTo(t, clk)
		eventually(t, "run", func() bool { return state(t, m, "x").Stats.Runs() == uint64(i) })
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// From the second run on, slot k is slot 2 + (k-2)*interval, and each
	// run is within [slot, slot+jitter+resolution): so run 40 is 38
	// intervals after run 2, give or take one jitter. Accumulated jitter would drift by ~95s.
	second, last := s.times[1], s.times[len(s.times)-1]
	want := time.Duration(runs-2) * 10 * time.Second
	if d := last.Sub(second); d <= want-5*time.Second || d >= want+5*time.Second+10*time.Millisecond {
		t.Fatalf("run %d is %v after run 2, want %v ± jitter: the timetable drifted", runs, d, want)
	}
}

func TestRemovedCheckResultIsDropped(t *testing.T) {
	m := vitals.New(nil)
	gate := make(chan struct{})
	m.Add("x", vitals.CheckFunc(func(context.Context) error { <-gate; return errors.New("late") }), vitals.OnDemand(time.Second))
	var mu sync.Mutex
	var events []vitals.Event
	m.Subscribe(func(e vitals.Event) { mu.Lock(); events = append(events, e); mu.Unlock() })
	go m.Current(context.Background())
	eventually(t, "run in flight", func() bool { st, _ := m.State("x"); return st != nil && m.Remove("x") == nil })
	close(gate)
	m.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 0 {
		t.Fatalf("events after Remove: %+v", events)
	}
}
