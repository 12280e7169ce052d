package vitals_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

// The core of the design: no goroutine per check. 2,000 periodic checks
// run on the scheduler and a pool of four workers.
func TestNoGoroutinePerCheck(t *testing.T) {
	before := runtime.NumGoroutine()
	const workers, checks = 4, 2000
	m, _ := newFake(t, &vitals.Options{Workers: workers})
	var runs atomic.Int64
	for i := range checks {
		m.Add(fmt.Sprint("c", i), vitals.CheckFunc(func(context.Context) error { runs.Add(1); return nil }), vitals.Interval(time.Minute))
	}
	m.Start()
	eventually(t, "every check's first run", func() bool { return runs.Load() == checks })
	if g := runtime.NumGoroutine() - before; g > workers+1+2 {
		t.Fatalf("%d checks run on %d goroutines; want the scheduler and %d workers (+2 slack)", checks, g, workers)
	}
}

// The worker pool bounds how many periodic checks run at once.
func TestWorkerPoolIsBounded(t *testing.T) {
	const workers, checks = 2, 6
	m, _ := newFake(t, &vitals.Options{Workers: workers})
	gates := make(chan struct{}, checks)
	t.Cleanup(func() {
		for range checks {
			gates <- struct{}{}
		}
	})
	var running, peak, calls atomic.Int32
	for i := range checks {
		m.Add(fmt.Sprint("c", i), vitals.CheckFunc(func(context.Context) error {
			calls.Add(1)
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			<-gates
			running.Add(-1)
			return nil
		}), vitals.Interval(time.Hour), vitals.Timeout(time.Hour))
	}
	m.Start()
	for released := 0; released < checks; released++ {
		want := min(released+workers, checks)
		eventually(t, fmt.Sprintf("%d runs started", want), func() bool { return calls.Load() >= int32(want) })
		if p := peak.Load(); p > workers {
			t.Fatalf("%d checks ran at once with %d workers", p, workers)
		}
		gates <- struct{}{}
	}
	eventually(t, "every run finished", func() bool { return running.Load() == 0 })
	if p := peak.Load(); p > workers {
		t.Fatalf("%d checks ran at once with %d workers", p, workers)
	}
}

// RunOnce while a periodic run is in flight must not run the check a
// second time alongside it.
func TestRunOnceNeverRunsACheckTwiceAtOnce(t *testing.T) {
	m, _ := newFake(t, nil)
	gate := make(chan struct{})
	release := sync.OnceFunc(func() { close(gate) })
	t.Cleanup(release)
	var running, peak, calls atomic.Int32
	m.Add("db", vitals.CheckFunc(func(context.Context) error {
		calls.Add(1)
		if n := running.Add(1); n > peak.Load() {
			peak.Store(n)
		}
		defer running.Add(-1)
		<-gate
		return nil
	}), vitals.Interval(time.Hour), vitals.Timeout(time.Hour))
	m.Start()
	eventually(t, "the periodic run", func() bool { return calls.Load() == 1 })
	done := make(chan error, 1)
	go func() { _, err := m.RunOnce(context.Background()); done <- err }()
	eventually(t, "RunOnce waiting for the periodic run", func() bool { return vitals.Waiting(m, "db") })
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p != 1 {
		t.Fatalf("%d runs of one check at once", p)
	}
	if st := snapState(t, m, "db"); st.Status != vitals.StatusPass {
		t.Fatalf("status after RunOnce = %v", st.Status)
	}
}

// An on-demand check that hangs past its timeout fails with "timed out
// after 2s", is counted, and is not started again by later probes — which
// return at once — until the hung run returns.
func TestHungOnDemandCheckIsNotRestarted(t *testing.T) {
	m, clk := newFake(t, nil)
	gate := make(chan struct{})
	release := sync.OnceFunc(func() { close(gate) })
	t.Cleanup(release)
	var calls atomic.Int32
	m.Add("dep", vitals.CheckFunc(func(context.Context) error {
		if calls.Add(1) == 1 {
			<-gate // ignores its context
		}
		return nil
	}), vitals.OnDemand(time.Second), vitals.Timeout(2*time.Second))
	probed := make(chan *vitals.Snapshot, 1)
	go func() { probed <- m.Current(context.Background()) }()
	clk.WaitForTimers(1) // the run's timeout
	clk.Advance(2 * time.Second)
	st, _ := (<-probed).Check("dep")
	if st.Status != vitals.StatusFail || st.Last.Message != "timed out after 2s" || !st.Hung || st.Stats.Timeouts != 1 {
		t.Fatalf("after the timeout: %+v", st)
	}
	clk.Advance(5 * time.Second) // well past the TTL
	for range 100 {
		m.Current(context.Background()) // would block (fake clock) if it waited for the hung run
	}
	// The first run's goroutine may not have been scheduled yet when its
	// timeout fired: wait until it started, then it must be the only one.
	eventually(t, "the first run started", func() bool { return calls.Load() >= 1 })
	if n := calls.Load(); n != 1 {
		t.Fatalf("the hung check was started %d times", n)
	}
	release()
	eventually(t, "late return", func() bool { return state(t, m, "dep").Stats.LateReturns == 1 })
	if st, _ := m.Current(context.Background()).Check("dep"); st.Status != vitals.StatusPass || calls.Load() != 2 {
		t.Fatalf("after the hung run returned: %v, %d calls", st.Status, calls.Load())
	}
}

