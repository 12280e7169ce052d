package pubsub_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/pubsub"
)

func TestLoopback(t *testing.T) {
	b := newBus()
	b.noise = [][]byte{[]byte("vitals-health from another instance"), []byte("order 42")}
	c := checktest.MustNew(t, pubsub.New, pubsub.Bus(b), &pubsub.Options{Topic: "orders.health"})
	r := c.Check(context.Background())
	if r.Status != vitals.StatusPass || r.Unit != "ms" || r.Details["topic"] != "orders.health" {
		t.Fatalf("result = %v %q %v", r.Status, r.Message, r.Details)
	}
	if r.Details["skipped"] != 2 {
		t.Fatalf("skipped = %v, want the 2 foreign messages", r.Details["skipped"])
	}
	if b.Subscribers("orders.health") != 0 || b.unsubs.Load() != 1 {
		t.Fatal("the subscription was not ended")
	}
}

func TestSlowRoundTripWarns(t *testing.T) {
	b := newBus()
	b.delay = 50 * time.Millisecond
	defer b.wg.Wait()
	r := checktest.MustNew(t, pubsub.New, pubsub.Bus(b), &pubsub.Options{WarnAfter: 10 * time.Millisecond}).Check(context.Background())
	if r.Status != vitals.StatusWarn || !strings.Contains(r.Message, "slow") {
		t.Fatalf("result = %v %q, want a warning", r.Status, r.Message)
	}
	if ms := r.Observed.(float64); ms < 50 {
		t.Fatalf("observed %vms, want at least the 50ms delay", ms)
	}
}

func TestLossyBusFailsAtTimeout(t *testing.T) {
	b := newBus()
	b.Drop(true)
	c := checktest.MustNew(t, pubsub.New, pubsub.Bus(b), nil)
	const timeout = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	r := c.Check(ctx)
	el := time.Since(start)
	if r.Status != vitals.StatusFail || !errors.Is(r.Err, context.DeadlineExceeded) || !strings.Contains(r.Message, "did not arrive") {
		t.Fatalf("result = %v %q, want a failure at the deadline", r.Status, r.Message)
	}
	if el < timeout {
		t.Fatalf("returned after %v, before the %v timeout", el, timeout)
	}
	if b.Subscribers(pubsub.DefaultTopic) != 0 {
		t.Fatal("the subscription was not ended")
	}
}

func TestClosedSubscriptionFails(t *testing.T) {
	b := newBus()
	b.closed = true
	r := checktest.MustNew(t, pubsub.New, pubsub.Bus(b), nil).Check(context.Background())
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "closed") {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
}

type brokenBus struct{ pub, sub error }

func (b brokenBus) Publish(context.Context, string, []byte) error { return b.pub }
func (b brokenBus) Subscribe(context.Context, string) (<-chan []byte, func(), error) {
	if b.sub != nil {
		return nil, nil, b.sub
	}
	return make(chan []byte), func() {}, nil
}

func TestBusErrors(t *testing.T) {
	boom := errors.New("not connected")
	for _, b := range []brokenBus{{sub: boom}, {pub: boom}} {
		r := checktest.MustNew(t, pubsub.New, pubsub.Bus(b), nil).Check(context.Background())
		if r.Status != vitals.StatusFail || !errors.Is(r.Err, boom) {
			t.Fatalf("result = %v %v, want the bus error", r.Status, r.Err)
		}
	}
}

func TestInvalidOptions(t *testing.T) {
	if _, err := pubsub.New(nil, nil); err == nil {
		t.Error("nil bus: no error")
	}
	if _, err := pubsub.New(newBus(), &pubsub.Options{WarnAfter: -time.Second}); err == nil {
		t.Error("negative WarnAfter: no error")
	}
}
