package nats

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// check runs c.Check with a timeout, as the monitor does.
func check(t *testing.T, c *Checker, timeout time.Duration) (vitals.Result, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	r := c.Check(ctx)
	return r, time.Since(start)
}

func connect(t *testing.T, url string, opts ...nats.Option) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

func newChecker(t *testing.T, conn Conn, opts *Options) *Checker {
	t.Helper()
	c, err := New(conn, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func wantStatus(t *testing.T, r vitals.Result, want vitals.Status) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status = %v (%q), want %v", r.Status, r.Message, want)
	}
}

func TestHealthy(t *testing.T) {
	testservice.Require(t, "NATS", testservice.NATSAddr)
	c := newChecker(t, connect(t, testservice.NATSURL), nil)

	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
	for _, k := range []string{"server_version", "server_id", "url"} {
		if s, _ := r.Details[k].(string); s == "" {
			t.Errorf("Details[%q] = %v, want a non-empty string", k, r.Details[k])
		}
	}
	if rtt, ok := r.Observed.(float64); !ok || rtt <= 0 || r.Unit != "ms" {
		t.Errorf("Observed = %v %q, want a positive RTT in ms", r.Observed, r.Unit)
	}
	if !strings.Contains(r.Message, r.Details["server_version"].(string)) {
		t.Errorf("message %q does not name the server version", r.Message)
	}
	if _, ok := r.Details["reconnects"]; !ok {
		t.Errorf("Details lack reconnects: %v", r.Details)
	}
}

func TestNoDeadline(t *testing.T) {
	testservice.Require(t, "NATS", testservice.NATSAddr)
	c := newChecker(t, connect(t, testservice.NATSURL), nil)
	// FlushWithContext rejects a ctx without a deadline; the checker adds
	// Options.Timeout.
	wantStatus(t, c.Check(context.Background()), vitals.StatusPass)
}

func TestJetStream(t *testing.T) {
	testservice.Require(t, "NATS", testservice.NATSAddr)
	c := newChecker(t, connect(t, testservice.NATSURL), &Options{JetStream: true})

	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
	for _, k := range []string{"jetstream_memory_bytes", "jetstream_storage_bytes", "jetstream_streams", "jetstream_consumers", "jetstream_max_memory_bytes", "jetstream_max_storage_bytes"} {
		if _, ok := r.Details[k]; !ok {
			t.Errorf("Details lack %q: %v", k, r.Details)
		}
	}
}

func TestJetStreamUnknownDomain(t *testing.T) {
	testservice.Require(t, "NATS", testservice.NATSAddr)
	c := newChecker(t, connect(t, testservice.NATSURL), &Options{JetStream: true, JetStreamDomain: "nowhere"})

	r, elapsed := check(t, c, time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "JetStream") {
		t.Errorf("message %q does not mention JetStream", r.Message)
	}
	if elapsed > 2*time.Second {
		t.Errorf("check took %v with a 1s deadline", elapsed)
	}
}

func TestLoopback(t *testing.T) {
	testservice.Require(t, "NATS", testservice.NATSAddr)
	c := newChecker(t, connect(t, testservice.NATSURL), &Options{Loopback: true})

	for range 2 { // a second run must not see the first one's message
		r, _ := check(t, c, 2*time.Second)
		wantStatus(t, r, vitals.StatusPass)
		if d, ok := r.Details["loopback_ms"].(float64); !ok || d <= 0 {
			t.Errorf("Details[loopback_ms] = %v, want a positive duration", r.Details["loopback_ms"])
		}
	}
}

// wrapped is a Conn that is not a *nats.Conn, as an application's
// instrumented wrapper would be.
type wrapped struct{ *nats.Conn }

