package vitals_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalstest"
	"go.uber.org/goleak"
)

func TestShutdownOrder(t *testing.T) {
	// The checks' timeout is not the drain delay's 5s, so the drain timer is
	// the only timer of 5s the test can see armed.
	clk := &armSpy{Clock: vitalstest.NewClock(epoch), d: 5 * time.Second, armed: make(chan time.Time, 1)}
	m := vitals.New(&vitals.Options{Clock: clk, DrainDelay: 5 * time.Second})
	t.Cleanup(func() { m.Close() })
	s := &script{def: pass()}
	m.Add("db", s, vitals.Interval(time.Second), vitals.Timeout(time.Second/2))
	m.Add("proc", &script{def: pass()}, vitals.Groups(vitals.Liveness), vitals.Interval(time.Second), vitals.Timeout(time.Second/2))
	m.Start()
	if err := m.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Shutdown(context.Background()) }()
	eventually(t, "readiness stopping", func() bool { return group(t, m, vitals.Readiness) == vitals.StatusStopping })
	if g := group(t, m, vitals.Liveness); g != vitals.StatusPass {
		t.Errorf("liveness during drain = %v, want pass", g)
	}
	if s := m.Snapshot(); s.Status != vitals.StatusStopping {
		t.Errorf("overall during drain = %v", s.Status)
	}
	var armedAt time.Time
	select {
	case armedAt = <-clk.armed:
	case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("Shutdown never armed its drain timer")
	}
	// Checks keep running during the drain delay.
	calls := s.calls.Load()
	clk.Advance(time.Second)
	eventually(t, "a run during the drain", func() bool { return s.calls.Load() > calls })
	clk.Set(armedAt.Add(5*time.Second - time.Nanosecond))
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned before the drain delay: %v", err)
	default:
	}
	clk.Set(armedAt.Add(5 * time.Second))
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Shutdown = %v", err)
		}
	case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("Shutdown did not return after the drain delay")
	}
	if err := m.Add("late", &script{}); !errors.Is(err, vitals.ErrClosed) {
		t.Errorf("Add after shutdown = %v", err)
	}
}

