package nats

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

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
	testservice.Require(t, "NATS", testservice.NATSAddr)
	c := open(t, testservice.NATSURL, &Options{JetStream: true, Loopback: true})

	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
	for _, k := range []string{"server_version", "jetstream_streams", "loopback_ms"} {
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
		{"empty", "", nil, "empty URL"},
		{"scheme", "http://user:hunter2@127.0.0.1:4222", nil, "unsupported scheme"},
		{"unparsable", "nats://user:hunter2@127.0.0.1:bad port", nil, "invalid URL"},
		{"second of two", "nats://127.0.0.1:4222, nats://user:hunter2@:4222", nil, "no host"},
		{"negative timeout", "nats://127.0.0.1:4222", &Options{Timeout: -1}, "negative Timeout"},
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

func TestOpenClosedPort(t *testing.T) {
	addr := testservice.ClosedAddr(t)
	c := open(t, "nats://user:hunter2@"+addr, nil)

	r, elapsed := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "connection refused") || !strings.Contains(r.Message, addr) {
		t.Errorf("message %q does not say that %s refused the connection", r.Message, addr)
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
	// The connect timeout outlives the check's: the attempt goes on in the
	// background, and Close waits for it.
	c := open(t, "nats://"+addr, &Options{Timeout: 1500 * time.Millisecond})

	const timeout = time.Second
	r, elapsed := check(t, c, timeout)
	wantStatus(t, r, vitals.StatusFail)
	if elapsed > timeout+time.Second {
		t.Errorf("check took %v with a %v deadline", elapsed, timeout)
	}
	if !strings.Contains(r.Message, "deadline exceeded") {
		t.Errorf("message %q does not say the check timed out", r.Message)
	}
	// The attempt in flight ends at the connect timeout, and the next check
	// reports its error.
	attemptEnded(t, c)
	r, _ = check(t, c, timeout)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, addr) {
		t.Errorf("message %q does not name %s", r.Message, addr)
	}
}

// TestOpenProxyCutRestore: the owned connection reconnects by itself once
// the network is back.
func TestOpenProxyCutRestore(t *testing.T) {
	testservice.Require(t, "NATS", testservice.NATSAddr)
	p := testproxy.Start(t, testservice.NATSAddr)
	c := open(t, "nats://"+p.Addr(), &Options{
		ReconnectGrace: 300 * time.Millisecond,
		ConnectOptions: []nats.Option{nats.ReconnectWait(100 * time.Millisecond)},
	})
	wantStatus(t, waitStatus(t, c, vitals.StatusPass), vitals.StatusPass)

	p.Cut()
	r := waitStatus(t, c, vitals.StatusWarn)
	if !strings.Contains(r.Message, "reconnecting") {
		t.Errorf("message %q does not say the client is reconnecting", r.Message)
	}
	waitStatus(t, c, vitals.StatusFail)

	p.Restore()
	waitStatus(t, c, vitals.StatusPass)
}

// TestOpenRedials: when the client gives up and closes the connection, the
// next check dials a new one.
func TestOpenRedials(t *testing.T) {
	testservice.Require(t, "NATS", testservice.NATSAddr)
	p := testproxy.Start(t, testservice.NATSAddr)
	c := open(t, "nats://"+p.Addr(), &Options{
		ConnectOptions: []nats.Option{nats.NoReconnect()},
	})
	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)

	p.Cut()
	// A check may see the connection close under it; the next one dials.
	waitFor(t, "a new dial's refusal", func() bool {
		r, _ = check(t, c, time.Second)
		return r.Status == vitals.StatusFail && strings.Contains(r.Message, "connection refused")
	})

	p.Restore()
	waitStatus(t, c, vitals.StatusPass)
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
