package vitals_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalstest"
)

// stepTo moves the fake clock to the next armed timer and returns its time.
// Tests that step give their checks Timeout(stepTimeout): a pool worker's
// timeout timer is armed while it runs and stays armed until it waits for
// work, and for a moment it can be the only timer, before the scheduler has
// armed its own for the next run. stepTo never steps to a timer stepHorizon
// or more away, so it waits for the scheduler's instead of timing the run
// out; a test that steps must therefore always have a timer due sooner.
func stepTo(t *testing.T, clk *vitalstest.Clock) time.Time {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second) // stops a hung test only
	for {
		clk.WaitForTimers(1)
		// A run's timeout timer can be stopped between the two calls.
		if at, ok := clk.NextTimer(); ok && at.Sub(clk.Now()) < stepHorizon {
			clk.Set(at)
			return at
		}
		if time.Now().After(deadline) {
			t.Fatalf("stepTo: no timer due within %v", stepHorizon)
		}
		runtime.Gosched()
	}
}

// stepTimeout is the timeout of the checks of tests that step, and
// stepHorizon how far stepTo looks ahead; see there.
const (
	stepTimeout = 24 * time.Hour
	stepHorizon = 12 * time.Hour
)

func TestPeriodicRunsOnInterval(t *testing.T) {
	m, clk := newFake(t, nil)
	s := &script{def: pass()}
	m.Add("x", s, vitals.Interval(10*time.Second), vitals.Timeout(stepTimeout))
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	// Recorded, not only called: a run still in flight when the next is due
	// makes the scheduler skip that one.
	eventually(t, "first run", func() bool { return state(t, m, "x").Stats.Runs() == 1 })
	// The second run comes at the check's phase, within one interval; from
	// there on the runs are exactly one interval apart.
	if at := stepTo(t, clk); at.Sub(epoch) <= 0 || at.Sub(epoch) > 10*time.Second {
		t.Fatalf("second run due %v after the first, want within one interval", at.Sub(epoch))
	}
	eventually(t, "second run", func() bool { return state(t, m, "x").Stats.Runs() == 2 })
	for i := 3; i <= 6; i++ {
		clk.Advance(9 * time.Second)
		if got := s.calls.Load(); got != int64(i-1) {
			t.Fatalf("run %d happened early: calls = %d", i, got)
		}
		clk.Advance(time.Second)
		eventually(t, "next run", func() bool { return s.calls.Load() == int64(i) })
		eventually(t, "result recorded", func() bool { return state(t, m, "x").Stats.Runs() == uint64(i) })
	}
	if err := m.Start(); err == nil {
		t.Error("second Start must fail")
	}
}

func TestJitterAndInitialDelayBounds(t *testing.T) {
	m, clk := newFake(t, nil)
	const (
		interval = 10 * time.Second
		jit      = 2 * time.Second
		delay    = 3 * time.Second
	)
	s := &script{def: pass(), clk: clk}
	m.Add("x", s, vitals.Interval(interval), vitals.Jitter(jit), vitals.InitialDelay(delay), vitals.Timeout(stepTimeout))
	m.Start()
	const runs = 60
	for i := 1; i <= runs; i++ {
		stepTo(t, clk)
		eventually(t, "run", func() bool { return state(t, m, "x").Stats.Runs() == uint64(i) })
	}
	s.mu.Lock()
	times := append([]time.Time(nil), s.times...)
	s.mu.Unlock()
	const slack = 10 * time.Millisecond // scheduler timer resolution; never early
	if first := times[0].Sub(epoch); first < delay || first >= delay+jit+slack {
		t.Errorf("first run after %v, want in [%v, %v)", first, delay, delay+jit)
	}
	distinct := map[time.Duration]bool{}
	for i := 1; i < len(times); i++ {
		gap := times[i].Sub(times[i-1])
		// Each due time is the previous due time + interval + U[0, jitter);
		// runs start at most slack after their due time. The first gap is
		// shortened by the check's phase (see Monitor.Start), never
		// lengthened.
		low := interval - slack - jit
		if i == 1 {
			low = 0
		}
		if gap < low || gap >= interval+jit+slack {
			t.Errorf("gap %d = %v, want within interval %v + jitter %v", i, gap, interval, jit)
		}
		distinct[gap.Round(time.Millisecond)] = true
	}
	if len(distinct) < 10 {
		t.Errorf("only %d distinct gaps over %d runs: jitter is not random", len(distinct), runs)
	}
}

