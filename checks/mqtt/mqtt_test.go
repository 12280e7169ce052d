package mqtt

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/internal/nonce"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// connect returns a connected client of broker that reconnects quickly.
func connect(t *testing.T, broker string) mqtt.Client {
	t.Helper()
	client := mqtt.NewClient(mqtt.NewClientOptions().
		AddBroker(broker).
		SetClientID("vitals-test-" + nonce.Hex(12)).
		SetAutoReconnect(true).
		SetMaxReconnectInterval(200 * time.Millisecond).
		SetConnectTimeout(2 * time.Second))
	tok := client.Connect()
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("connect to %s: %v", broker, tok.Error())
	}
	t.Cleanup(func() { client.Disconnect(100) })
	return client
}

// mosquitto returns a Checker, made by New, of a client of the test
// broker, or through a proxy to it when p is not nil.
func mosquitto(t *testing.T, p *testproxy.Proxy, opts *Options) *Checker {
	t.Helper()
	checktest.Require(t, "Mosquitto", testservice.MQTTAddr)
	url := testservice.MQTTURL
	if p != nil {
		url = "tcp://" + p.Addr()
	}
	return checktest.MustNew(t, New, Client(connect(t, url)), opts)
}

func TestHealthy(t *testing.T) {
	c := mosquitto(t, nil, nil)
	r := checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
	if b, _ := r.Details["brokers"].([]string); len(b) != 1 || b[0] != testservice.MQTTURL {
		t.Errorf("Details[brokers] = %v, want [%s]", r.Details["brokers"], testservice.MQTTURL)
	}
	if id, _ := r.Details["client_id"].(string); !strings.HasPrefix(id, "vitals-test-") {
		t.Errorf("Details[client_id] = %v", r.Details["client_id"])
	}
	// No deadline: Options.Timeout bounds the check.
	checktest.WantStatus(t, c.Check(context.Background()), vitals.StatusPass)
}

func TestLoopback(t *testing.T) {
	c := mosquitto(t, nil, &Options{Loopback: true, TopicPrefix: "vitals/test/"})
	for range 2 { // a second run must not see the first one's message
		r := checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
		checktest.WantRTT(t, r)
		if r.Details["loopback_ms"] != r.Observed {
			t.Errorf("Details[loopback_ms] = %v, want %v", r.Details["loopback_ms"], r.Observed)
		}
	}
}

func TestNotConnected(t *testing.T) {
	client := mqtt.NewClient(mqtt.NewClientOptions().AddBroker("tcp://user:hunter2@127.0.0.1:1883"))
	c := checktest.MustNew(t, New, Client(client), &Options{Loopback: true})
	r := checktest.Want(t, c, time.Second, vitals.StatusFail)
	checktest.WantMessage(t, r, "not connected")
	if b, _ := r.Details["brokers"].([]string); len(b) != 1 || strings.Contains(b[0], "hunter2") {
		t.Errorf("Details[brokers] = %v, want one URL without its password", r.Details["brokers"])
	}
}

