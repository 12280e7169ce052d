package pubsub_test

import (
	"context"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/pubsub"
)

func ExampleNew() {
	bus := newBus() // any Bus: NATS, MQTT, Redis, …
	c, err := pubsub.New(bus, &pubsub.Options{Topic: "orders.health", WarnAfter: time.Second})
	if err != nil {
		panic(err)
	}
	m := vitals.New(nil)
	defer m.Close()
	m.Add("bus", c, vitals.Timeout(2*time.Second))

	snap, _ := m.RunOnce(context.Background())
	st, _ := snap.Check("bus")
	fmt.Println(st.Status)
	// Output: pass
}
