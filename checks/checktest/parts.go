package checktest

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/faultproxy"
)

// password is what OpenWithPassword is given; no result may show it.
const password = "checktest-wrong-password-7f3a"

// pollEvery paces the checks of cutRestore while the checker recovers.
const pollEvery = 50 * time.Millisecond

func (s *suite) healthy(t *testing.T) {
	s.require(t)
	c := s.open(t, s.cfg.Addr)
	r := s.check(t, c)
	WantStatus(t, r, vitals.StatusPass)
	if len(r.Details) == 0 {
		t.Errorf("a passing result has no Details")
	}
	for _, k := range s.cfg.Details {
		if _, ok := r.Details[k]; !ok {
			t.Errorf("Details lack %q: %v", k, r.Details)
		}
	}
}

func (s *suite) closedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var c vitals.Checker
	if s.hasCredentials() {
		c = s.openWithPassword(t, addr)
	} else {
		c = s.open(t, addr)
	}
	r := s.check(t, c)
	WantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, addr) {
		t.Errorf("message %q does not name the address %s", r.Message, addr)
	}
	if strings.Contains(text(r), password) {
		t.Errorf("the result shows the password: %s", text(r))
	}
}

func (s *suite) blackhole(t *testing.T) {
	bh := listenBlackhole(t)
	c := s.open(t, bh.addr)
	ctx, cancel := context.WithTimeout(t.Context(), s.cfg.Timeout)
	defer cancel()
	r, ended := run(t, ctx, c)
	WantStatus(t, r, vitals.StatusFail)
	if !ended {
		t.Errorf("the check returned before its deadline, with %q: a silent server cannot have answered", r.Message)
	}
}

func (s *suite) cancel(t *testing.T) {
	bh := listenBlackhole(t)
	c := s.open(t, bh.addr)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan vitals.Result, 1)
	go func() { done <- c.Check(ctx) }()
	guard := time.NewTimer(HangGuard)
	defer guard.Stop()
	select {
	case <-bh.accepted:
	case r := <-done:
		t.Fatalf("the check returned %v (%q) before it connected or its context was cancelled", r.Status, r.Message)
	case <-guard.C:
		t.Fatalf("the check did not connect to %s within %v", bh.addr, HangGuard)
	}
	cancel()
	select {
	case r := <-done:
		WantStatus(t, r, vitals.StatusFail)
		if r.Err != nil && !errors.Is(r.Err, context.Canceled) && !strings.Contains(r.Message, "cancel") {
			t.Logf("a cancelled check says %q (Err %v); errors.Is(Err, context.Canceled) would tell its caller why", r.Message, r.Err)
		}
	case <-guard.C:
		t.Fatalf("the check still ran %v after its context was cancelled", HangGuard)
	}
}

func (s *suite) cutRestore(t *testing.T) {
	s.require(t)
	p, err := faultproxy.New(s.cfg.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close) // after the checker's Close: cleanups run last first
	c := s.open(t, p.Addr())
	WantStatus(t, s.check(t, c), vitals.StatusPass)

	p.Cut()
	s.await(t, c, vitals.StatusFail, "after the network was cut")
	if err := p.Restore(); err != nil {
		t.Fatal(err)
	}
	s.await(t, c, vitals.StatusPass, "after the network was restored")
}

// await checks c until it reports want, failing t if it has not within
// HangGuard: a pooled client may spend a check finding its connection
// dead, and a reconnecting one may wait for its next attempt.
func (s *suite) await(t *testing.T, c Checker, want vitals.Status, when string) {
	t.Helper()
	Await(t, c, want.String()+" "+when, func(r vitals.Result) bool { return r.Status == want })
}

func (s *suite) hasCredentials() bool {
	return s.cfg.OpenWithPassword != nil || s.cfg.NewWithPassword != nil
}

// openWithPassword makes a checker for addr that logs in with password,
// and closes it when the test ends.
func (s *suite) openWithPassword(t *testing.T, addr string) vitals.Checker {
	t.Helper()
	var c vitals.Checker
	var err error
	if s.cfg.OpenWithPassword != nil {
		c, err = s.cfg.OpenWithPassword(addr, password)
	} else {
		c, err = s.cfg.NewWithPassword(addr, password)
	}
	if err != nil {
		if strings.Contains(err.Error(), password) {
			t.Errorf("the constructor's error shows the password: %v", err)
		}
		t.Fatalf("OpenWithPassword: %v", err)
	}
	if closer, ok := c.(io.Closer); ok {
		t.Cleanup(func() { closer.Close() })
	}
	return c
}

func (s *suite) wrongCredentials(t *testing.T) {
	s.require(t)
	r := Check(t, s.openWithPassword(t, s.cfg.Addr), s.cfg.Timeout)
	WantStatus(t, r, vitals.StatusFail)
	if strings.Contains(text(r), password) {
		t.Errorf("the result shows the password: %s", text(r))
	}
}

func (s *suite) closeTwice(t *testing.T) {
	s.require(t)
	c, err := s.cfg.Open(s.cfg.Addr)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	WantStatus(t, s.check(t, c), vitals.StatusPass)
	if err := c.Close(); err != nil {
		t.Errorf("first Close: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
	r := s.check(t, c)
	WantStatus(t, r, vitals.StatusFail)
	if s.cfg.Closed != nil && !errors.Is(r.Err, s.cfg.Closed) {
		t.Errorf("a check after Close: Err = %v, want %v", r.Err, s.cfg.Closed)
	}
}

// blackhole is a listener that accepts connections and never reads or
// answers them.
type blackhole struct {
	addr     string
	accepted chan struct{} // closed at the first accept
}

func listenBlackhole(t *testing.T) *blackhole {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	bh := &blackhole{accepted: make(chan struct{})}
	var once sync.Once
	stop := make(chan struct{})
	bh.addr = Serve(t, ln, func(net.Conn) {
		once.Do(func() { close(bh.accepted) })
		<-stop // the connection is held, never read, until the test ends
	})
	// Registered after Serve's cleanup, so it runs first and lets the
	// handlers return; both are registered before the checker's Close, so
	// they run after it: the checker sees its connections end only once it
	// has let go of them.
	t.Cleanup(func() { close(stop) })
	return bh
}
