package pubsub_test

import (
	"context"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals/checks/pubsub"
	"github.com/vitalsgo/vitals/vitalstest"
)

func ExampleNew() {
	bus := vitalstest.NewPubSub() // any Bus: NATS, MQTT, Redis, …
	c, err := pubsub.New(bus, &pubsub.Options{Topic: "orders.health", WarnAfter: time.Second})
	if err != nil {
		panic(err)
	}
	r := c.Check(context.Background())
	fmt.Println(r.Status, r.Details["topic"])
	// Output: pass orders.health
}