// A panicking periodic check fails with the panic value every time and
// does not take a worker with it: with one worker, the other check keeps
// running.
func TestPanicInPeriodicCheckKeepsThePool(t *testing.T) {
	m, clk := newFake(t, &vitals.Options{Workers: 1})
	m.Add("boom", vitals.CheckFunc(func(context.Context) error { panic(errors.New("nil map")) }), vitals.Interval(time.Second))
	ok := &script{def: pass()}
	m.Add("ok", ok, vitals.Interval(time.Second))
	m.Start()
	const runs = 5
	for i := 1; i <= runs; i++ {
		eventually(t, "both ran", func() bool {
			return state(t, m, "boom").Stats.Runs() == uint64(i) && state(t, m, "ok").Stats.Runs() == uint64(i)
		})
		clk.Advance(time.Second)
	}
	st := state(t, m, "boom")
	var pe *vitals.PanicError
	if st.Status != vitals.StatusFail || st.Stats.Panics < runs || !errors.As(st.Last.Err, &pe) || st.Last.Message != "check panicked: nil map" {
		t.Fatalf("panicking check: status %v, panics %d, last %+v", st.Status, st.Stats.Panics, st.Last)
	}
}

// A slow listener never holds up the scheduler: with the only listener
// stuck, a flapping periodic check keeps running on time, and the
// listener later learns how many transitions it missed.
func TestSlowListenerDoesNotBlockTheScheduler(t *testing.T) {
	m, clk := newFake(t, &vitals.Options{ListenerQueue: 4})
	const runs = 40
	s := &script{}
	for i := range runs {
		if i%2 == 0 {
			s.next = append(s.next, pass())
		} else {
			s.next = append(s.next, fail())
		}
	}
	m.Add("flap", s, vitals.Interval(time.Second), vitals.Timeout(stepTimeout))
	gate := make(chan struct{})
	var open sync.Once
	// Close waits for the listener: a failing test must open the gate too.
	defer open.Do(func() { close(gate) })
	var mu sync.Mutex
	delivered, missed := 0, 0
	m.Subscribe(func(e vitals.Event) {
		<-gate
		mu.Lock()
		delivered++
		missed += e.Missed
		mu.Unlock()
	})
	m.Start()
	for i := 1; i <= runs; i++ {
		eventually(t, fmt.Sprintf("run %d", i), func() bool { return state(t, m, "flap").Stats.Runs() == uint64(i) })
		if i < runs {
			stepTo(t, clk)
		}
	}
	open.Do(func() { close(gate) })
	m.Close()
	mu.Lock()
	defer mu.Unlock()
	if delivered+missed != runs || missed == 0 {
		t.Fatalf("delivered %d + missed %d, want %d transitions with some missed", delivered, missed, runs)
	}
}

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

// Err turns a failing result without an Err into an error with its
// message, and a panic into an error.
func TestErrOfAFailureWithoutAnErrorAndOfAPanic(t *testing.T) {
	ctx := context.Background()
	msg := vitals.ResultFunc(func(context.Context) vitals.Result { return vitals.Failf("queue depth %d", 90) })
	if err := vitals.Err(ctx, msg); err == nil || err.Error() != "queue depth 90" {
		t.Errorf("Err(Failf) = %v", err)
	}
	bare := vitals.ResultFunc(func(context.Context) vitals.Result {
		return vitals.Result{Status: vitals.StatusFail, Message: "no replica"}
	})
	if err := vitals.Err(ctx, bare); err == nil || err.Error() != "no replica" {
		t.Errorf("Err(fail without Err) = %v", err)
	}
	boom := vitals.CheckFunc(func(context.Context) error { panic("boom") })
	var pe *vitals.PanicError
	if err := vitals.Err(ctx, boom); !errors.As(err, &pe) || pe.Value != "boom" {
		t.Errorf("Err(panic) = %v", err)
	}
}
