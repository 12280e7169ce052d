package checktest

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// The helpers below are for a checker's own tests, beside [Run]: what the
// suite does for every checker, a test of one checker's particular
// behaviour does with the same calls.

// Require skips t when nothing listens at addr, the address of the server
// called name, or fails t when RequireEnv is "1"; the message says how to
// start the server.
func Require(t testing.TB, name, addr string) {
	t.Helper()
	testservice.Require(t, name, addr)
}

// MustNew returns newFn(dep, opts), a checker package's New or Open,
// failing t on an error. A Checker that has a Close method is closed when
// the test ends; a test may close it earlier, since Close is idempotent.
func MustNew[D, O any, C vitals.Checker](t testing.TB, newFn func(D, *O) (C, error), dep D, opts *O) C {
	t.Helper()
	c, err := newFn(dep, opts)
	if err != nil {
		t.Fatalf("%T(%v): %v", newFn, dep, err)
	}
	if closer, ok := any(c).(io.Closer); ok {
		t.Cleanup(func() { closer.Close() })
	}
	return c
}

// Check runs c.Check with a deadline timeout from now, as a monitor does.
// It fails t if the check is still running [HangGuard] after the deadline.
func Check(t testing.TB, c vitals.Checker, timeout time.Duration) vitals.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r, _ := run(t, ctx, c)
	return r
}

// CheckNew runs [Check], with a deadline of five seconds, of the checker
// newFn(dep, opts) makes as [MustNew] makes it: one check of a checker
// made for it, as a test of one option or one answer wants.
func CheckNew[D, O any, C vitals.Checker](t testing.TB, newFn func(D, *O) (C, error), dep D, opts *O) vitals.Result {
	t.Helper()
	return Check(t, MustNew(t, newFn, dep, opts), 5*time.Second)
}

// Want runs [Check] and stops t unless the result has status want.
func Want(t testing.TB, c vitals.Checker, timeout time.Duration, want vitals.Status) vitals.Result {
	t.Helper()
	r := Check(t, c, timeout)
	WantStatus(t, r, want)
	return r
}

// WantStatus stops t unless r has status want.
func WantStatus(t testing.TB, r vitals.Result, want vitals.Status) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status = %v (%q, err %v), want %v", r.Status, r.Message, r.Err, want)
	}
}

// WantTimeout runs c.Check with a deadline timeout from now against a
// server that does not answer, and stops t unless the check fails and
// returns only once its deadline has passed, and within [HangGuard] of it:
// the order of events, not a duration, is what it asserts.
func WantTimeout(t testing.TB, c vitals.Checker, timeout time.Duration) vitals.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r, ended := run(t, ctx, c)
	WantStatus(t, r, vitals.StatusFail)
	if !ended {
		t.Fatalf("the check returned %q before its deadline: a silent server cannot have answered", r.Message)
	}
	return r
}

// WantMessage fails t unless r's message contains every one of parts.
func WantMessage(t testing.TB, r vitals.Result, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.Message, p) {
			t.Errorf("message %q does not contain %q", r.Message, p)
		}
	}
}

// WantDetails fails t unless r's Details hold every one of keys.
func WantDetails(t testing.TB, r vitals.Result, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := r.Details[k]; !ok {
			t.Errorf("Details lack %q: %v", k, r.Details)
		}
	}
}

// WantRTT fails t unless r's Observed value is a positive duration in
// milliseconds.
func WantRTT(t testing.TB, r vitals.Result) {
	t.Helper()
	if d, ok := r.Observed.(float64); !ok || d <= 0 || r.Unit != "ms" {
		t.Errorf("Observed = %v %q, want a positive duration in ms", r.Observed, r.Unit)
	}
}

// WantDuration fails t unless r.Details[key] is a positive duration in
// milliseconds, as a float64: a timing the checker measured, such as
// "loopback_ms".
func WantDuration(t testing.TB, r vitals.Result, key string) {
	t.Helper()
	if d, ok := r.Details[key].(float64); !ok || d <= 0 {
		t.Errorf("Details[%s] = %v, want a positive duration", key, r.Details[key])
	}
}

// Await checks c, each check with a deadline of a second, until done holds
// for the result, which it returns. It stops t, saying what it waited for,
// when done has not held within [HangGuard]. It is for a checker whose
// client recovers by itself: the wait is synchronisation, not a timing
// assertion.
func Await(t testing.TB, c vitals.Checker, what string, done func(vitals.Result) bool) vitals.Result {
	t.Helper()
	deadline := time.Now().Add(HangGuard)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for n := 1; ; n++ {
		r := Check(t, c, time.Second)
		if done(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %d checks in %v, the last %v (%q)", what, n, HangGuard, r.Status, r.Message)
		}
		<-tick.C
	}
}

// AwaitStatus is [Await] for a result of status want.
func AwaitStatus(t testing.TB, c vitals.Checker, want vitals.Status) vitals.Result {
	t.Helper()
	return Await(t, c, "status "+want.String(), func(r vitals.Result) bool { return r.Status == want })
}

// Refusal is a constructor call that must fail: Arg and Opts are given to
// New or Open, and the error must contain Want and, where Prefix is set,
// begin with Prefix, such as the package's name ("etcd: ").
type Refusal[O any] struct {
	Name   string
	Arg    string
	Opts   *O
	Want   string
	Prefix string
}

// WantRefusals calls newFn with each refusal's Arg and Opts, as a subtest,
// and fails it unless newFn returns an error that contains Want, begins
// with Prefix and does not contain secret, the password the arguments
// carry, if any.
func WantRefusals[O, C any](t *testing.T, newFn func(string, *O) (C, error), secret string, refusals []Refusal[O]) {
	t.Helper()
	for _, rf := range refusals {
		t.Run(rf.Name, func(t *testing.T) {
			c, err := newFn(rf.Arg, rf.Opts)
			if err == nil {
				if closer, ok := any(c).(io.Closer); ok {
					closer.Close()
				}
				t.Fatalf("%q was accepted", rf.Arg)
			}
			if !strings.Contains(err.Error(), rf.Want) {
				t.Errorf("error %q does not contain %q", err, rf.Want)
			}
			if !strings.HasPrefix(err.Error(), rf.Prefix) {
				t.Errorf("error %q does not begin with %q", err, rf.Prefix)
			}
			if secret != "" && strings.Contains(err.Error(), secret) {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

// WantClosed checks that c passes, closes closer, which is c itself or the
// client or database c checks, and returns the result of the next check,
// stopping t unless it fails.
func WantClosed(t testing.TB, c vitals.Checker, closer io.Closer, timeout time.Duration) vitals.Result {
	t.Helper()
	Want(t, c, timeout, vitals.StatusPass)
	if err := closer.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return Want(t, c, timeout, vitals.StatusFail)
}

// WantStall checks that c passes, through a proxy, and that once the proxy
// goes silent on the live connection (p.Blackhole) a check fails at its
// deadline, timeout, and not before. It returns that check's result and
// leaves the proxy silent.
func WantStall(t testing.TB, c vitals.Checker, p interface{ Blackhole() }, timeout time.Duration) vitals.Result {
	t.Helper()
	AwaitStatus(t, c, vitals.StatusPass)
	p.Blackhole()
	return WantTimeout(t, c, timeout)
}
