package checktest

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/vitalsgo/vitals"
)

// Checker is a checker that owns its client, as made by a checker
// package's Open.
type Checker interface {
	vitals.Checker
	io.Closer
}

// HangGuard is how long after its context ends the suite waits for a
// check to return before it fails the test as hung. It is not a measure of
// speed: a checker that honours its context returns long before.
const HangGuard = 10 * time.Second

// RequireEnv names the environment variable that, set to "1", turns a
// missing server into a failure instead of a skip.
const RequireEnv = "VITALS_REQUIRE_SERVICES"

// Config describes a checker to [Run].
type Config struct {
	// Name names the server in skip messages ("PostgreSQL").
	Name string

	// Addr is the host:port of a real server the checker can pass against.
	Addr string

	// Open returns a Checker that owns its client to the server at addr,
	// a host:port, with the credentials the server accepts. Where the
	// checker has a timeout of its own, Open should set it above
	// [HangGuard], so that only the suite's context can end a check that
	// waits on a silent server.
	Open func(addr string) (Checker, error)

	// New, instead of Open, returns a Checker that holds nothing to close,
	// such as one that dials afresh for each check. The suite then leaves
	// out the part about Close.
	New func(addr string) (vitals.Checker, error)

	// OpenWithPassword, for a protocol with credentials, returns a Checker
	// for the server at addr that logs in with password, which the server
	// refuses. Nil for a protocol without credentials.
	OpenWithPassword func(addr, password string) (Checker, error)

	// NewWithPassword is OpenWithPassword for a checker made by New.
	NewWithPassword func(addr, password string) (vitals.Checker, error)

	// Details lists keys that a passing result's Details must hold. A
	// passing result must hold some details either way.
	Details []string

	// Closed, when set, is the error a check after Close must wrap: the
	// checker package's ErrClosed.
	Closed error

	// Timeout is the deadline of each check the suite runs. Default 2s.
	Timeout time.Duration
}

// Run runs the suite, each part as a subtest of t, then verifies that no
// goroutine started during the suite is left.
func Run(t *testing.T, cfg Config) {
	t.Helper()
	if (cfg.Open == nil) == (cfg.New == nil) {
		t.Fatal("checktest: set one of Config.Open and Config.New")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Second
	}
	if cfg.Name == "" {
		cfg.Name = "the server"
	}
	before := goleak.IgnoreCurrent()
	s := suite{cfg: cfg}
	t.Run("Healthy", s.healthy)
	t.Run("ClosedPort", s.closedPort)
	t.Run("Blackhole", s.blackhole)
	t.Run("CutRestore", s.cutRestore)
	t.Run("Cancel", s.cancel)
	if s.hasCredentials() {
		t.Run("WrongCredentials", s.wrongCredentials)
	}
	if cfg.Open != nil {
		t.Run("CloseTwice", s.closeTwice)
	}
	t.Run("NoGoroutineLeft", func(t *testing.T) {
		goleak.VerifyNone(t, before)
	})
}

type suite struct {
	cfg Config
}

// open opens a checker for addr and closes it when the test ends.
func (s *suite) open(t *testing.T, addr string) Checker {
	t.Helper()
	c, err := s.make(addr)
	if err != nil {
		t.Fatalf("Open(%q): %v", addr, err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

// make calls Config.Open, or Config.New for a checker with nothing to
// close.
func (s *suite) make(addr string) (Checker, error) {
	if s.cfg.Open != nil {
		return s.cfg.Open(addr)
	}
	c, err := s.cfg.New(addr)
	return nopCloser{c}, err
}

type nopCloser struct{ vitals.Checker }

func (nopCloser) Close() error { return nil }

// require skips t, or fails it under RequireEnv=1, when nothing listens at
// the server's address.
func (s *suite) require(t *testing.T) {
	t.Helper()
	Require(t, s.cfg.Name, s.cfg.Addr)
}

// check runs c.Check under the suite's timeout and fails t if the check
// does not return within HangGuard of its deadline.
func (s *suite) check(t *testing.T, c vitals.Checker) vitals.Result {
	t.Helper()
	return Check(t, c, s.cfg.Timeout)
}

// run runs c.Check(ctx) in a goroutine and returns its result and whether
// ctx had ended when it returned; it fails t if the check is still running
// HangGuard after ctx ends.
func run(t testing.TB, ctx context.Context, c vitals.Checker) (vitals.Result, bool) {
	t.Helper()
	type outcome struct {
		r     vitals.Result
		ended bool
	}
	done := make(chan outcome, 1)
	go func() {
		r := c.Check(ctx)
		// A client that sets its socket's deadline from ctx's times out at
		// the same instant as ctx, perhaps a hair before ctx's own timer
		// marks it done: reaching the deadline counts as ended.
		deadline, ok := ctx.Deadline()
		done <- outcome{r, ctx.Err() != nil || ok && !time.Now().Before(deadline)}
	}()
	select {
	case o := <-done:
		return durationSet(t, c, o.r), o.ended
	case <-ctx.Done():
	}
	guard := time.NewTimer(HangGuard)
	defer guard.Stop()
	select {
	case o := <-done:
		return durationSet(t, c, o.r), o.ended
	case <-guard.C:
		// The goroutine is left to the leak check; the test has failed anyway.
		t.Fatalf("check still running %v after its context ended (%v)", HangGuard, context.Cause(ctx))
		return vitals.Result{}, false
	}
}

// text is everything a result shows a reader.
func text(r vitals.Result) string {
	var b strings.Builder
	b.WriteString(r.Message)
	if r.Err != nil {
		b.WriteString("\n" + r.Err.Error())
	}
	fmt.Fprintf(&b, "\n%v\n%v", r.Details, r.Observed)
	return b.String()
}

// durationSet fails t unless r, returned by c, carries the time its check
// took: a checker called directly, outside a monitor, must say it.
func durationSet(t testing.TB, c vitals.Checker, r vitals.Result) vitals.Result {
	t.Helper()
	if r.Duration <= 0 {
		t.Errorf("%T returned a Result without its Duration: %+v", c, r)
	}
	return r
}
