package pubsub

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// Bus is the part of a publish/subscribe system the check needs.
// Implementations must honor ctx.
type Bus interface {
	// Publish sends msg to every subscriber of topic.
	Publish(ctx context.Context, topic string, msg []byte) error
	// Subscribe starts receiving the messages published to topic after it
	// returns. It returns the channel they arrive on and a function that
	// ends the subscription; the check calls it exactly once when done. The
	// check passes its own ctx, which ends with the run; a Bus may tie the
	// subscription to it as well. Closing the channel means the
	// subscription ended.
	Subscribe(ctx context.Context, topic string) (<-chan []byte, func(), error)
}

// DefaultTopic is the topic used when [Options.Topic] is empty.
const DefaultTopic = "vitals.health"

// Options configure [New]. A nil *Options means all defaults.
type Options struct {
	// Topic is where the check publishes and listens. Default
	// [DefaultTopic].
	Topic string
	// WarnAfter reports StatusWarn when the round trip takes longer.
	// Default 0: never.
	WarnAfter time.Duration
}

// Checker sends a message to itself through a [Bus].
type Checker struct {
	bus       Bus
	topic     string
	warnAfter time.Duration
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker for bus. It returns an error when bus is nil or
// WarnAfter is negative.
func New(bus Bus, opts *Options) (*Checker, error) {
	if bus == nil {
		return nil, errors.New("pubsub: bus is nil")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.WarnAfter < 0 {
		return nil, fmt.Errorf("pubsub: negative WarnAfter %v", o.WarnAfter)
	}
	if o.Topic == "" {
		o.Topic = DefaultTopic
	}
	return &Checker{bus: bus, topic: o.Topic, warnAfter: o.WarnAfter}, nil
}

// Check subscribes, publishes a unique message and waits for it.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	d := map[string]any{"topic": c.topic}
	ch, unsubscribe, err := c.bus.Subscribe(ctx, c.topic)
	if err != nil {
		return report.Fail(d, "subscribe %s: %w", c.topic, err)
	}
	defer unsubscribe()

	msg := []byte("vitals-health " + rand.Text())
	start := time.Now()
	if err := c.bus.Publish(ctx, c.topic, msg); err != nil {
		return report.Fail(d, "publish to %s: %w", c.topic, err)
	}
	skipped := 0
	for {
		select {
		case got, ok := <-ch:
			if !ok {
				return report.Fail(d, "subscription to %s closed before the message arrived", c.topic)
			}
			if !bytes.Equal(got, msg) {
				skipped++ // someone else's message
				continue
			}
			return c.received(time.Since(start), skipped, d)
		case <-ctx.Done():
			d["skipped"] = skipped
			return report.Fail(d, "message published to %s did not arrive within %v: %w", c.topic, time.Since(start).Round(time.Millisecond), ctx.Err())
		}
	}
}

func (c *Checker) received(rtt time.Duration, skipped int, d map[string]any) vitals.Result {
	d["round_trip_ms"], d["skipped"] = float64(rtt.Microseconds())/1000, skipped
	return report.Timed(d, rtt, c.warnAfter, "message round trip on "+c.topic, "slow message round trip on "+c.topic)
}
