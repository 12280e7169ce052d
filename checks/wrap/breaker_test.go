package wrap_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/wrap"
	"github.com/vitalsgo/vitals/vitalstest"
)

func newBreaker(t *testing.T, dep vitals.Checker, failures int, cooldown time.Duration) (*wrap.CircuitBreaker, *vitalstest.Clock) {
	t.Helper()
	clk := vitalstest.NewClock(epoch)
	b, err := wrap.Breaker(dep, &wrap.BreakerOptions{Failures: failures, Cooldown: cooldown, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	return b, clk
}

func expect(t *testing.T, r vitals.Result, status vitals.Status, state string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %v (%s), want %v", r.Status, r.Message, status)
	}
	if got := r.Details["breaker_state"]; got != state {
		t.Fatalf("breaker_state = %v, want %s", got, state)
	}
}

func TestBreakerOpensAfterConsecutiveFailures(t *testing.T) {
	dep := newFlaky(errDown, nil, errDown, errDown, errDown)
	b, _ := newBreaker(t, dep, 3, time.Minute)
	ctx := context.Background()

	expect(t, b.Check(ctx), vitals.StatusFail, "closed")
	expect(t, b.Check(ctx), vitals.StatusPass, "closed") // a success resets the count
	expect(t, b.Check(ctx), vitals.StatusFail, "closed")
	r := b.Check(ctx)
	expect(t, r, vitals.StatusFail, "closed")
	if r.Details["breaker_failures"] != 2 || r.Details["dep"] != "x" {
		t.Fatalf("details = %v, want the dependency's details and breaker_failures 2", r.Details)
	}
	expect(t, b.Check(ctx), vitals.StatusFail, "open") // third in a row
	if b.State() != wrap.Open {
		t.Fatalf("State = %v, want open", b.State())
	}

	calls := dep.count()
	for range 10 {
		r := b.Check(ctx)
		expect(t, r, vitals.StatusFail, "open")
		if !errors.Is(r.Err, wrap.ErrOpen) || !strings.Contains(r.Message, "circuit open") || !strings.Contains(r.Message, "connection refused") {
			t.Fatalf("open result = %q (%v), want ErrOpen naming the last failure", r.Message, r.Err)
		}
	}
	if dep.count() != calls {
		t.Fatalf("the dependency was called %d times while the circuit was open", dep.count()-calls)
	}
}

func TestBreakerHalfOpenTrial(t *testing.T) {
	dep := newFlaky(errDown)
	b, clk := newBreaker(t, dep, 1, time.Minute)
	ctx := context.Background()

	expect(t, b.Check(ctx), vitals.StatusFail, "open")
	clk.Advance(59 * time.Second)
	expect(t, b.Check(ctx), vitals.StatusFail, "open")
	if dep.count() != 1 {
		t.Fatalf("called %d times before the cooldown ended, want 1", dep.count())
	}

	// Trial fails: open for another full cooldown.
	clk.Advance(time.Second)
	if b.State() != wrap.HalfOpen {
		t.Fatalf("State after cooldown = %v, want half-open", b.State())
	}
	expect(t, b.Check(ctx), vitals.StatusFail, "open")
	if dep.count() != 2 {
		t.Fatalf("calls = %d, want one trial call", dep.count())
	}
	clk.Advance(30 * time.Second)
	expect(t, b.Check(ctx), vitals.StatusFail, "open")
	if dep.count() != 2 {
		t.Fatal("called during the second cooldown")
	}

	// Trial passes: closed.
	dep.set(nil)
	clk.Advance(30 * time.Second)
	expect(t, b.Check(ctx), vitals.StatusPass, "closed")
	expect(t, b.Check(ctx), vitals.StatusPass, "closed")
	if dep.count() != 4 || b.State() != wrap.Closed {
		t.Fatalf("calls = %d, state %v; want 4, closed", dep.count(), b.State())
	}
}

// blocking is a dependency that waits for release before answering.
type blocking struct {
	entered chan struct{}
	release chan struct{}
}

func (d *blocking) Check(ctx context.Context) vitals.Result {
	d.entered <- struct{}{}
	<-d.release
	return vitals.Result{Status: vitals.StatusPass}
}

func TestBreakerOneTrialAtATime(t *testing.T) {
	dep := &blocking{entered: make(chan struct{}, 1), release: make(chan struct{})}
	fail := newFlaky(errDown)
	var mu sync.Mutex
	var inner vitals.Checker = fail
	sw := vitals.ResultFunc(func(ctx context.Context) vitals.Result {
		mu.Lock()
		c := inner
		mu.Unlock()
		return c.Check(ctx)
	})
	b, clk := newBreaker(t, sw, 1, time.Second)
	b.Check(context.Background()) // opens
	mu.Lock()
	inner = dep
	mu.Unlock()
	clk.Advance(time.Second)

	done := make(chan vitals.Result)
	go func() { done <- b.Check(context.Background()) }()
	<-dep.entered
	r := b.Check(context.Background())
	expect(t, r, vitals.StatusFail, "half-open")
	if !errors.Is(r.Err, wrap.ErrOpen) {
		t.Fatalf("concurrent call during the trial: %v, want ErrOpen", r.Err)
	}
	close(dep.release)
	expect(t, <-done, vitals.StatusPass, "closed")
}

func TestBreakerWarnIsSuccess(t *testing.T) {
	dep := newFlaky(vitals.Warn(errors.New("slow")))
	b, _ := newBreaker(t, dep, 1, time.Second)
	for range 3 {
		expect(t, b.Check(context.Background()), vitals.StatusWarn, "closed")
	}
}

func TestBreakerOptions(t *testing.T) {
	dep := newFlaky(nil)
	tests := []struct {
		name string
		c    vitals.Checker
		o    *wrap.BreakerOptions
	}{
		{"nil checker", nil, nil},
		{"negative failures", dep, &wrap.BreakerOptions{Failures: -1}},
		{"negative cooldown", dep, &wrap.BreakerOptions{Cooldown: -time.Second}},
	}
	for _, tt := range tests {
		if _, err := wrap.Breaker(tt.c, tt.o); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
	b, err := wrap.Breaker(dep, nil)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, b.Check(context.Background()), vitals.StatusPass, "closed")
	if wrap.HalfOpen.String() != "half-open" {
		t.Fatal(wrap.HalfOpen.String())
	}
}
