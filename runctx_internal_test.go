package vitals

import (
	"context"
	"errors"
	"testing"
	"time"
)

type ctxKey struct{}

// TestRunCtxContract checks the hand-written run context against what
// context.WithCancel promises: Err is nil until Done is closed and non-nil
// after, values come from the parent, and the parent's cancellation reaches
// a run whether it waits on Done or only polls Err.
func TestRunCtxContract(t *testing.T) {
	deadline := time.Unix(100, 0)
	tests := []struct {
		name     string
		pollOnly bool // never call Done before the cancellation
		cancel   func(parent context.CancelFunc, c *runCtx)
		want     error
	}{
		{"parent cancelled, Done", false, func(p context.CancelFunc, _ *runCtx) { p() }, context.Canceled},
		{"parent cancelled, Err only", true, func(p context.CancelFunc, _ *runCtx) { p() }, context.Canceled},
		{"timed out, Done", false, func(_ context.CancelFunc, c *runCtx) { c.cancel(context.DeadlineExceeded) }, context.DeadlineExceeded},
		{"timed out, Err only", true, func(_ context.CancelFunc, c *runCtx) { c.cancel(context.DeadlineExceeded) }, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "v"))
			defer cancel()
			c := &runCtx{base: parent, deadline: deadline}
			ctx := c.ref()
			if d, ok := ctx.Deadline(); !ok || !d.Equal(deadline) {
				t.Errorf("Deadline() = %v, %v", d, ok)
			}
			if ctx.Value(ctxKey{}) != "v" {
				t.Errorf("Value: %v, want the parent's", ctx.Value(ctxKey{}))
			}
			var done <-chan struct{}
			if !tt.pollOnly {
				done = ctx.Done()
				select {
				case <-done:
					t.Fatal("Done closed before cancellation")
				default:
				}
			}
			if err := ctx.Err(); err != nil {
				t.Fatalf("Err() = %v before cancellation", err)
			}
			tt.cancel(cancel, c)
			if err := ctx.Err(); !errors.Is(err, tt.want) {
				t.Errorf("Err() = %v, want %v", err, tt.want)
			}
			if done == nil {
				done = ctx.Done()
			}
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Done not closed after cancellation")
			}
			c.cancel(context.Canceled) // the run returning: a no-op now
			if err := ctx.Err(); !errors.Is(err, tt.want) {
				t.Errorf("Err() after return = %v, want %v (the first cause stays)", err, tt.want)
			}
		})
	}
}

// TestRunCtxReleasesParent checks that a finished run no longer hangs on
// the parent: cancelling the monitor's context afterwards does not touch it.
func TestRunCtxReleasesParent(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &runCtx{base: parent}
	done := c.ref().Done()
	c.cancel(context.Canceled)
	<-done
	if c.stop == nil || c.stop() {
		t.Error("the AfterFunc on the parent was still registered after the run ended")
	}
}

// TestRunCtxRetired checks that a check holding its context past its run
// sees that run's end, not the next run the reused runCtx serves.
func TestRunCtxRetired(t *testing.T) {
	c := &runCtx{}
	c.start(context.Background(), time.Unix(100, 0))
	old := c.ref()
	c.cancel(context.Canceled)
	if !c.retire() {
		t.Fatal("a run that never asked for Done was not reusable")
	}
	c.start(context.Background(), time.Unix(200, 0))
	cur := c.ref()
	if err := old.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("old run's Err() = %v, want Canceled", err)
	}
	select {
	case <-old.Done():
	default:
		t.Error("old run's Done() is not closed")
	}
	if d, ok := old.Deadline(); !ok || !d.Before(time.Unix(100, 0)) {
		t.Errorf("old run's Deadline() = %v, %v: want one long past", d, ok)
	}
	if err := cur.Err(); err != nil {
		t.Errorf("the old run's Done call reached the new run: Err() = %v", err)
	}
	if d, _ := cur.Deadline(); !d.Equal(time.Unix(200, 0)) {
		t.Errorf("new run's Deadline() = %v", d)
	}
	select {
	case <-cur.Done():
		t.Error("new run's Done() is closed")
	default:
	}
	c.cancel(context.Canceled)
	if c.retire() {
		t.Error("a run that asked for Done was reusable")
	}
}