func TestNewOptions(t *testing.T) {
	testservice.Require(t, "NATS", testservice.NATSAddr)
	nc := connect(t, testservice.NATSURL)
	tests := []struct {
		name string
		conn Conn
		opts *Options
		want string // in the error; "" for none
	}{
		{"nil options", nc, nil, ""},
		{"wrapped conn", wrapped{nc}, &Options{Loopback: true}, ""},
		{"nil conn", nil, nil, "nil connection"},
		{"negative timeout", nc, &Options{Timeout: -time.Second}, "negative Timeout"},
		{"negative grace", nc, &Options{ReconnectGrace: -time.Second}, "negative ReconnectGrace"},
		{"domain without JetStream", nc, &Options{JetStreamDomain: "hub"}, "JetStream is not"},
		{"JetStream on a wrapper", wrapped{nc}, &Options{JetStream: true}, "needs a *nats.Conn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.conn, tt.opts)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				r, _ := check(t, c, 2*time.Second)
				wantStatus(t, r, vitals.StatusPass)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestClosedConnection(t *testing.T) {
	testservice.Require(t, "NATS", testservice.NATSAddr)
	nc := connect(t, testservice.NATSURL)
	c := newChecker(t, nc, nil)
	nc.Close()

	r, _ := check(t, c, time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "CLOSED") {
		t.Errorf("message %q does not say the connection is closed", r.Message)
	}
}

// TestProxyCutRestore cuts the network between the application's
// connection and the server: the check warns while the client reconnects,
// fails once ReconnectGrace has passed, and passes again once the network
// is back and the client has reconnected by itself.
func TestProxyCutRestore(t *testing.T) {
	testservice.Require(t, "NATS", testservice.NATSAddr)
	p := testproxy.Start(t, testservice.NATSAddr)
	nc := connect(t, "nats://"+p.Addr(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	const grace = 500 * time.Millisecond
	c := newChecker(t, nc, &Options{ReconnectGrace: grace, Loopback: true})

	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)

	p.Cut()
	waitFor(t, "the client to notice the cut", func() bool { return nc.Status() != nats.CONNECTED })
	r, _ = check(t, c, time.Second)
	wantStatus(t, r, vitals.StatusWarn)
	if !strings.Contains(r.Message, "reconnecting") {
		t.Errorf("message %q does not say the client is reconnecting", r.Message)
	}
	time.Sleep(grace) // the behaviour under test: the grace running out while the client reconnects
	r, _ = check(t, c, time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if r.Details["status"] != "RECONNECTING" {
		t.Errorf("Details[status] = %v, want RECONNECTING", r.Details["status"])
	}

	p.Restore()
	r = waitStatus(t, c, vitals.StatusPass)
	if n, _ := r.Details["reconnects"].(uint64); n < 1 {
		t.Errorf("Details[reconnects] = %v after a reconnect, want >= 1", r.Details["reconnects"])
	}
}

// TestBlackhole: a server that stops answering on a live connection fails
// the check at its deadline, while the client still counts itself
// connected; once the server answers again, the late reply to the failed
// check's ping does not pass for the next check's.
func TestBlackhole(t *testing.T) {
	testservice.Require(t, "NATS", testservice.NATSAddr)
	p := testproxy.Start(t, testservice.NATSAddr)
	nc := connect(t, "nats://"+p.Addr())
	c := newChecker(t, nc, &Options{Loopback: true})
	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)

	p.Blackhole()
	r, _ = check(t, c, 500*time.Millisecond)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "ping NATS server") || !strings.Contains(r.Message, "deadline exceeded") {
		t.Errorf("message %q does not say the ping timed out", r.Message)
	}

	p.Restore()
	for range 2 {
		r, _ = check(t, c, 2*time.Second)
		wantStatus(t, r, vitals.StatusPass)
	}
}

// waitFor runs cond, which runs a check, every 20ms until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	monitortest.Poll(t, 20*time.Millisecond, what, cond)
}

// waitStatus checks c until it reports want, for up to 10s.
func waitStatus(t *testing.T, c *Checker, want vitals.Status) vitals.Result {
	t.Helper()
	var r vitals.Result
	waitFor(t, "status "+want.String(), func() bool {
		r, _ = check(t, c, time.Second)
		return r.Status == want
	})
	return r
}