func TestTimeoutAbandonsHungRun(t *testing.T) {
	m, clk := newFake(t, nil)
	release := make(chan struct{})
	unblock := sync.OnceFunc(func() { close(release) })
	t.Cleanup(unblock) // runs before the monitor's Close, registered earlier
	var started sync.WaitGroup
	started.Add(1)
	calls := 0
	var ctxErr error
	var mu sync.Mutex
	ch := vitals.CheckFunc(func(ctx context.Context) error {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 1 {
			started.Done()
			<-release // ignores ctx: a hung driver
			mu.Lock()
			ctxErr = ctx.Err()
			mu.Unlock()
		}
		return nil
	})
	m.Add("hung", ch, vitals.Timeout(2*time.Second), vitals.Interval(10*time.Second))
	m.Start()
	started.Wait()
	before := runtime.NumGoroutine()
	clk.Advance(2 * time.Second)
	eventually(t, "timeout recorded", func() bool { return state(t, m, "hung").Status == vitals.StatusFail })
	st := state(t, m, "hung")
	if st.Last.Message != "timed out after 2s" || !errors.Is(st.Last.Err, vitals.ErrTimeout) || !errors.Is(st.Last.Err, context.DeadlineExceeded) {
		t.Errorf("last = %+v", st.Last)
	}
	if st.Stats.Timeouts != 1 || !st.Hung {
		t.Errorf("stats = %+v, hung = %v", st.Stats, st.Hung)
	}

	// Next due runs are skipped, not stacked, while the abandoned run is
	// stuck. (The second slot may already have passed during the timeout:
	// Start shifts each check's timetable by a phase.)
	skipped := st.Stats.Skipped
	for range 3 {
		stepTo(t, clk)
		eventually(t, "skip counted", func() bool { return state(t, m, "hung").Stats.Skipped > skipped })
		skipped = state(t, m, "hung").Stats.Skipped
	}
	mu.Lock()
	if calls != 1 {
		t.Errorf("check started %d times while hung, want 1", calls)
	}
	mu.Unlock()
	if g := runtime.NumGoroutine(); g > before+2 {
		t.Errorf("goroutines grew from %d to %d while hung", before, g)
	}

	unblock()
	eventually(t, "late return", func() bool { return state(t, m, "hung").Stats.LateReturns == 1 })
	mu.Lock()
	if !errors.Is(ctxErr, context.DeadlineExceeded) {
		t.Errorf("ctx.Err() in abandoned run = %v, want DeadlineExceeded", ctxErr)
	}
	mu.Unlock()
	stepTo(t, clk)
	eventually(t, "runs again and passes", func() bool { return state(t, m, "hung").Status == vitals.StatusPass })
	if state(t, m, "hung").Hung {
		t.Error("still marked hung after it returned")
	}
}

// A run that fails at its deadline with the driver's own error (go-redis
// says "i/o timeout") before the monitor abandons it matches the same
// errors as an abandoned run, and keeps its message and chain.
func TestFailureAtTheDeadlineIsATimeout(t *testing.T) {
	clk := &stoppedClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	m := vitals.New(&vitals.Options{Clock: clk})
	defer m.Close()
	driverErr := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	m.Add("late", vitals.CheckFunc(func(ctx context.Context) error {
		dl, _ := ctx.Deadline()
		clk.set(dl) // the driver's socket deadline, the ctx's, has come
		return driverErr
	}), vitals.Timeout(time.Second))
	m.Add("early", vitals.CheckFunc(func(ctx context.Context) error { return driverErr }), vitals.Timeout(time.Hour))
	snap, err := m.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	late, _ := snap.Check("late")
	early, _ := snap.Check("early")
	var op *net.OpError
	if r := late.Last; !errors.Is(r.Err, vitals.ErrTimeout) || !errors.Is(r.Err, context.DeadlineExceeded) || !errors.As(r.Err, &op) || r.Message != driverErr.Error() {
		t.Errorf("a failure at the deadline: %+v", r)
	}
	if r := early.Last; r.Status != vitals.StatusFail || errors.Is(r.Err, vitals.ErrTimeout) || errors.Is(r.Err, context.DeadlineExceeded) {
		t.Errorf("a failure before the deadline counts as a timeout: %+v", r)
	}
}

