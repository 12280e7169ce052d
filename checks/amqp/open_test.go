package amqp

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
)

func open(t *testing.T, url string, opts *Options) *Checker {
	t.Helper()
	c, err := Open(url, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestOpenHealthy(t *testing.T) {
	testservice.Require(t, "RabbitMQ", testservice.AMQPAddr)
	c := open(t, testservice.AMQPURL, &Options{Loopback: true})

	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
	for _, k := range []string{"server_product", "server_version", "channel_open_ms", "loopback_ms"} {
		if _, ok := r.Details[k]; !ok {
			t.Errorf("Details lack %q: %v", k, r.Details)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	r, _ = check(t, c, time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !errors.Is(r.Err, ErrClosed) {
		t.Errorf("Err after Close = %v, want ErrClosed", r.Err)
	}
}

func TestOpenInvalid(t *testing.T) {
	tests := []struct {
		name, url string
		opts      *Options
		want      string
	}{
		{"scheme", "http://guest:hunter2@127.0.0.1:5672/", nil, "invalid URL"},
		{"port", "amqp://guest:hunter2@127.0.0.1:port/", nil, "invalid URL"},
		{"negative timeout", "amqp://127.0.0.1/", &Options{Timeout: -1}, "negative Timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Open(tt.url, tt.opts)
			if err == nil {
				c.Close()
				t.Fatalf("Open(%q) succeeded", tt.url)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func TestOpenWrongPassword(t *testing.T) {
	testservice.Require(t, "RabbitMQ", testservice.AMQPAddr)
	const secret = "not-the-guest-password"
	c := open(t, withPassword(t, testservice.AMQPURL, secret), nil)

	r, _ := check(t, c, 5*time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "authentication failed") || !strings.Contains(r.Message, "ACCESS_REFUSED") {
		t.Errorf("message %q does not say the login was refused", r.Message)
	}
	if strings.Contains(r.Message, secret) || strings.Contains(r.Err.Error(), secret) {
		t.Errorf("result %q shows the password", r.Message)
	}
}

func TestOpenClosedPort(t *testing.T) {
	addr := testservice.ClosedAddr(t)
	c := open(t, "amqp://guest:hunter2@"+addr+"/", nil)

	r, elapsed := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "connection refused") {
		t.Errorf("message %q does not say the connection was refused", r.Message)
	}
	if strings.Contains(r.Message, "hunter2") {
		t.Errorf("message %q shows the password", r.Message)
	}
	if elapsed > time.Second {
		t.Errorf("a refused connection took %v to report", elapsed)
	}
}

func TestOpenBlackhole(t *testing.T) {
	addr := testservice.BlackholeAddr(t)
	// The dial timeout outlives the check's: the dial goes on in the
	// background, its error is the next check's, and Close waits for it.
	c := open(t, "amqp://guest:guest@"+addr+"/", &Options{Timeout: 1500 * time.Millisecond})

	const timeout = time.Second
	r, elapsed := check(t, c, timeout)
	wantStatus(t, r, vitals.StatusFail)
	if elapsed > timeout+time.Second {
		t.Errorf("check took %v with a %v deadline", elapsed, timeout)
	}
	if !strings.Contains(r.Message, "deadline exceeded") || !strings.Contains(r.Message, addr) {
		t.Errorf("message %q does not say the connection to %s timed out", r.Message, addr)
	}
	attemptEnded(t, c)
	r, _ = check(t, c, timeout)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "timeout") {
		t.Errorf("message %q: want the dial's handshake timeout", r.Message)
	}
}

// TestOpenProxyCutRestore: the owned connection dies with the network, and
// the checker dials a new one once the network is back.
func TestOpenProxyCutRestore(t *testing.T) {
	testservice.Require(t, "RabbitMQ", testservice.AMQPAddr)
	p := testproxy.Start(t, testservice.AMQPAddr)
	c := open(t, "amqp://guest:guest@"+p.Addr()+"/", nil)
	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)

	p.Cut()
	waitStatus(t, c, vitals.StatusFail)
	r, _ = check(t, c, time.Second) // a dial now: refused
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "connection refused") {
		t.Errorf("message %q: want the new dial's refusal", r.Message)
	}

	p.Restore()
	r, _ = check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
}

// TestOpenStall: when the broker stops answering on a live connection, the
// check fails at its deadline and drops the connection, and the checker
// recovers with a new one.
func TestOpenStall(t *testing.T) {
	testservice.Require(t, "RabbitMQ", testservice.AMQPAddr)
	p := testproxy.Start(t, testservice.AMQPAddr)
	c := open(t, "amqp://guest:guest@"+p.Addr()+"/", nil)
	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)

	p.Blackhole()
	const timeout = 500 * time.Millisecond
	r, elapsed := check(t, c, timeout)
	wantStatus(t, r, vitals.StatusFail)
	if elapsed > timeout+time.Second {
		t.Errorf("check took %v with a %v deadline", elapsed, timeout)
	}

	p.Restore()
	r, _ = check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
}

// attemptEnded waits, at most 10s, for the connection attempt in flight of
// c's owned connection to end, if one is.
func attemptEnded(t *testing.T, c *Checker) {
	t.Helper()
	c.owned.mu.Lock()
	ended := c.owned.dialing
	c.owned.mu.Unlock()
	if ended == nil {
		return
	}
	select {
	case <-ended:
	case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("the connection attempt in flight never ended")
	}
}
