package mqtt

import (
	"errors"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/vitalsgo/vitals"
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
	testservice.Require(t, "Mosquitto", testservice.MQTTAddr)
	c := open(t, testservice.MQTTURL, &Options{Loopback: true})

	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)
	if id, _ := r.Details["client_id"].(string); !strings.HasPrefix(id, "vitals-") {
		t.Errorf("Details[client_id] = %v, want a vitals- client ID", r.Details["client_id"])
	}
	if _, ok := r.Details["loopback_ms"]; !ok {
		t.Errorf("Details lack loopback_ms: %v", r.Details)
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
		{"scheme", "http://user:hunter2@127.0.0.1:1883", nil, "unsupported scheme"},
		{"port", "tcp://user:hunter2@127.0.0.1:port", nil, "invalid broker URL"},
		{"no host", "tcp://user:hunter2@:1883", nil, "no host"},
		{"negative timeout", "tcp://127.0.0.1:1883", &Options{Timeout: -1}, "negative Timeout"},
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

func TestOpenClosedPort(t *testing.T) {
	addr := testservice.ClosedAddr(t)
	c := open(t, "tcp://user:hunter2@"+addr, nil)

	r, elapsed := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "connection refused") || !strings.Contains(r.Message, addr) {
		t.Errorf("message %q does not say that %s refused the connection", r.Message, addr)
	}
	if strings.Contains(r.Message, "hunter2") {
		t.Errorf("message %q shows the password", r.Message)
	}
	if elapsed > time.Second {
		t.Errorf("a refused connection took %v to report", elapsed)
	}
}

func TestOpenBlackhole(t *testing.T) {
	addr := testservice.BlackholeAddr(t)
	// The connect timeout outlives the check's: the attempt goes on in the
	// background, its error is the next check's, and Close waits for it.
	c := open(t, "tcp://"+addr, &Options{Timeout: 1500 * time.Millisecond})

	const timeout = time.Second
	r, elapsed := check(t, c, timeout)
	wantStatus(t, r, vitals.StatusFail)
	if elapsed > timeout+time.Second {
		t.Errorf("check took %v with a %v deadline", elapsed, timeout)
	}
	if !strings.Contains(r.Message, "deadline exceeded") || !strings.Contains(r.Message, addr) {
		t.Errorf("message %q does not say the connection to %s timed out", r.Message, addr)
	}
	attemptEnded(t, c)
	r, _ = check(t, c, timeout)
	wantStatus(t, r, vitals.StatusFail)
	if !strings.Contains(r.Message, "timeout") {
		t.Errorf("message %q: want the handshake's timeout", r.Message)
	}
}

// TestOpenProxyCutRestore: the owned client loses its connection with the
// network, says why while paho reconnects, and passes once it is back.
func TestOpenProxyCutRestore(t *testing.T) {
	testservice.Require(t, "Mosquitto", testservice.MQTTAddr)
	p := testproxy.Start(t, testservice.MQTTAddr)
	c := open(t, "tcp://"+p.Addr(), &Options{
		Loopback: true,
		Configure: func(o *mqtt.ClientOptions) {
			o.SetMaxReconnectInterval(200 * time.Millisecond)
		},
	})
	r, _ := check(t, c, 2*time.Second)
	wantStatus(t, r, vitals.StatusPass)

	p.Cut()
	waitFor(t, "the reason of the loss", func() bool {
		r, _ = check(t, c, time.Second)
		return r.Status == vitals.StatusFail && strings.Contains(r.Message, "lost (")
	})
	if !strings.Contains(r.Message, "reconnecting") {
		t.Errorf("message %q does not say paho is reconnecting", r.Message)
	}
	if _, ok := r.Details["connection_lost"]; !ok {
		t.Errorf("Details lack connection_lost: %v", r.Details)
	}

	p.Restore()
	waitStatus(t, c, vitals.StatusPass)
}

// attemptEnded waits, at most 10s, for the last connection attempt of c's
// owned client to end.
func attemptEnded(t *testing.T, c *Checker) {
	t.Helper()
	c.owned.mu.Lock()
	tok := c.owned.connecting
	c.owned.mu.Unlock()
	if tok == nil {
		return
	}
	select {
	case <-tok.Done():
	case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("the connection attempt in flight never ended")
	}
}
