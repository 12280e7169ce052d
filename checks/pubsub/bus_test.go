package pubsub_test

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vitalsgo/vitals/vitalstest"
)

// The pubsub checker has no server of its own: it drives whatever Bus the
// application hands it. chanBus is vitalstest's in-process bus with the
// faults these tests need on top of its Drop; the broker modules (NATS,
// MQTT, …) test the checker against real servers.
type chanBus struct {
	*vitalstest.PubSub
	delay  time.Duration  // deliver after this long
	noise  [][]byte       // published to the topic before every message
	closed bool           // close subscriptions at once
	unsubs atomic.Int32   // subscriptions ended
	wg     sync.WaitGroup // delayed deliveries
}

func newBus() *chanBus { return &chanBus{PubSub: vitalstest.NewPubSub()} }

func (b *chanBus) Subscribe(ctx context.Context, topic string) (<-chan []byte, func(), error) {
	if b.closed {
		ch := make(chan []byte)
		close(ch)
		return ch, func() {}, nil
	}
	ch, unsubscribe, err := b.PubSub.Subscribe(ctx, topic)
	if err != nil {
		return nil, nil, err
	}
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			unsubscribe()
			b.unsubs.Add(1)
		})
	}, nil
}

func (b *chanBus) Publish(ctx context.Context, topic string, msg []byte) error {
	for _, n := range b.noise {
		if err := b.PubSub.Publish(ctx, topic, n); err != nil {
			return err
		}
	}
	if b.delay == 0 {
		return b.PubSub.Publish(ctx, topic, msg)
	}
	b.wg.Add(1)
	time.AfterFunc(b.delay, func() {
		defer b.wg.Done()
		b.PubSub.Publish(context.Background(), topic, msg)
	})
	return nil
}
