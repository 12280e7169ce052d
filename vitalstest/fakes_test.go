package vitalstest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/kv"
	"github.com/vitalsgo/vitals/checks/pubsub"
	"github.com/vitalsgo/vitals/vitalstest"
)

func run(t *testing.T, c vitals.Checker) vitals.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	return c.Check(ctx)
}

// The KV fake drives the kv checker: a fresh key deleted after each run,
// one key overwritten without Delete, and a failure while it is down.
func TestKV(t *testing.T) {
	store := vitalstest.NewKV()
	c, err := kv.New(store, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if r := run(t, c); r.Status != vitals.StatusPass || !strings.HasPrefix(r.Message, "put/get/delete round trip") {
			t.Fatalf("%v %q", r.Status, r.Message)
		}
	}
	if n := store.Keys(); n != 0 {
		t.Errorf("%d keys left after runs that delete", n)
	}
	dht, err := kv.New(store.WithoutDelete(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if r := run(t, dht); r.Status != vitals.StatusPass || !strings.HasPrefix(r.Message, "put/get round trip") || r.Details["key"] != kv.DefaultPrefix+"probe" {
			t.Fatalf("without Delete: %v %q %v", r.Status, r.Message, r.Details)
		}
	}
	if n := store.Keys(); n != 1 {
		t.Errorf("%d keys after runs without Delete, want the one probe key", n)
	}
	store.Fail(errors.New("connection refused"))
	if r := run(t, c); r.Status != vitals.StatusFail || !strings.Contains(r.Message, "connection refused") {
		t.Errorf("down: %v %q", r.Status, r.Message)
	}
	store.Fail(nil)
	if _, err := store.Get(context.Background(), "nope"); !errors.Is(err, vitalstest.ErrNotFound) {
		t.Errorf("Get of a missing key: %v", err)
	}
}

// The PubSub fake drives the pubsub checker: a loopback passes, a dropped
// message fails at the deadline, and no subscription is left behind.
func TestPubSub(t *testing.T) {
	bus := vitalstest.NewPubSub()
	c, err := pubsub.New(bus, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := run(t, c); r.Status != vitals.StatusPass {
		t.Fatalf("%v %q", r.Status, r.Message)
	}
	bus.Drop(true)
	if r := run(t, c); r.Status != vitals.StatusFail {
		t.Errorf("dropping: %v %q", r.Status, r.Message)
	}
	bus.Drop(false)
	bus.Fail(errors.New("broker gone"))
	if r := run(t, c); r.Status != vitals.StatusFail || !strings.Contains(r.Message, "broker gone") {
		t.Errorf("down: %v %q", r.Status, r.Message)
	}
	if n := bus.Subscribers(pubsub.DefaultTopic); n != 0 {
		t.Errorf("%d subscriptions left", n)
	}
}

// A store with only Put and Get, such as CHORUS's DHT, is checked by
// overwriting one key.
func ExampleKV_WithoutDelete() {
	store := vitalstest.NewKV()
	c, _ := kv.New(store.WithoutDelete(), &kv.Options{Prefix: "dht/"})
	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Details["key"], store.Keys())
	// Output: pass dht/probe 1
}
