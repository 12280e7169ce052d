// Package timeout holds the Timeout option of the checkers whose client
// calls take no deadline of their own (amqp, grpc, mqtt, mysql, nats): the
// option is checked and defaulted the same way everywhere, and bounds a
// check whose context has no deadline.
package timeout

import (
	"context"
	"fmt"
	"time"
)

// Option returns the Timeout option t, or def when t is zero. A negative t
// is an error that starts with pkg, the package speaking ("amqp").
func Option(pkg string, t, def time.Duration) (time.Duration, error) {
	switch {
	case t < 0:
		return t, fmt.Errorf("%s: negative Timeout %v", pkg, t)
	case t == 0:
		return def, nil
	}
	return t, nil
}

// Bound returns ctx as it is when it has a deadline, which the monitor
// always sets, and otherwise a child of ctx that ends after t, so that a
// check always ends. Call cancel when the check is done.
func Bound(ctx context.Context, t time.Duration) (_ context.Context, cancel context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, t)
}