func TestShutdownRespectsContext(t *testing.T) {
	m, _ := newFake(t, &vitals.Options{DrainDelay: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown with a dead context = %v", err)
	}
}

func TestWaitReady(t *testing.T) {
	m, clk := newFake(t, nil)
	s := &script{def: fail()}
	m.Add("db", s, vitals.Interval(time.Second))
	m.Start()
	done := make(chan error, 1)
	go func() { done <- m.WaitReady(context.Background()) }()
	eventually(t, "first run", func() bool { return state(t, m, "db").Stats.Runs() == 1 })
	select {
	case err := <-done:
		t.Fatalf("WaitReady returned while failing: %v", err)
	default:
	}
	s.set(pass())
	clk.Advance(time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m2 := vitals.New(nil)
	defer m2.Close()
	m2.Add("never", &script{def: fail()})
	if err := m2.WaitReady(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitReady(cancelled) = %v", err)
	}
}

func TestCriticalFailureHook(t *testing.T) {
	fired := make(chan string, 10)
	m := vitals.New(&vitals.Options{OnCriticalFailure: func(e vitals.Event) { fired <- e.Check }})
	crit := &script{def: pass()}
	soft := &script{def: fail()}
	m.Add("db", crit, vitals.FailureThreshold(2))
	m.Add("cache", soft, vitals.Critical(false))
	ctx := context.Background()
	m.RunOnce(ctx)
	crit.set(fail())
	m.RunOnce(ctx) // one failure: below the threshold
	m.RunOnce(ctx) // reaches it
	m.RunOnce(ctx) // still failing: no second call
	m.Close()
	if got := <-fired; got != "db" {
		t.Fatalf("hook fired for %q, want db", got)
	}
	select {
	case got := <-fired:
		t.Fatalf("hook fired again, for %q", got)
	case <-time.After(50 * time.Millisecond): // a negative check, not a timing assertion
	}
}

func TestSlowListenerNeverBlocks(t *testing.T) {
	m := vitals.New(&vitals.Options{ListenerQueue: 8})
	s := &script{}
	m.Add("flap", s)
	gate := make(chan struct{})
	var mu sync.Mutex
	var got []vitals.Event
	m.Subscribe(func(e vitals.Event) {
		<-gate
		mu.Lock()
		got = append(got, e)
		mu.Unlock()
	})
	ctx := context.Background()
	const flips = 200
	for i := range flips {
		if i%2 == 0 {
			s.set(pass())
		} else {
			s.set(fail())
		}
		if _, err := m.RunOnce(ctx); err != nil { // must not block on the stuck listener
			t.Fatal(err)
		}
	}
	close(gate)
	m.Close()
	mu.Lock()
	defer mu.Unlock()
	missed := 0
	for _, e := range got {
		missed += e.Missed
	}
	if len(got)+missed != flips {
		t.Errorf("delivered %d + missed %d != %d transitions", len(got), missed, flips)
	}
	// The listener holds at most one taken batch and one full queue.
	if missed == 0 || len(got) > 2*8+1 {
		t.Errorf("delivered %d, missed %d: the queue bound (8) was not applied", len(got), missed)
	}
	if last := got[len(got)-1]; last.To != vitals.StatusFail {
		t.Errorf("the newest event must survive: last = %v", last.To)
	}
	for i := 1; i < len(got); i++ {
		if got[i].From != got[i-1].To && got[i].Missed == 0 {
			t.Errorf("events out of order at %d: %v->%v after %v->%v", i, got[i].From, got[i].To, got[i-1].From, got[i-1].To)
		}
	}
}

func TestEnableDisableRemoveWhileRunning(t *testing.T) {
	m, clk := newFake(t, nil)
	s := &script{def: fail()}
	m.Add("x", s, vitals.Interval(time.Second), vitals.Timeout(stepTimeout))
	m.Add("y", &script{def: pass()}, vitals.Interval(time.Second), vitals.Timeout(stepTimeout))
	m.Start()
	eventually(t, "x and y ran", func() bool {
		return state(t, m, "x").Stats.Runs() == 1 && state(t, m, "y").Stats.Runs() == 1
	})
	if got := group(t, m, vitals.Readiness); got != vitals.StatusFail {
		t.Fatalf("readiness = %v", got)
	}
	m.Disable("x")
	if got := group(t, m, vitals.Readiness); got != vitals.StatusPass {
		t.Fatalf("readiness with x disabled = %v", got)
	}
	calls := s.calls.Load()
	for range 3 {
		clk.Advance(time.Second)
	}
	if s.calls.Load() != calls {
		t.Fatal("a disabled check ran")
	}
	m.Enable("x")
	eventually(t, "x runs again", func() bool { return s.calls.Load() > calls })
	m.Remove("x")
	if _, ok := m.Snapshot().Check("x"); ok {
		t.Fatal("removed check still in snapshot")
	}
	calls = s.calls.Load()
	for range 3 {
		stepTo(t, clk)
	}
	if s.calls.Load() > calls+1 { // at most the run already dispatched
		t.Fatal("a removed check kept running")
	}
	if err := m.Add("x", &script{def: pass()}); err != nil {
		t.Fatalf("re-adding a removed name: %v", err)
	}
}

func TestObserveSeesEveryResult(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	s := &script{def: pass()}
	m.Add("x", s)
	var mu sync.Mutex
	var runs []uint64
	remove := m.Observe(func(st *vitals.CheckState) {
		mu.Lock()
		runs = append(runs, st.Stats.Runs())
		mu.Unlock()
	})
	for range 5 {
		runOnce(t, m) // no transition after the first: observers still see each run
	}
	remove()
	runOnce(t, m)
	mu.Lock()
	defer mu.Unlock()
	if len(runs) != 5 || runs[0] != 1 || runs[4] != 5 {
		t.Fatalf("observed runs %v, want [1 2 3 4 5]", runs)
	}
}

func TestEnableOnDemandCheckWhileRunning(t *testing.T) {
	m, clk := newFake(t, nil)
	s := &script{def: pass()}
	m.Add("dep", s, vitals.OnDemand(time.Second))
	m.Start()
	m.Disable("dep")
	m.Enable("dep") // must not put an on-demand check on the timetable
	clk.Advance(time.Second)
	if n := s.calls.Load(); n != 0 {
		t.Fatalf("on-demand check ran %d times without a probe", n)
	}
	m.Current(context.Background())
	if n := s.calls.Load(); n != 1 {
		t.Fatalf("probe made %d calls, want 1", n)
	}
}

// Shutdown after Close has nothing to drain for and returns at once, with
// the drain delay still ahead on the clock.
func TestShutdownAfterCloseSkipsTheDrain(t *testing.T) {
	m, _ := newFake(t, &vitals.Options{DrainDelay: time.Hour})
	m.Close()
	done := make(chan error, 1)
	go func() { done <- m.Shutdown(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Shutdown after Close: %v", err)
		}
	case <-time.After(10 * time.Second): // only stops a hung test; the fake clock never moves
		t.Fatal("Shutdown after Close waited for the drain delay")
	}
}

// TestCloseDeliversEventsOfRecordedResults: a result that State shows
// before Close has its transition delivered to listeners, even when Close
// comes right after the result was recorded, before its event was queued.
func TestCloseDeliversEventsOfRecordedResults(t *testing.T) {
	for i := range 300 {
		m := vitals.New(nil)
		var got atomic.Int32
		m.Subscribe(func(vitals.Event) { got.Add(1) })
		m.Add("x", vitals.CheckFunc(func(context.Context) error { return nil }), vitals.Interval(time.Hour))
		m.Start()
		// Spin, not Eventually: Close must come right after the result is
		// recorded, where the event may not be queued yet.
		for deadline := time.Now().Add(10 * time.Second); ; runtime.Gosched() {
			if st, _ := m.State("x"); st.Stats.Runs() == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the check never ran")
			}
		}
		m.Close()
		if n := got.Load(); n != 1 {
			t.Fatalf("iteration %d: %d events delivered for a recorded unknown→pass, want 1", i, n)
		}
	}
}

// Close stops and waits for every goroutine the monitor started: the
// scheduler, the workers, the listeners and the runs in flight.
func TestCloseWaitsForEveryGoroutine(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	m, _ := newFake(t, &vitals.Options{Workers: 3})
	m.Add("periodic", &script{def: pass()}, vitals.Interval(time.Second))
	entered := make(chan struct{})
	m.Add("blocked", vitals.CheckFunc(func(ctx context.Context) error {
		close(entered)
		<-ctx.Done() // released by Close's cancellation
		return ctx.Err()
	}), vitals.OnDemand(time.Second), vitals.Timeout(time.Hour))
	m.Subscribe(func(vitals.Event) {})
	m.Start()
	probed := make(chan struct{})
	go func() { defer close(probed); m.Current(context.Background()) }()
	<-entered
	m.Close()
	<-probed
	goleak.VerifyNone(t, ignore)
}

// Shutdown turns readiness Stopping at once (liveness stays up), waits
// exactly the drain delay on the monitor's clock, then stops: nothing runs
// afterwards.
func TestShutdownWaitsExactlyTheDrainDelay(t *testing.T) {
	m, clk := newFake(t, &vitals.Options{DrainDelay: 5 * time.Second})
	// Initial delays keep the first runs an hour away, so the drain timer
	// is the earliest one armed.
	later := &script{def: pass()}
	m.Add("later", later, vitals.Interval(time.Minute), vitals.InitialDelay(time.Hour))
	m.Add("proc", &script{def: pass()}, vitals.Groups(vitals.Liveness), vitals.Interval(time.Minute), vitals.InitialDelay(time.Hour))
	m.Start()
	clk.WaitForTimers(1) // the scheduler's, for the first runs
	if at, _ := clk.NextTimer(); !at.Equal(epoch.Add(time.Hour)) {
		t.Fatalf("the scheduler's timer is due at %v, want %v", at, epoch.Add(time.Hour))
	}
	pending := clk.Pending()
	done := make(chan error, 1)
	go func() { done <- m.Shutdown(context.Background()) }()
	clk.WaitForTimers(pending + 1)
	if at, _ := clk.NextTimer(); !at.Equal(epoch.Add(5 * time.Second)) {
		t.Fatalf("the drain timer is due at %v, want %v", at, epoch.Add(5*time.Second))
	}
	if g := group(t, m, vitals.Readiness); g != vitals.StatusStopping {
		t.Errorf("readiness during the drain = %v", g)
	}
	if g := group(t, m, vitals.Liveness); g != vitals.StatusPass {
		t.Errorf("liveness during the drain = %v", g)
	}
	clk.Advance(5*time.Second - time.Nanosecond)
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v before the drain delay", err)
	default:
	}
	clk.Advance(time.Nanosecond)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second): // a hang guard
		t.Fatal("Shutdown did not return after the drain delay")
	}
	clk.Advance(2 * time.Hour)
	if n := later.calls.Load(); n != 0 {
		t.Errorf("a check ran %d times after Shutdown returned", n)
	}
	if g := group(t, m, vitals.Readiness); g != vitals.StatusStopping {
		t.Errorf("readiness after Shutdown = %v", g)
	}
}

