package nats

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
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

// TestConformance runs the checker suite against the NATS server. The
// server scripts/services starts has no users, so wrong credentials are
// not part of it.
func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name: "NATS",
		Addr: testservice.NATSAddr,
		Open: func(addr string) (checktest.Checker, error) {
			return Open("nats://"+addr, &Options{
				Timeout:        time.Minute,
				ReconnectGrace: 100 * time.Millisecond,
				ConnectOptions: []nats.Option{nats.ReconnectWait(50 * time.Millisecond)},
			})
		},
		Details: []string{"server_version"},
	})
}
