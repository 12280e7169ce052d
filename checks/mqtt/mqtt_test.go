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

// connect returns a connected client of broker that reconnects quickly.
func connect(t *testing.T, broker string) mqtt.Client {
	t.Helper()
	client := mqtt.NewClient(mqtt.NewClientOptions().
		AddBroker(broker).
		SetClientID("vitals-test-" + randomHex()).
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

func newChecker(t *testing.T, client Client, opts *Options) *Checker {
	t.Helper()
	c, err := New(client, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func wantStatus(t *testing.T, r vitals.Result, want vitals.Status) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status = %v (%q), want %v", r.Status, r.Message, want)
	}
}

func TestHealthy(t *testing.T) {
	testservice.Require(t, "Mosquitto", testservice.MQTTAddr)
	client := connect(t, testservice.MQTTURL)
	c := newChecker(t, client, nil)

	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
	if b, _ := r.Details["brokers"].([]string); len(b) != 1 || b[0] != testservice.MQTTURL {
		t.Errorf("Details[brokers] = %v, want [%s]", r.Details["brokers"], testservice.MQTTURL)
	}
	if id, _ := r.Details["client_id"].(string); !strings.HasPrefix(id, "vitals-test-") {
		t.Errorf("Details[client_id] = %v", r.Details["client_id"])
	}
	// No deadline: Options.Timeout bounds the check.
	wantStatus(t, c.Check(context.Background()), vitals.StatusPass)
}

func TestLoopback(t *testing.T) {
	testservice.Require(t, "Mosquitto", testservice.MQTTAddr)
	c := newChecker(t, connect(t, testservice.MQTTURL), &Options{Loopback: true, TopicPrefix: "vitals/test/"})

	for range 2 { // a second run must not see the first one's message
		r, _ := check(t, c, 2*time.Second)
		wantStatus(t, r, vitals.StatusPass)
		if d, ok := r.Observed.(float64); !ok || d <= 0 || r.Unit != "ms" {
			t.Errorf("Observed = %v %q, want a positive RTT in ms", r.Observed, r.Unit)
		}
		if r.Details["loopback_ms"] != r.Observed {
			t.Errorf("Details[loopback_ms] = %v, want %v", r.Details["loopback_ms"], r.Observed)
		}
	}
}

func TestNotConnected(t *testing.T) {
	client := mqtt.NewClient(mqtt.NewClientOptions().AddBroker("tcp://user:hunter2@127.0.0.1:1883"))
	c := newChecker(t, client, &Options{Loopback: true})

	r, _ := check(t, c, time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "not connected") {
		t.Errorf("message %q does not say the client is not connected", r.Message)
	}
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
	testservice.Require(t, "Mosquitto", testservice.MQTTAddr)
	p := testproxy.Start(t, testservice.MQTTAddr)
	client := connect(t, "tcp://"+p.Addr())
	c := newChecker(t, client, &Options{Loopback: true})
	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)

	p.Cut()
	// A check may first see a write fail; once paho notices, the client
	// is not connected.
	waitFor(t, "the client to be disconnected", func() bool {
		r, _ = check(t, c, time.Second)
		return r.Status == vitals.StatusFail && strings.Contains(r.Message, "not connected")
	})
	if !strings.Contains(r.Message, "reconnecting") {
		t.Errorf("message %q does not say paho is reconnecting", r.Message)
	}

	p.Restore()
	waitStatus(t, c, vitals.StatusPass)
}

// TestStall: with Loopback, a broker that stops answering on a live
// connection fails the check at its deadline.
func TestStall(t *testing.T) {
	testservice.Require(t, "Mosquitto", testservice.MQTTAddr)
	p := testproxy.Start(t, testservice.MQTTAddr)
	client := connect(t, "tcp://"+p.Addr())
	c := newChecker(t, client, &Options{Loopback: true})
	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)

	p.Blackhole()
	const timeout = 500 * time.Millisecond
	r, elapsed := check(t, c, timeout)
	wantStatus(t, r, vitals.StatusFail)
	if elapsed > timeout+time.Second {
		t.Errorf("check took %v with a %v deadline", elapsed, timeout)
	}
	if !strings.Contains(r.Message, "deadline exceeded") {
		t.Errorf("message %q does not say the check timed out", r.Message)
	}

	p.Restore()
	waitStatus(t, c, vitals.StatusPass)
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
	testservice.Require(t, "Mosquitto", testservice.MQTTAddr)
	stuck := &stuckSubscribe{Client: connect(t, testservice.MQTTURL), release: make(chan struct{})}
	c := newChecker(t, stuck, &Options{Loopback: true})

	// Subscribe is held until release is closed, below: a check that
	// returns at all meanwhile did not wait for paho.
	for range 3 {
		done := make(chan vitals.Result, 1)
		go func() {
			r, _ := check(t, c, 200*time.Millisecond)
			done <- r
		}()
		var r vitals.Result
		select {
		case r = <-done:
		case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
			close(stuck.release)
			t.Fatal("Check waited for a Subscribe that paho held")
		}
		wantStatus(t, r, vitals.StatusFail)
		if !strings.Contains(r.Message, "MQTT loopback did not finish: context deadline exceeded") {
			t.Errorf("message %q does not say the loopback did not finish", r.Message)
		}
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
	r, _ := check(t, c, time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !errors.Is(r.Err, ErrClosed) {
		t.Errorf("check after Close: %q, want ErrClosed", r.Message)
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