// stoppedClock is a clock whose time moves only when a test sets it and
// whose timers never fire: the monitor never abandons a run on its own.
type stoppedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stoppedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stoppedClock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func (c *stoppedClock) AfterFunc(time.Duration, func()) vitals.Timer { return stoppedTimer{} }

type stoppedTimer struct{}

func (stoppedTimer) Stop() bool               { return true }
func (stoppedTimer) Reset(time.Duration) bool { return true }

func TestTimeoutCancelsContext(t *testing.T) {
	m, clk := newFake(t, nil)
	entered := make(chan struct{})
	var deadline time.Time
	m.Add("slow", vitals.CheckFunc(func(ctx context.Context) error {
		deadline, _ = ctx.Deadline()
		close(entered)
		<-ctx.Done()
		return ctx.Err()
	}), vitals.Timeout(3*time.Second), vitals.Interval(time.Minute))
	m.Start()
	<-entered
	if want := epoch.Add(3 * time.Second); !deadline.Equal(want) {
		t.Errorf("ctx deadline = %v, want %v", deadline, want)
	}
	clk.Advance(3 * time.Second)
	eventually(t, "fail", func() bool { return state(t, m, "slow").Status == vitals.StatusFail })
	eventually(t, "returned", func() bool { return !state(t, m, "slow").Hung })
}

func TestMaxAgeTurnsStaleResultIntoFail(t *testing.T) {
	m, clk := newFake(t, nil)
	s := &script{def: pass()}
	// Interval 10s, timeout 2s: max age must exceed 12s.
	if err := m.Add("bad", s, vitals.Interval(10*time.Second), vitals.Timeout(2*time.Second), vitals.MaxAge(12*time.Second)); err == nil {
		t.Fatal("max age equal to interval + timeout accepted")
	}
	m.Add("x", s, vitals.Interval(10*time.Second), vitals.Timeout(2*time.Second), vitals.MaxAge(13*time.Second))
	m.Start()
	eventually(t, "pass", func() bool { return state(t, m, "x").Status == vitals.StatusPass })

	block := make(chan struct{})
	unblock := sync.OnceFunc(func() { close(block) })
	t.Cleanup(unblock)
	s.mu.Lock()
	s.block = block
	s.mu.Unlock()
	t2 := stepTo(t, clk) // the second run (at the check's phase) starts and hangs
	eventually(t, "second run", func() bool { return s.calls.Load() == 2 })
	clk.Set(t2.Add(2 * time.Second)) // abandoned at its timeout: a fresh Fail result
	eventually(t, "timeout", func() bool { return state(t, m, "x").Stats.Timeouts == 1 })
	clk.Set(t2.Add(10 * time.Second)) // skipped, the run is still in flight: no result
	eventually(t, "skip", func() bool { return state(t, m, "x").Stats.Skipped == 1 })
	if state(t, m, "x").Stale {
		t.Fatal("stale before max age")
	}
	clk.Set(t2.Add(15 * time.Second)) // 13s after the timeout result
	eventually(t, "stale", func() bool { return state(t, m, "x").Stale })
	st := state(t, m, "x")
	if st.Status != vitals.StatusFail || !errors.Is(st.Last.Err, vitals.ErrStale) || st.Last.Message != "last result is 13s old, max age 13s" {
		t.Fatalf("stale state = %+v", st)
	}
	s.mu.Lock()
	s.block = nil
	s.mu.Unlock()
	unblock()
	eventually(t, "late return", func() bool { return state(t, m, "x").Stats.LateReturns == 1 })
	clk.Set(t2.Add(20 * time.Second)) // runs again
	eventually(t, "fresh pass", func() bool { st := state(t, m, "x"); return st.Status == vitals.StatusPass && !st.Stale })
}
func TestSchedHeapOrder(t *testing.T) {
	// Exercised through the monitor: 500 checks with scattered initial
	// delays must first run in delay order.
	m, clk := newFake(t, &vitals.Options{Workers: 1})
	var mu sync.Mutex
	var order []time.Time
	for i := range 500 {
		d := time.Duration((i*7919)%500) * time.Millisecond
		m.Add(fmt.Sprint("c", i), vitals.CheckFunc(func(context.Context) error {
			mu.Lock()
			order = append(order, clk.Now())
			mu.Unlock()
			return nil
		}), vitals.Interval(time.Hour), vitals.InitialDelay(d))
	}
	m.Start()
	for i := 0; i < 500; i++ {
		stepTo(t, clk)
		eventually(t, "runs", func() bool { mu.Lock(); defer mu.Unlock(); return len(order) > i })
		mu.Lock()
		i = len(order) - 1
		mu.Unlock()
	}
	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < len(order); i++ {
		if order[i].Before(order[i-1]) {
			t.Fatalf("run %d at %v before run %d at %v", i, order[i], i-1, order[i-1])
		}
	}
}

