package blocking_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/blocking"
)

// gate is blocking work that counts its runs and returns only once open
// is closed.
type gate struct {
	runs atomic.Int32
	open chan struct{}
}

func newGate() *gate { return &gate{open: make(chan struct{})} }

func (g *gate) work() vitals.Result {
	n := g.runs.Add(1)
	<-g.open
	r := vitals.Passf("run %d done", n)
	r.Details = map[string]any{"run": n}
	return r
}

func wantResult(t *testing.T, r vitals.Result, status vitals.Status, msg string) {
	t.Helper()
	if r.Status != status || r.Message != msg {
		t.Fatalf("result %v %q, want %v %q", r.Status, r.Message, status, msg)
	}
}

func TestDoReturnsWorkResult(t *testing.T) {
	var r blocking.Runner // the zero value is ready
	defer r.Close()
	g := newGate()
	close(g.open)
	res := r.Do(context.Background(), "work", g.work)
	wantResult(t, res, vitals.StatusPass, "run 1 done")
	if res.Details["run"] != int32(1) {
		t.Errorf("details %v, want the work's own", res.Details)
	}
}

// TestDoReturnsAtDeadline: Do returns when ctx ends although the work has
// not, and a later call waits for the same run instead of starting another.
func TestDoReturnsAtDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var r blocking.Runner
		g := newGate()
		const deadline = time.Second
		for i := range 2 {
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			start := time.Now()
			res := r.Do(ctx, "slow work", g.work)
			elapsed := time.Since(start) // the bubble's clock: exact
			cancel()
			wantResult(t, res, vitals.StatusFail, "slow work did not finish: context deadline exceeded")
			if !errors.Is(res.Err, context.DeadlineExceeded) {
				t.Errorf("call %d: err %v does not wrap context.DeadlineExceeded", i+1, res.Err)
			}
			if elapsed != deadline {
				t.Errorf("call %d returned after %v, want at its %v deadline", i+1, elapsed, deadline)
			}
		}
		if n := g.runs.Load(); n != 1 {
			t.Errorf("work ran %d times while one run was outstanding, want 1", n)
		}
		close(g.open)
		r.Close()
	})
}

func TestWaitersShareOneRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var r blocking.Runner
		defer r.Close()
		g := newGate()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()

		results := make([]vitals.Result, 3)
		var wg sync.WaitGroup
		for i := range results {
			wg.Go(func() { results[i] = r.Do(ctx, "work", g.work) })
		}
		synctest.Wait() // every caller is waiting in Do
		if n := g.runs.Load(); n != 1 {
			t.Fatalf("%d callers started %d runs, want 1", len(results), n)
		}
		close(g.open)
		wg.Wait()
		for _, res := range results {
			wantResult(t, res, vitals.StatusPass, "run 1 done")
		}
		results[0].Details["run"] = "changed"
		if results[1].Details["run"] != int32(1) {
			t.Errorf("callers share one Details map: %v", results[1].Details)
		}

		// The run is over: the next call starts a new one.
		wantResult(t, r.Do(ctx, "work", g.work), vitals.StatusPass, "run 2 done")
	})
}

func TestPanicRecovered(t *testing.T) {
	var r blocking.Runner
	defer r.Close()
	res := r.Do(context.Background(), "work", func() vitals.Result { panic("boom") })
	wantResult(t, res, vitals.StatusFail, "work panicked: boom")
	var pe *vitals.PanicError
	if !errors.As(res.Err, &pe) || pe.Value != "boom" {
		t.Errorf("err %#v, want a *vitals.PanicError with the panic's value", res.Err)
	}

	// The panic ended the run: the next call runs the work again.
	g := newGate()
	close(g.open)
	wantResult(t, r.Do(context.Background(), "work", g.work), vitals.StatusPass, "run 1 done")
}

func TestContextAlreadyDone(t *testing.T) {
	var r blocking.Runner
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g := newGate()
	res := r.Do(ctx, "work", g.work)
	wantResult(t, res, vitals.StatusFail, "work: context canceled")
	if !errors.Is(res.Err, context.Canceled) {
		t.Errorf("err %v does not wrap context.Canceled", res.Err)
	}
	if n := g.runs.Load(); n != 0 {
		t.Errorf("work ran %d times for a context already done", n)
	}
}

// TestCloseWaitsForRun: Close returns only once the outstanding run has,
// and every call of Do from then on fails without running the work.
func TestCloseWaitsForRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var r blocking.Runner
		g := newGate()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		wantResult(t, r.Do(ctx, "work", g.work), vitals.StatusFail, "work did not finish: context deadline exceeded")
		cancel()

		closed := make(chan struct{})
		go func() {
			r.Close()
			close(closed)
		}()
		synctest.Wait()
		select {
		case <-closed:
			t.Fatal("Close returned while the work was still running")
		default:
		}
		// Closing: a new call fails at once instead of waiting for the run.
		wantResult(t, r.Do(context.Background(), "work", g.work), vitals.StatusFail, "work: checker closed")

		close(g.open)
		<-closed
		wantResult(t, r.Do(context.Background(), "work", g.work), vitals.StatusFail, "work: checker closed")
		if n := g.runs.Load(); n != 1 {
			t.Errorf("work ran %d times, want only the run before Close", n)
		}
		r.Close() // again: returns at once
	})
}
