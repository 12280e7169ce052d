package wrap_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/wrap"
	"github.com/vitalsgo/vitals/vitalstest"
)

func newRetry(t *testing.T, dep vitals.Checker, o wrap.RetryOptions) (*wrap.Retrier, *vitalstest.Clock) {
	t.Helper()
	clk := vitalstest.NewClock(epoch)
	o.Clock = clk
	r, err := wrap.Retry(dep, &o)
	if err != nil {
		t.Fatal(err)
	}
	return r, clk
}

// checkAsync runs Check in a goroutine so the test can move the fake clock.
func checkAsync(ctx context.Context, c vitals.Checker) <-chan vitals.Result {
	ch := make(chan vitals.Result, 1)
	go func() { ch <- c.Check(ctx) }()
	return ch
}

// backoff waits for the retrier to arm its backoff timer, fails t unless
// the timer is due want from now, and moves the clock to it.
func backoff(t *testing.T, clk *vitalstest.Clock, want time.Duration) {
	t.Helper()
	clk.WaitForTimers(1)
	if at, _ := clk.NextTimer(); at.Sub(clk.Now()) != want {
		t.Fatalf("backoff %v, want %v", at.Sub(clk.Now()), want)
	}
	clk.Advance(want)
}

func TestRetryUntilPass(t *testing.T) {
	dep := newFlaky(errDown, errDown, nil)
	r, clk := newRetry(t, dep, wrap.RetryOptions{Attempts: 5, Backoff: time.Second, MaxBackoff: 10 * time.Second})
	res := checkAsync(context.Background(), r)

	backoff(t, clk, time.Second)
	backoff(t, clk, 2*time.Second) // doubled

	got := <-res
	if got.Status != vitals.StatusPass || got.Details["attempts"] != 3 || got.Details["dep"] != "x" {
		t.Fatalf("result = %v %v, want pass after 3 attempts with the dependency's details", got.Status, got.Details)
	}
}

func TestRetryGivesUp(t *testing.T) {
	dep := newFlaky(errDown)
	r, clk := newRetry(t, dep, wrap.RetryOptions{Attempts: 3, Backoff: time.Second, MaxBackoff: 1500 * time.Millisecond})
	res := checkAsync(context.Background(), r)
	backoff(t, clk, time.Second)
	backoff(t, clk, 1500*time.Millisecond) // doubled, capped at MaxBackoff
	got := <-res
	if got.Status != vitals.StatusFail || got.Details["attempts"] != 3 || dep.count() != 3 {
		t.Fatalf("result = %v attempts %v calls %d, want fail after 3", got.Status, got.Details["attempts"], dep.count())
	}
	if clk.Pending() != 0 {
		t.Fatal("a backoff timer was left armed")
	}
}

func TestRetryRespectsContext(t *testing.T) {
	dep := newFlaky(errDown)
	r, clk := newRetry(t, dep, wrap.RetryOptions{Attempts: 10, Backoff: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	res := checkAsync(ctx, r)
	clk.WaitForTimers(1) // waiting out the first backoff
	cancel()
	got := <-res
	if got.Status != vitals.StatusFail || got.Details["attempts"] != 1 {
		t.Fatalf("result = %v attempts %v, want fail after 1", got.Status, got.Details["attempts"])
	}
	if !strings.Contains(got.Message, "connection refused") || !strings.Contains(got.Message, "gave up after 1 attempts") {
		t.Fatalf("message = %q", got.Message)
	}
	if !errors.Is(got.Err, errDown) {
		t.Fatalf("Err = %v, want the dependency's error", got.Err)
	}
}

func TestRetryNoRetryOnPassOrWarn(t *testing.T) {
	for _, err := range []error{nil, vitals.Warn(errors.New("slow"))} {
		dep := newFlaky(err)
		r, _ := newRetry(t, dep, wrap.RetryOptions{})
		got := r.Check(context.Background())
		if got.Status == vitals.StatusFail || dep.count() != 1 || got.Details["attempts"] != 1 {
			t.Fatalf("%v: status %v, calls %d", err, got.Status, dep.count())
		}
	}
}

func TestRetryWarnOnRetry(t *testing.T) {
	dep := newFlaky(errDown, nil)
	r, clk := newRetry(t, dep, wrap.RetryOptions{WarnOnRetry: true})
	res := checkAsync(context.Background(), r)
	backoff(t, clk, 100*time.Millisecond) // the default
	got := <-res
	if got.Status != vitals.StatusWarn || !strings.Contains(got.Message, "after 2 attempts") {
		t.Fatalf("result = %v %q, want warn", got.Status, got.Message)
	}
}

func TestRetryOptions(t *testing.T) {
	dep := newFlaky(nil)
	for _, o := range []*wrap.RetryOptions{{Attempts: -1}, {Backoff: -1}, {MaxBackoff: -1}} {
		if _, err := wrap.Retry(dep, o); err == nil {
			t.Errorf("%+v: no error", *o)
		}
	}
	if _, err := wrap.Retry(nil, nil); err == nil {
		t.Error("nil checker: no error")
	}
}
