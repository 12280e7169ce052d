package vitalstest

import (
	"context"
	"sync"
)

// PubSub is an in-memory publish/subscribe bus for the tests of code
// checked with package pubsub (checks/pubsub), whose Bus interface it has.
// [PubSub.Drop] makes it lose every message, as a broker that accepts and
// never delivers; [PubSub.Fail] makes every call fail. It is safe for
// concurrent use.
type PubSub struct {
	mu   sync.Mutex
	subs map[string]map[chan []byte]struct{}
	drop bool
	err  error
}

// NewPubSub returns a bus with no subscribers.
func NewPubSub() *PubSub { return &PubSub{subs: map[string]map[chan []byte]struct{}{}} }

// Drop makes Publish lose every message (true) or deliver them again.
func (b *PubSub) Drop(drop bool) {
	b.mu.Lock()
	b.drop = drop
	b.mu.Unlock()
}

// Fail makes every later call return err, until Fail(nil).
func (b *PubSub) Fail(err error) {
	b.mu.Lock()
	b.err = err
	b.mu.Unlock()
}

// Subscribe receives the messages published to topic from now on, on a
// buffered channel (a subscriber that does not read loses what does not
// fit); the function returned ends the subscription.
func (b *PubSub) Subscribe(ctx context.Context, topic string) (<-chan []byte, func(), error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if b.err != nil {
		return nil, nil, b.err
	}
	ch := make(chan []byte, 64)
	if b.subs[topic] == nil {
		b.subs[topic] = map[chan []byte]struct{}{}
	}
	b.subs[topic][ch] = struct{}{}
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs[topic], ch)
			b.mu.Unlock()
		})
	}, nil
}

// Publish delivers a copy of msg to every subscriber of topic.
func (b *PubSub) Publish(ctx context.Context, topic string, msg []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if b.err != nil {
		return b.err
	}
	if b.drop {
		return nil
	}
	for ch := range b.subs[topic] {
		select {
		case ch <- append([]byte(nil), msg...):
		default: // full: lost, as by a slow subscriber of a real broker
		}
	}
	return nil
}

// Subscribers returns the number of subscriptions to topic.
func (b *PubSub) Subscribers(topic string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs[topic])
}
