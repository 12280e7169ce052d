// Package pubsub checks a publish/subscribe system by loopback: it
// subscribes to a topic, publishes a unique message to it, and waits for
// that message to come back. This is the CHORUS PubSub check; it works for
// any broker — NATS, MQTT, Redis, Kafka, an in-process bus — through the
// two-method [Bus] interface, and it proves that messages actually flow,
// not only that a connection is open.
//
// Messages from other instances running the same check on the same topic
// are skipped: each run waits for its own random message only.
//
// # Results
//
//   - StatusPass: the message came back; Observed is the round trip
//     (publish to receipt) in ms.
//   - StatusWarn: it came back, but slower than [Options.WarnAfter].
//   - StatusFail: Subscribe or Publish failed, the subscription closed, or
//     the message did not arrive before the context ended.
//
// Register it with a timeout, which is how long a message may take:
//
//	c, err := pubsub.New(bus, &pubsub.Options{Topic: "orders.health"})
//	if err != nil { … }
//	m.Add("bus", c, vitals.Timeout(2*time.Second))
package pubsub
