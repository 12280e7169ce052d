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

func TestOpenHealthy(t *testing.T) {
	checktest.Require(t, "NATS", testservice.NATSAddr)
	c := checktest.MustNew(t, Open, testservice.NATSURL, &Options{JetStream: true, Loopback: true})
	r := checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
	checktest.WantDetails(t, r, "server_version", "jetstream_streams", "loopback_ms")
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if r := checktest.Want(t, c, time.Second, vitals.StatusFail); !errors.Is(r.Err, ErrClosed) {
		t.Errorf("Err after Close = %v, want ErrClosed", r.Err)
	}
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
				ConnectOptions: []nats.Option{nats.ReconnectWait(50 * time.Millisecond)},
			})
		},
		Details: []string{"server_version"},
	})
}