// A pool worker keeps its timeout timer armed while runs follow each
// other. A run with a shorter timeout than the one before it on the same
// worker must still time out at its own deadline, not at the earlier
// run's.
func TestShorterTimeoutAfterLongerOnSameWorker(t *testing.T) {
	m, clk := newFake(t, &vitals.Options{Workers: 1})
	long := &script{def: pass(), block: make(chan struct{})}
	hung := &script{def: pass(), block: make(chan struct{})}
	t.Cleanup(func() { close(hung.block) })
	m.Add("long", long, vitals.Interval(time.Minute), vitals.Timeout(30*time.Second))
	// The short check comes due within the monitor's tick (100ms for
	// 1-minute checks), before the long run would hand its worker over.
	m.Add("short", hung, vitals.Interval(time.Minute), vitals.Timeout(time.Second), vitals.InitialDelay(50*time.Millisecond))
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the long run", func() bool { return long.calls.Load() == 1 })
	// The short check is due while the long run holds the only worker. The
	// scheduler's timer fires on the tick (100ms), so nothing queues it
	// yet: the long run's result wakes the scheduler, which finds it due
	// and hands it to the same worker, whose timer was armed for the long
	// run's deadline.
	clk.Advance(50 * time.Millisecond)
	close(long.block)
	eventually(t, "the short run", func() bool { return hung.calls.Load() == 1 })
	clk.Advance(time.Second)
	eventually(t, "the short run timing out after 1s", func() bool {
		st, _ := m.State("short")
		return st.Status == vitals.StatusFail && st.Last.Message == "timed out after 1s"
	})
	if st, _ := m.State("long"); st.Status != vitals.StatusPass {
		t.Errorf("long: %v %q, want pass", st.Status, st.Last.Message)
	}
}

