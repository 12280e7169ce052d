package pubsub_test

import (
	"context"
	"sync"
	"time"
)

// The pubsub checker has no server of its own: it drives whatever Bus the
// application hands it. chanBus is a small but real in-process bus; the
// broker modules (NATS, MQTT, …) test the checker against real servers.
type chanBus struct {
	mu     sync.Mutex
	subs   map[string]map[chan []byte]struct{}
	drop   bool          // lose every message
	delay  time.Duration // deliver after this long
	noise  [][]byte      // published to the topic before every message
	closed bool          // close subscriptions at once
	unsubs int
	wg     sync.WaitGroup // delayed deliveries
}

func newBus() *chanBus { return &chanBus{subs: map[string]map[chan []byte]struct{}{}} }

func (b *chanBus) Subscribe(ctx context.Context, topic string) (<-chan []byte, func(), error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ch := make(chan []byte, 16)
	if b.closed {
		close(ch)
		return ch, func() {}, nil
	}
	if b.subs[topic] == nil {
		b.subs[topic] = map[chan []byte]struct{}{}
	}
	b.subs[topic][ch] = struct{}{}
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			delete(b.subs[topic], ch)
			b.unsubs++
		})
	}, nil
}

func (b *chanBus) Publish(ctx context.Context, topic string, msg []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drop {
		return nil
	}
	for ch := range b.subs[topic] {
		for _, n := range b.noise {
			ch <- n
		}
		if b.delay == 0 {
			ch <- msg
			continue
		}
		b.wg.Add(1)
		time.AfterFunc(b.delay, func() {
			defer b.wg.Done()
			ch <- msg // buffered: the subscriber may be gone
		})
	}
	return nil
}

func (b *chanBus) subscribers(topic string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs[topic])
}