// The lifecycle methods refuse what cannot be done any more.
func TestLifecycleAfterClose(t *testing.T) {
	m := vitals.New(nil)
	m.Add("db", &script{def: pass()})
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if err := m.Start(); !errors.Is(err, vitals.ErrClosed) {
		t.Errorf("Start after Close = %v, want ErrClosed", err)
	}
	if _, err := m.RunOnce(context.Background()); !errors.Is(err, vitals.ErrClosed) {
		t.Errorf("RunOnce after Close = %v, want ErrClosed", err)
	}
	if err := m.WaitReady(context.Background()); !errors.Is(err, vitals.ErrClosed) {
		t.Errorf("WaitReady after Close = %v, want ErrClosed", err)
	}
	m.Subscribe(func(vitals.Event) { t.Error("a listener added after Close was called") })()
	if s := m.Snapshot(); s.Status != vitals.StatusStopping {
		t.Errorf("status after Close = %v, want stopping", s.Status)
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

// armSpy is a fake clock that tells the test the clock's time when a timer
// of d has been armed. The test must not move the clock between the arming
// and its receive.
type armSpy struct {
	*vitalstest.Clock
	d     time.Duration
	armed chan time.Time
}

func (c *armSpy) AfterFunc(d time.Duration, f func()) vitals.Timer {
	t := c.Clock.AfterFunc(d, f)
	if d == c.d {
		select {
		case c.armed <- c.Now():
		default:
		}
	}
	return t
}

// closeReturns fails the test unless m.Close returns: a hang guard, not a
// timing bound (the runs here time out after 50ms).
func closeReturns(t *testing.T, m *vitals.Monitor) {
	t.Helper()
	done := make(chan struct{})
	go func() { m.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waits for a check that ignores its context")
	}
}

// Close does not wait for a goroutine stuck in a run that ignores its
// context: neither for one abandoned before Close (which waited forever)
// nor, past its timeout, for one in flight when Close began.
func TestCloseLeavesHungRunsBehind(t *testing.T) {
	for _, abandonFirst := range []bool{true, false} {
		release := make(chan struct{})
		started := make(chan struct{}, 1)
		m := vitals.New(nil)
		m.Add("hung", vitals.CheckFunc(func(context.Context) error {
			started <- struct{}{}
			<-release // ignores its context: a driver stuck in a syscall
			return nil
		}), vitals.Interval(time.Hour), vitals.Timeout(50*time.Millisecond))
		m.Start()
		<-started
		if abandonFirst {
			eventually(t, "the run abandoned", func() bool { return state(t, m, "hung").Hung })
			if st := state(t, m, "hung"); st.Stats.Timeouts != 1 {
				t.Errorf("stats %+v, want one timeout", st.Stats)
			}
		}
		closeReturns(t, m)
		close(release)
		if abandonFirst {
			eventually(t, "the late return counted", func() bool { return state(t, m, "hung").Stats.LateReturns == 1 })
		}
	}
}
