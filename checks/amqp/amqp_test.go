package amqp

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/redact"
)

// dial returns the application's own connection to url, closed when the
// test ends.
func dial(t *testing.T, url string) Conn {
	t.Helper()
	conn, err := amqp.Dial(url)
	if err != nil {
		t.Fatalf("dial %s: %v", redact.URL(url), err)
	}
	t.Cleanup(func() { conn.CloseDeadline(time.Now().Add(time.Second)) })
	return conn
}

// rabbitMQ returns a Checker, made by New, of a connection to the test
// broker.
func rabbitMQ(t *testing.T, opts *Options) *Checker {
	t.Helper()
	checktest.Require(t, "RabbitMQ", testservice.AMQPAddr)
	return checktest.MustNew(t, New, dial(t, testservice.AMQPURL), opts)
}

func TestHealthy(t *testing.T) {
	c := rabbitMQ(t, nil)
	r := checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
	if r.Details["server_product"] != "RabbitMQ" {
		t.Errorf("Details[server_product] = %v, want RabbitMQ", r.Details["server_product"])
	}
	for _, k := range []string{"server_version", "addr"} {
		if s, _ := r.Details[k].(string); s == "" {
			t.Errorf("Details[%q] = %v, want a non-empty string", k, r.Details[k])
		}
	}
	checktest.WantRTT(t, r)
	checktest.WantMessage(t, r, "RabbitMQ "+r.Details["server_version"].(string))
	// No deadline: Options.Timeout bounds the check.
	checktest.WantStatus(t, c.Check(context.Background()), vitals.StatusPass)
}

func TestLoopback(t *testing.T) {
	c := rabbitMQ(t, &Options{Loopback: true})
	for range 2 { // a second run must not see the first one's message
		checktest.WantDuration(t, checktest.Want(t, c, 2*time.Second, vitals.StatusPass), "loopback_ms")
	}
}

func TestNewOptions(t *testing.T) {
	if _, err := New(nil, nil); err == nil || !strings.Contains(err.Error(), "nil connection") {
		t.Errorf("New(nil) error = %v", err)
	}
	checktest.Require(t, "RabbitMQ", testservice.AMQPAddr)
	conn := dial(t, testservice.AMQPURL)
	if _, err := New(conn, &Options{Timeout: -time.Second}); err == nil || !strings.Contains(err.Error(), "negative Timeout") {
		t.Errorf("New with a negative timeout: error = %v", err)
	}
}

func TestClosedConnection(t *testing.T) {
	checktest.Require(t, "RabbitMQ", testservice.AMQPAddr)
	conn := dial(t, testservice.AMQPURL)
	c := checktest.MustNew(t, New, conn, nil)
	conn.(*amqp.Connection).Close()
	checktest.WantMessage(t, checktest.Want(t, c, time.Second, vitals.StatusFail), "closed")
}

// proxied returns a Checker, made by New, of a connection to the test
// broker through a proxy, and the proxy.
func proxied(t *testing.T) (*Checker, *testproxy.Proxy) {
	t.Helper()
	checktest.Require(t, "RabbitMQ", testservice.AMQPAddr)
	p := testproxy.Start(t, testservice.AMQPAddr)
	c := checktest.MustNew(t, New, dial(t, "amqp://guest:guest@"+p.Addr()+"/"), nil)
	checktest.AwaitStatus(t, c, vitals.StatusPass)
	return c, p
}

// TestProxyCut: the application's connection dies with the network and
// stays dead (amqp091-go does not reconnect); the check fails at once.
func TestProxyCut(t *testing.T) {
	c, p := proxied(t)
	p.Cut()
	// A check may see the channel open fail first ("EOF"); once
	// amqp091-go has noticed, the connection is closed.
	checktest.Await(t, c, "the connection to close", func(r vitals.Result) bool {
		return r.Status == vitals.StatusFail && strings.Contains(r.Message, "connection is closed")
	})
	p.Restore()
	checktest.Want(t, c, 2*time.Second, vitals.StatusFail)
}

// TestStall: a connection that stays up while the broker stops answering
// fails at the check's deadline, although amqp091-go's Channel takes no
// context; the next check does not pile a second request on the first.
func TestStall(t *testing.T) {
	c, p := proxied(t)
	checktest.WantMessage(t, checktest.WantStall(t, c, p, 500*time.Millisecond), "did not answer")
	r := checktest.Want(t, c, 500*time.Millisecond, vitals.StatusFail)
	checktest.WantMessage(t, r, "previous check")
	// The stuck request ends with the connection (dial's cleanup).
}

// TestOpenStall: when the broker stops answering on a live connection, the
// check fails at its deadline and drops the connection, and the checker
// recovers with a new one.
func TestOpenStall(t *testing.T) {
	checktest.Require(t, "RabbitMQ", testservice.AMQPAddr)
	p := testproxy.Start(t, testservice.AMQPAddr)
	c := checktest.MustNew(t, Open, "amqp://guest:guest@"+p.Addr()+"/", nil)
	checktest.WantStall(t, c, p, 500*time.Millisecond)
	p.Restore()
	checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
}

func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name: "RabbitMQ",
		Addr: testservice.AMQPAddr,
		Open: func(addr string) (checktest.Checker, error) {
			return Open(withHost(t, testservice.AMQPURL, addr, ""), &Options{Timeout: time.Minute, Loopback: true})
		},
		OpenWithPassword: func(addr, password string) (checktest.Checker, error) {
			return Open(withHost(t, testservice.AMQPURL, addr, password), &Options{Timeout: time.Minute})
		},
		Details: []string{"server_product", "server_version", "channel_open_ms", "loopback_ms"},
		Closed:  ErrClosed,
	})
}

// withHost returns url with its host:port replaced by addr and, unless
// password is empty, its password by password.
func withHost(t *testing.T, url, addr, password string) string {
	t.Helper()
	u, err := amqp.ParseURI(url)
	if err != nil {
		t.Fatal(err)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = host
	if u.Port, err = strconv.Atoi(port); err != nil {
		t.Fatal(err)
	}
	if password != "" {
		u.Password = password
	}
	return u.String()
}

func TestOpenInvalid(t *testing.T) {
	checktest.WantRefusals(t, Open, "hunter2", []checktest.Refusal[Options]{
		{Name: "scheme", Arg: "http://guest:hunter2@127.0.0.1:5672/", Want: "invalid URL"},
		{Name: "port", Arg: "amqp://guest:hunter2@127.0.0.1:port/", Want: "invalid URL"},
		{Name: "negative timeout", Arg: "amqp://127.0.0.1/", Opts: &Options{Timeout: -1}, Want: "negative Timeout"},
	})
}
