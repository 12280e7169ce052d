package mqtt

import (
	"errors"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
)

func TestOpenHealthy(t *testing.T) {
	checktest.Require(t, "Mosquitto", testservice.MQTTAddr)
	c := checktest.MustNew(t, Open, testservice.MQTTURL, &Options{Loopback: true})
	r := checktest.Want(t, c, 2*time.Second, vitals.StatusPass)
	if id, _ := r.Details["client_id"].(string); !strings.HasPrefix(id, "vitals-") {
		t.Errorf("Details[client_id] = %v, want a vitals- client ID", r.Details["client_id"])
	}
	checktest.WantDetails(t, r, "loopback_ms")
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if r := checktest.Want(t, c, time.Second, vitals.StatusFail); !errors.Is(r.Err, ErrClosed) {
		t.Errorf("Err after Close = %v, want ErrClosed", r.Err)
	}
}

func TestOpenInvalid(t *testing.T) {
	checktest.WantRefusals(t, Open, "hunter2", []checktest.Refusal[Options]{
		{Name: "scheme", Arg: "http://user:hunter2@127.0.0.1:1883", Want: "unsupported scheme"},
		{Name: "port", Arg: "tcp://user:hunter2@127.0.0.1:port", Want: "invalid broker URL"},
		{Name: "no host", Arg: "tcp://user:hunter2@:1883", Want: "no host"},
		{Name: "negative timeout", Arg: "tcp://127.0.0.1:1883", Opts: &Options{Timeout: -1}, Want: "negative Timeout"},
	})
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
		Name: "Mosquitto",
		Addr: testservice.MQTTAddr,
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
