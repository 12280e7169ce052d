package amqp

import (
	"context"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/redact"
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

func dial(t *testing.T, url string) *amqp.Connection {
	t.Helper()
	conn, err := amqp.Dial(url)
	if err != nil {
		t.Fatalf("dial %s: %v", redact.URL(url), err)
	}
	t.Cleanup(func() { conn.CloseDeadline(time.Now().Add(time.Second)) })
	return conn
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
	testservice.Require(t, "RabbitMQ", testservice.AMQPAddr)
	c := newChecker(t, dial(t, testservice.AMQPURL), nil)

	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
	if r.Details["server_product"] != "RabbitMQ" {
		t.Errorf("Details[server_product] = %v, want RabbitMQ", r.Details["server_product"])
	}
	for _, k := range []string{"server_version", "addr"} {
		if s, _ := r.Details[k].(string); s == "" {
			t.Errorf("Details[%q] = %v, want a non-empty string", k, r.Details[k])
		}
	}
	if d, ok := r.Observed.(float64); !ok || d <= 0 || r.Unit != "ms" {
		t.Errorf("Observed = %v %q, want a positive duration in ms", r.Observed, r.Unit)
	}
	if !strings.Contains(r.Message, "RabbitMQ "+r.Details["server_version"].(string)) {
		t.Errorf("message %q does not name the broker and its version", r.Message)
	}
	// No deadline: Options.Timeout bounds the check.
	wantStatus(t, c.Check(context.Background()), vitals.StatusPass)
}

func TestLoopback(t *testing.T) {
	testservice.Require(t, "RabbitMQ", testservice.AMQPAddr)
	c := newChecker(t, dial(t, testservice.AMQPURL), &Options{Loopback: true})

	for range 2 { // a second run must not see the first one's message
		r, _ := check(t, c, 2*time.Second)
		wantStatus(t, r, vitals.StatusPass)
		if d, ok := r.Details["loopback_ms"].(float64); !ok || d <= 0 {
			t.Errorf("Details[loopback_ms] = %v, want a positive duration", r.Details["loopback_ms"])
		}
	}
}

func TestNewOptions(t *testing.T) {
	if _, err := New(nil, nil); err == nil || !strings.Contains(err.Error(), "nil connection") {
		t.Errorf("New(nil) error = %v", err)
	}
	testservice.Require(t, "RabbitMQ", testservice.AMQPAddr)
	conn := dial(t, testservice.AMQPURL)
	if _, err := New(conn, &Options{Timeout: -time.Second}); err == nil || !strings.Contains(err.Error(), "negative Timeout") {
		t.Errorf("New with a negative timeout: error = %v", err)
	}
}

func TestClosedConnection(t *testing.T) {
	testservice.Require(t, "RabbitMQ", testservice.AMQPAddr)
	conn := dial(t, testservice.AMQPURL)
	c := newChecker(t, conn, nil)
	conn.Close()

	r, _ := check(t, c, time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "closed") {
		t.Errorf("message %q does not say the connection is closed", r.Message)
	}
}

// TestProxyCut: the application's connection dies with the network and
// stays dead (amqp091-go does not reconnect); the check fails at once.
func TestProxyCut(t *testing.T) {
	testservice.Require(t, "RabbitMQ", testservice.AMQPAddr)
	p := testproxy.Start(t, testservice.AMQPAddr)
	conn := dial(t, "amqp://guest:guest@"+p.Addr()+"/")
	c := newChecker(t, conn, nil)
	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)

	p.Cut()
	// A check may see the channel open fail first ("EOF"); once
	// amqp091-go has noticed, the connection is closed.
	waitFor(t, "the connection to close", func() bool {
		r, _ = check(t, c, time.Second)
		return r.Status == vitals.StatusFail && strings.Contains(r.Message, "connection is closed")
	})
	p.Restore()
	r, _ = check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusFail)
}

// TestStall: a connection that stays up while the broker stops answering
// fails at the check's deadline, although amqp091-go's Channel takes no
// context; the next check does not pile a second request on the first.
func TestStall(t *testing.T) {
	testservice.Require(t, "RabbitMQ", testservice.AMQPAddr)
	p := testproxy.Start(t, testservice.AMQPAddr)
	conn := dial(t, "amqp://guest:guest@"+p.Addr()+"/")
	c := newChecker(t, conn, nil)
	wantStatus(t, waitStatus(t, c, vitals.StatusPass), vitals.StatusPass)

	p.Blackhole()
	const timeout = 500 * time.Millisecond
	r, elapsed := check(t, c, timeout)
	wantStatus(t, r, vitals.StatusFail)
	if elapsed > timeout+time.Second {
		t.Errorf("check took %v with a %v deadline", elapsed, timeout)
	}
	if !strings.Contains(r.Message, "did not answer") {
		t.Errorf("message %q does not say the broker did not answer", r.Message)
	}
	r, _ = check(t, c, timeout)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "previous check") {
		t.Errorf("message %q does not say an earlier request is still pending", r.Message)
	}
	// The stuck request ends with the connection (dial's cleanup).
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