// TestKeptContextSeesItsOwnRun checks that a check keeping its context
// past its return sees that run cancelled, even while the pool worker
// reuses the run's state for its next run.
func TestKeptContextSeesItsOwnRun(t *testing.T) {
	m, clk := newFake(t, &vitals.Options{Workers: 1})
	var mu sync.Mutex
	var kept []context.Context
	var during, prevDuring []error
	m.Add("keep", vitals.ResultFunc(func(ctx context.Context) vitals.Result {
		mu.Lock()
		defer mu.Unlock()
		if n := len(kept); n > 0 {
			prevDuring = append(prevDuring, kept[n-1].Err())
		}
		kept = append(kept, ctx)
		during = append(during, ctx.Err())
		return pass()
	}), vitals.Interval(10*time.Second), vitals.Timeout(stepTimeout))
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		eventually(t, "run recorded", func() bool { return state(t, m, "keep").Stats.Runs() == uint64(i) })
		if i < 3 {
			stepTo(t, clk)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for i, ctx := range kept {
		if during[i] != nil {
			t.Errorf("run %d: Err() = %v while it ran", i+1, during[i])
		}
		if i > 0 && !errors.Is(prevDuring[i-1], context.Canceled) {
			t.Errorf("run %d: the context of run %d reads Err() = %v, want Canceled", i+1, i, prevDuring[i-1])
		}
		if err := ctx.Err(); !errors.Is(err, context.Canceled) {
			t.Errorf("run %d: Err() = %v after it returned, want Canceled", i+1, err)
		}
		select {
		case <-ctx.Done():
		default:
			t.Errorf("run %d: Done() not closed after it returned", i+1)
		}
	}
}

// The scheduler's timer wakes on a tick of 1 % of the shortest interval,
// rounded down to 1, 2, 5, 10, 20, 50 or 100ms: a run due 1ms after a whole
// second starts one tick after that second, never before it is due.
func TestTickFollowsTheShortestInterval(t *testing.T) {
	tests := []struct {
		name string
		add  func(t *testing.T, m *vitals.Monitor)
		want time.Duration // when the first wake-up is due, after epoch
	}{
		{"10s", func(t *testing.T, m *vitals.Monitor) { addDueIn1ms(t, m, 10*time.Second) }, 100 * time.Millisecond},
		{"1m", func(t *testing.T, m *vitals.Monitor) { addDueIn1ms(t, m, time.Minute) }, 100 * time.Millisecond},
		{"5s", func(t *testing.T, m *vitals.Monitor) { addDueIn1ms(t, m, 5*time.Second) }, 50 * time.Millisecond},
		{"1s", func(t *testing.T, m *vitals.Monitor) { addDueIn1ms(t, m, time.Second) }, 10 * time.Millisecond},
		{"300ms", func(t *testing.T, m *vitals.Monitor) { addDueIn1ms(t, m, 300*time.Millisecond) }, 2 * time.Millisecond},
		{"50ms", func(t *testing.T, m *vitals.Monitor) { addDueIn1ms(t, m, 50*time.Millisecond) }, time.Millisecond},
		{"the finest check sets the tick", func(t *testing.T, m *vitals.Monitor) {
			addDueIn1ms(t, m, 10*time.Second)
			addLater(t, m, "fast", vitals.Interval(time.Second))
		}, 10 * time.Millisecond},
		{"a removed check no longer does", func(t *testing.T, m *vitals.Monitor) {
			addDueIn1ms(t, m, 10*time.Second)
			addLater(t, m, "fast", vitals.Interval(time.Second))
			if err := m.Remove("fast"); err != nil {
				t.Fatal(err)
			}
		}, 100 * time.Millisecond},
		{"an on-demand check with a max age counts its max age", func(t *testing.T, m *vitals.Monitor) {
			addDueIn1ms(t, m, 10*time.Second)
			// Not addLater: an on-demand check has no first run to delay.
			if err := m.Add("od", &script{def: pass()}, vitals.OnDemand(time.Second), vitals.MaxAge(2*time.Second), vitals.Timeout(time.Millisecond)); err != nil {
				t.Fatal(err)
			}
		}, 20 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, clk := newFake(t, nil)
			tt.add(t, m)
			if err := m.Start(); err != nil {
				t.Fatal(err)
			}
			clk.WaitForTimers(1)
			if at, _ := clk.NextTimer(); !at.Equal(epoch.Add(tt.want)) {
				t.Fatalf("the scheduler's timer is due %v after epoch, want %v", at.Sub(epoch), tt.want)
			}
		})
	}
}

// A check added while the monitor runs, with a finer tick than the timer
// was armed on, moves the timer to the finer tick at once: the entry due
// first is not left waiting for the coarse one.
func TestAddedCheckRefinesTheArmedTimer(t *testing.T) {
	m, clk := newFake(t, nil)
	addDueIn1ms(t, m, 10*time.Second)
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	clk.WaitForTimers(1)
	if at, _ := clk.NextTimer(); !at.Equal(epoch.Add(100 * time.Millisecond)) {
		t.Fatalf("the scheduler's timer is due %v after epoch, want 100ms", at.Sub(epoch))
	}
	addLater(t, m, "fast", vitals.Interval(time.Second))
	eventually(t, "the timer re-armed on the 10ms tick", func() bool {
		at, _ := clk.NextTimer()
		return at.Equal(epoch.Add(10 * time.Millisecond))
	})
}

// addDueIn1ms adds check "x", passing, at interval d, with its first run
// due 1ms after epoch.
func addDueIn1ms(t *testing.T, m *vitals.Monitor, d time.Duration) {
	t.Helper()
	if err := m.Add("x", &script{def: pass()}, vitals.Interval(d), vitals.Timeout(time.Millisecond), vitals.InitialDelay(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
}

// addLater adds a passing check that asks for a tick (opts) but does not
// run for an hour, so it arms no timer of its own first.
func addLater(t *testing.T, m *vitals.Monitor, name string, opts ...vitals.CheckOption) {
	t.Helper()
	opts = append(opts, vitals.Timeout(time.Millisecond), vitals.InitialDelay(time.Hour))
	if err := m.Add(name, &script{def: pass()}, opts...); err != nil {
		t.Fatal(err)
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
