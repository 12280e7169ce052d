package nats

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// connect returns the application's own connection to url, closed when
// the test ends.
func connect(t *testing.T, url string, opts ...nats.Option) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// natsServer returns a Checker, made by New, of a connection to the test
// server.
func natsServer(t *testing.T, opts *Options) *Checker {
	t.Helper()
	checktest.Require(t, "NATS", testservice.NATSAddr)
	return checktest.MustNew(t, New, Conn(connect(t, testservice.NATSURL)), opts)
}

func TestHealthy(t *testing.T) {
	r := checktest.Want(t, natsServer(t, nil), 2*time.Second, vitals.StatusPass)
	for _, k := range []string{"server_version", "server_id", "url"} {
		if s, _ := r.Details[k].(string); s == "" {
			t.Errorf("Details[%q] = %v, want a non-empty string", k, r.Details[k])
		}
	}
	checktest.WantRTT(t, r)
	checktest.WantMessage(t, r, r.Details["server_version"].(string))
	checktest.WantDetails(t, r, "reconnects")
}

func TestNoDeadline(t *testing.T) {
	// FlushWithContext rejects a ctx without a deadline; the checker adds
	// Options.Timeout.
	checktest.WantStatus(t, natsServer(t, nil).Check(context.Background()), vitals.StatusPass)
}

func TestJetStream(t *testing.T) {
	r := checktest.Want(t, natsServer(t, &Options{JetStream: true}), 2*time.Second, vitals.StatusPass)
	checktest.WantDetails(t, r, "jetstream_memory_bytes", "jetstream_storage_bytes", "jetstream_streams", "jetstream_consumers", "jetstream_max_memory_bytes", "jetstream_max_storage_bytes")
}

func TestJetStreamUnknownDomain(t *testing.T) {
	c := natsServer(t, &Options{JetStream: true, JetStreamDomain: "nowhere"})
	checktest.WantMessage(t, checktest.Want(t, c, time.Second, vitals.StatusFail), "JetStream")
}

func TestLoopback(t *testing.T) {
	c := natsServer(t, &Options{Loopback: true})
	for range 2 { // a second run must not see the first one's message
		checktest.WantDuration(t, checktest.Want(t, c, 2*time.Second, vitals.StatusPass), "loopback_ms")
	}
}

// wrapped is a Conn that is not a *nats.Conn, as an application's
// instrumented wrapper would be.
type wrapped struct{ *nats.Conn }

func TestNewOptions(t *testing.T) {
	checktest.Require(t, "NATS", testservice.NATSAddr)
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
				checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestClosedConnection(t *testing.T) {
	checktest.Require(t, "NATS", testservice.NATSAddr)
	nc := connect(t, testservice.NATSURL)
	c := checktest.MustNew(t, New, Conn(nc), nil)
	nc.Close()
	checktest.WantMessage(t, checktest.Want(t, c, time.Second, vitals.StatusFail), "CLOSED")
}

// TestProxyCutRestore cuts the network between the application's
// connection and the server: the check warns while the client reconnects,
// fails once ReconnectGrace has passed, and passes again once the network
// is back and the client has reconnected by itself.
func TestProxyCutRestore(t *testing.T) {
	checktest.Require(t, "NATS", testservice.NATSAddr)
	p := testproxy.Start(t, testservice.NATSAddr)
	nc := connect(t, "nats://"+p.Addr(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	const grace = 500 * time.Millisecond
	c := checktest.MustNew(t, New, Conn(nc), &Options{ReconnectGrace: grace, Loopback: true})
	checktest.Want(t, c, 2*time.Second, vitals.StatusPass)

	p.Cut()
	monitortest.Poll(t, 20*time.Millisecond, "the client to notice the cut", func() bool { return nc.Status() != nats.CONNECTED })
	checktest.WantMessage(t, checktest.Want(t, c, time.Second, vitals.StatusWarn), "reconnecting")
	time.Sleep(grace) // the behaviour under test: the grace running out while the client reconnects
	if r := checktest.Want(t, c, time.Second, vitals.StatusFail); r.Details["status"] != "RECONNECTING" {
		t.Errorf("Details[status] = %v, want RECONNECTING", r.Details["status"])
	}

	p.Restore()
	r := checktest.AwaitStatus(t, c, vitals.StatusPass)
	if n, _ := r.Details["reconnects"].(uint64); n < 1 {
		t.Errorf("Details[reconnects] = %v after a reconnect, want >= 1", r.Details["reconnects"])
	}
}

// TestBlackhole: a server that stops answering on a live connection fails
// the check at its deadline, while the client still counts itself
// connected; once the server answers again, the late reply to the failed
// check's ping does not pass for the next check's.
func TestBlackhole(t *testing.T) {
	checktest.Require(t, "NATS", testservice.NATSAddr)
	p := testproxy.Start(t, testservice.NATSAddr)
	c := checktest.MustNew(t, New, Conn(connect(t, "nats://"+p.Addr())), &Options{Loopback: true})
	checktest.WantMessage(t, checktest.WantStall(t, c, p, 500*time.Millisecond), "ping NATS server", "deadline exceeded")

	p.Restore()
	for range 2 {
		checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
	}
}

// TestOpenRedials: when the client gives up and closes the connection, the
// next check dials a new one.
func TestOpenRedials(t *testing.T) {
	checktest.Require(t, "NATS", testservice.NATSAddr)
	p := testproxy.Start(t, testservice.NATSAddr)
	c := checktest.MustNew(t, Open, "nats://"+p.Addr(), &Options{
		ConnectOptions: []nats.Option{nats.NoReconnect()},
	})
	checktest.Want(t, c, 2*time.Second, vitals.StatusPass)

	p.Cut()
	// A check may see the connection close under it; the next one dials.
	checktest.Await(t, c, "a new dial's refusal", func(r vitals.Result) bool {
		return r.Status == vitals.StatusFail && strings.Contains(r.Message, "connection refused")
	})

	p.Restore()
	checktest.AwaitStatus(t, c, vitals.StatusPass)
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
				JetStream:      true,
				Loopback:       true,
				ConnectOptions: []nats.Option{nats.ReconnectWait(50 * time.Millisecond)},
			})
		},
		Details: []string{"server_version", "jetstream_streams", "loopback_ms"},
		Closed:  ErrClosed,
	})
}

func TestOpenInvalid(t *testing.T) {
	checktest.WantRefusals(t, Open, "hunter2", []checktest.Refusal[Options]{
		{Name: "empty", Want: "empty URL"},
		{Name: "scheme", Arg: "http://user:hunter2@127.0.0.1:4222", Want: "unsupported scheme"},
		{Name: "unparsable", Arg: "nats://user:hunter2@127.0.0.1:bad port", Want: "invalid URL"},
		{Name: "second of two", Arg: "nats://127.0.0.1:4222, nats://user:hunter2@:4222", Want: "no host"},
		{Name: "negative timeout", Arg: "nats://127.0.0.1:4222", Opts: &Options{Timeout: -1}, Want: "negative Timeout"},
	})
}