func TestNewOptions(t *testing.T) {
	client := mqtt.NewClient(mqtt.NewClientOptions())
	tests := []struct {
		name   string
		client Client
		opts   *Options
		want   string
	}{
		{"nil client", nil, nil, "nil client"},
		{"negative timeout", client, &Options{Timeout: -1}, "negative Timeout"},
		{"wildcard", client, &Options{TopicPrefix: "health/+"}, "wildcard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.client, tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestProxyCutRestore: the check fails while the network to the broker is
// cut and passes again once paho has reconnected by itself.
func TestProxyCutRestore(t *testing.T) {
	p := testproxy.Start(t, testservice.MQTTAddr)
	c := mosquitto(t, p, &Options{Loopback: true})
	checktest.Want(t, c, 2*time.Second, vitals.StatusPass)

	p.Cut()
	// A check may first see a write fail; once paho notices, the client
	// is not connected.
	r := checktest.Await(t, c, "the client to be disconnected", func(r vitals.Result) bool {
		return r.Status == vitals.StatusFail && strings.Contains(r.Message, "not connected")
	})
	checktest.WantMessage(t, r, "reconnecting")

	p.Restore()
	checktest.AwaitStatus(t, c, vitals.StatusPass)
}

// TestStall: with Loopback, a broker that stops answering on a live
// connection fails the check at its deadline.
func TestStall(t *testing.T) {
	p := testproxy.Start(t, testservice.MQTTAddr)
	c := mosquitto(t, p, &Options{Loopback: true})
	checktest.WantMessage(t, checktest.WantStall(t, c, p, 500*time.Millisecond), "deadline exceeded")

	p.Restore()
	checktest.AwaitStatus(t, c, vitals.StatusPass)
}

// stuckSubscribe is a connected paho client whose Subscribe waits for
// release first, as paho's does (up to its WriteTimeout) when the
// connection drops between its state check and the hand-over to its
// workers.
type stuckSubscribe struct {
	mqtt.Client
	release chan struct{}
	calls   atomic.Int32
}

func (s *stuckSubscribe) Subscribe(topic string, qos byte, h mqtt.MessageHandler) mqtt.Token {
	s.calls.Add(1)
	<-s.release
	return s.Client.Subscribe(topic, qos, h)
}

// TestLoopbackReturnsAtDeadline: a Subscribe that paho holds does not hold
// the check past its deadline, checks meanwhile start no second loopback,
// and Close waits for the one outstanding.
func TestLoopbackReturnsAtDeadline(t *testing.T) {
	checktest.Require(t, "Mosquitto", testservice.MQTTAddr)
	stuck := &stuckSubscribe{Client: connect(t, testservice.MQTTURL), release: make(chan struct{})}
	c := checktest.MustNew(t, New, Client(stuck), &Options{Loopback: true})

	// Subscribe is held until release is closed, below: a check that
	// returns at all meanwhile did not wait for paho.
	for range 3 {
		done := make(chan vitals.Result, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			done <- c.Check(ctx)
		}()
		var r vitals.Result
		select {
		case r = <-done:
		case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
			close(stuck.release)
			t.Fatal("Check waited for a Subscribe that paho held")
		}
		checktest.WantStatus(t, r, vitals.StatusFail)
		checktest.WantMessage(t, r, "MQTT loopback did not finish: context deadline exceeded")
	}
	if n := stuck.calls.Load(); n != 1 {
		t.Errorf("Subscribe called %d times while the first call was held, want 1", n)
	}

	closed := make(chan struct{})
	go func() {
		c.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while a loopback was outstanding")
	case <-time.After(50 * time.Millisecond):
	}
	close(stuck.release)
	<-closed
	if r := checktest.Want(t, c, time.Second, vitals.StatusFail); !errors.Is(r.Err, ErrClosed) {
		t.Errorf("check after Close: %q, want ErrClosed", r.Message)
	}
}

// TestOpenClientID: an owned client has a client ID of its own.
func TestOpenClientID(t *testing.T) {
	checktest.Require(t, "Mosquitto", testservice.MQTTAddr)
	r := checktest.Want(t, checktest.MustNew(t, Open, testservice.MQTTURL, nil), 2*time.Second, vitals.StatusPass)
	if id, _ := r.Details["client_id"].(string); !strings.HasPrefix(id, "vitals-") {
		t.Errorf("Details[client_id] = %v, want a vitals- client ID", r.Details["client_id"])
	}
}

// TestOpenClosedPort: a refused connection says so, and the credentials
// of the URL stay out of the result. (The test broker has no users, so
// the conformance suite cannot show that.)
func TestOpenClosedPort(t *testing.T) {
	addr := testservice.ClosedAddr(t)
	c := checktest.MustNew(t, Open, "tcp://user:hunter2@"+addr, nil)
	r := checktest.Want(t, c, 2*time.Second, vitals.StatusFail)
	checktest.WantMessage(t, r, "connection refused", addr)
	if strings.Contains(r.Message, "hunter2") || strings.Contains(r.Err.Error(), "hunter2") {
		t.Errorf("result %q shows the password", r.Message)
	}
}

// TestOpenProxyCutRestore: the owned client loses its connection with the
// network, says why while paho reconnects, and passes once it is back.
func TestOpenProxyCutRestore(t *testing.T) {
	checktest.Require(t, "Mosquitto", testservice.MQTTAddr)
	p := testproxy.Start(t, testservice.MQTTAddr)
	c := checktest.MustNew(t, Open, "tcp://"+p.Addr(), &Options{
		Loopback: true,
		Configure: func(o *mqtt.ClientOptions) {
			o.SetMaxReconnectInterval(200 * time.Millisecond)
		},
	})
	checktest.Want(t, c, 2*time.Second, vitals.StatusPass)

	p.Cut()
	r := checktest.Await(t, c, "the reason of the loss", func(r vitals.Result) bool {
		return r.Status == vitals.StatusFail && strings.Contains(r.Message, "lost (")
	})
	checktest.WantMessage(t, r, "reconnecting")
	checktest.WantDetails(t, r, "connection_lost")

	p.Restore()
	checktest.AwaitStatus(t, c, vitals.StatusPass)
}

// TestConformance runs the checker suite against Mosquitto. The broker
// scripts/services starts lets anyone in, so wrong credentials are not
// part of it.
func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name:   "Mosquitto",
		Closed: ErrClosed,
		Addr:   testservice.MQTTAddr,
		Open: func(addr string) (checktest.Checker, error) {
			// A connect timeout past the suite's deadline, which is what
			// must end a check; Close waits for an attempt in flight.
			return Open("tcp://"+addr, &Options{Timeout: 3 * time.Second, Loopback: true, Configure: func(o *mqtt.ClientOptions) {
				o.SetMaxReconnectInterval(100 * time.Millisecond)
			}})
		},
		Details: []string{"brokers", "client_id", "loopback_ms"},
	})
}

func TestOpenInvalid(t *testing.T) {
	checktest.WantRefusals(t, Open, "hunter2", []checktest.Refusal[Options]{
		{Name: "negative timeout", Arg: "tcp://127.0.0.1:1883", Opts: &Options{Timeout: -1}, Want: "negative Timeout"},
		{Name: "scheme", Arg: "http://user:hunter2@127.0.0.1:1883", Want: "unsupported scheme"},
		{Name: "port", Arg: "tcp://user:hunter2@127.0.0.1:port", Want: "invalid broker URL"},
		{Name: "no host", Arg: "tcp://user:hunter2@:1883", Want: "no host"},
	})
}
