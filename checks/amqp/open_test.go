package amqp

import (
	"errors"
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
