package vitals_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

// hung is a checker whose runs never return until release is closed,
// whatever their context says: the worst dependency there is.
type hung struct {
	release <-chan struct{}
	started chan struct{} // receives once per run, if not nil
}

func (h hung) Check(context.Context) vitals.Result {
	if h.started != nil {
		h.started <- struct{}{}
	}
	<-h.release
	return vitals.Result{Status: vitals.StatusPass}
}

// counting is a fast checker that reports each run on a channel.
type counting chan struct{}

func (c counting) Check(context.Context) vitals.Result {
	select {
	case c <- struct{}{}:
	default:
	}
	return vitals.Result{Status: vitals.StatusPass}
}

// TestHungChecksDoNotStarveOthers is the starvation the pool had: with
// every worker inside a check that never returns (and a timeout far away),
// no other check ran until those timed out. Now a run that outlasts the
// monitor's tick hands its worker over, so a fast check keeps its cadence
// however many runs are stuck, and the goroutines stay bounded by the
// workers plus one per run in flight.
func TestHungChecksDoNotStarveOthers(t *testing.T) {
	const workers, stuck = 4, 40
	release := make(chan struct{})
	var releaseOnce sync.Once
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	defer unblock()

	before := runtime.NumGoroutine()
	m := vitals.New(&vitals.Options{Workers: workers})
	defer m.Close()
	defer unblock() // runs first: Close waits for the stuck runs
	started := make(chan struct{}, stuck)
	for i := range stuck {
		err := m.Add(fmt.Sprintf("stuck-%02d", i), hung{release: release, started: started},
			vitals.Interval(time.Second), vitals.Timeout(time.Hour), vitals.Critical(false))
		if err != nil {
			t.Fatal(err)
		}
	}
	fast := startWithFast(t, m)

	guard := time.After(20 * time.Second) // stops a starved test only
	for range stuck {
		select {
		case <-started:
		case <-guard:
			t.Fatal("not every stuck check started: the pool is still held by hung runs")
		}
	}
	for i := range 5 {
		select {
		case <-fast:
		case <-guard:
			t.Fatalf("the fast check ran %d times, then starved behind %d hung runs and %d workers", i, stuck, workers)
		}
	}
	// Every stuck run holds one goroutine; the pool still has its workers
	// and the scheduler its one. The slack is for the runtime and timers.
	if n, limit := runtime.NumGoroutine()-before, stuck+workers+1+4; n > limit {
		t.Errorf("%d goroutines for %d stuck runs and %d workers, want at most %d", n, stuck, workers, limit)
	}
	if st := snapState(t, m, "fast"); st.Status != vitals.StatusPass {
		t.Errorf("fast check %v, want pass", st.Status)
	}
	// Released, the handed-over runs return and their goroutines leave:
	// the pool is back to its size, neither grown nor shrunk.
	unblock()
	eventually(t, "the pool back to its workers and the scheduler", func() bool {
		return runtime.NumGoroutine()-before == workers+1
	})
}

// startWithFast adds "fast", a counting check every 20ms, and starts m.
func startWithFast(t *testing.T, m *vitals.Monitor) counting {
	t.Helper()
	fast := make(counting, 1)
	if err := m.Add("fast", fast, vitals.Interval(20*time.Millisecond), vitals.Timeout(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	return fast
}

// blocking is a checker that waits for its context, like a client stuck
// on a dependency that never answers, and counts its runs.
type blocking struct{ runs chan struct{} }

func (b blocking) Check(ctx context.Context) vitals.Result {
	select {
	case b.runs <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return vitals.Result{Status: vitals.StatusFail, Err: ctx.Err()}
}

// TestHandedOverRunsStillTimeOut: a run that handed its worker over is
// still abandoned at its timeout (Fail, counted), starts again on its next
// slot, and the pool keeps serving the fast check meanwhile, with one
// worker.
func TestHandedOverRunsStillTimeOut(t *testing.T) {
	m := vitals.New(&vitals.Options{Workers: 1})
	defer m.Close()
	slow := blocking{runs: make(chan struct{}, 1)}
	if err := m.Add("slow", slow, vitals.Interval(20*time.Millisecond), vitals.Timeout(50*time.Millisecond), vitals.Critical(false)); err != nil {
		t.Fatal(err)
	}
	fast := startWithFast(t, m)
	guard := time.After(20 * time.Second) // stops a hung test only
	for i := range 3 {
		select {
		case <-slow.runs:
		case <-guard:
			t.Fatalf("the slow check started %d times, want 3: its timed-out runs were not abandoned", i)
		}
		select {
		case <-fast:
		case <-guard:
			t.Fatalf("the fast check starved behind the slow one after %d rounds", i)
		}
	}
	eventually(t, "slow check failing with timeouts", func() bool {
		st := state(t, m, "slow")
		return st.Status == vitals.StatusFail && st.Stats.Timeouts >= 2
	})
	if st := state(t, m, "fast"); st.Status != vitals.StatusPass {
		t.Errorf("fast check %v, want pass", st.Status)
	}
}

// TestBacklogHandsOverWithinAMillisecond: at Start every check is due at
// once and nothing yet tells a hung one from a healthy one. While runs wait
// for a worker, a run that takes a millisecond hands its worker over, so
// hung checks ahead of a healthy one in the queue cost it about a
// millisecond each, not a tick (100ms for these 1-minute checks). The test
// steps the fake clock from one armed timer to the next and adds up the
// time until the healthy check runs: 10 hung runs ahead of it on one worker
// took 10 ticks before.
func TestBacklogHandsOverWithinAMillisecond(t *testing.T) {
	const stuck, tick = 10, 100 * time.Millisecond
	m, clk := newFake(t, &vitals.Options{Workers: 1})
	release := make(chan struct{})
	defer close(release) // before the Cleanup's Close
	started := make(chan struct{}, stuck)
	for i := range stuck {
		err := m.Add(fmt.Sprintf("stuck-%02d", i), hung{release: release, started: started},
			vitals.Interval(time.Minute), vitals.Timeout(time.Hour), vitals.Critical(false))
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	guard := time.After(20 * time.Second) // stops a hung test only
	select {
	case <-started:
	case <-guard:
		t.Fatal("no stuck check started")
	}
	// Added now, the fast check queues behind every stuck one but the
	// first, which holds the only worker.
	fast := make(counting, 1)
	if err := m.Add("fast", fast, vitals.Interval(time.Minute), vitals.Timeout(time.Hour)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "every run queued", func() bool { return vitals.QueueLen(m) == stuck })
	var waited time.Duration
	for step := 1; ; step++ {
		// The worker in a run has armed its timer before the run began.
		at, ok := clk.NextTimer()
		if !ok {
			t.Fatalf("step %d: no timer armed", step)
		}
		waited += at.Sub(clk.Now())
		clk.Set(at)
		select {
		case <-fast:
			// The first run may have begun before the others were queued
			// (one tick); each after it, a millisecond.
			if limit := tick + stuck*time.Millisecond; waited > limit {
				t.Errorf("the fast check ran after %v of fake time behind %d hung runs, want at most %v", waited, stuck, limit)
			}
			return
		case <-started:
		case <-guard:
			t.Fatalf("the fast check did not run after %d steps and %v of fake time", step, waited)
		}
	}
}
