package amqp

import (
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
)

func TestOpenHealthy(t *testing.T) {
	checktest.Require(t, "RabbitMQ", testservice.AMQPAddr)
	c := checktest.MustNew(t, Open, testservice.AMQPURL, &Options{Loopback: true})
	r := checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
	checktest.WantDetails(t, r, "server_product", "server_version", "channel_open_ms", "loopback_ms")
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if r := checktest.Want(t, c, time.Second, vitals.StatusFail); !errors.Is(r.Err, ErrClosed) {
		t.Errorf("Err after Close = %v, want ErrClosed", r.Err)
	}
}

func TestOpenInvalid(t *testing.T) {
	checktest.WantRefusals(t, Open, "hunter2", []checktest.Refusal[Options]{
		{Name: "scheme", Arg: "http://guest:hunter2@127.0.0.1:5672/", Want: "invalid URL"},
		{Name: "port", Arg: "amqp://guest:hunter2@127.0.0.1:port/", Want: "invalid URL"},
		{Name: "negative timeout", Arg: "amqp://127.0.0.1/", Opts: &Options{Timeout: -1}, Want: "negative Timeout"},
	})
}

// TestOpenStall: when the broker stops answering on a live connection, the
// check fails at its deadline and drops the connection, and the checker
// recovers with a new one.
func TestOpenStall(t *testing.T) {
	checktest.Require(t, "RabbitMQ", testservice.AMQPAddr)
	p := testproxy.Start(t, testservice.AMQPAddr)
	c := checktest.MustNew(t, Open, "amqp://guest:guest@"+p.Addr()+"/", nil)
	checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
	p.Blackhole()
	checktest.WantTimeout(t, c, 500*time.Millisecond)
	p.Restore()
	checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
}

func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name: "RabbitMQ",
		Addr: testservice.AMQPAddr,
		Open: func(addr string) (checktest.Checker, error) {
			return Open(withHost(t, testservice.AMQPURL, addr, ""), &Options{Timeout: time.Minute})
		},
		OpenWithPassword: func(addr, password string) (checktest.Checker, error) {
			return Open(withHost(t, testservice.AMQPURL, addr, password), &Options{Timeout: time.Minute})
		},
		Details: []string{"server_product", "server_version", "channel_open_ms"},
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
