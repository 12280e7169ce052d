// Package blocking runs a checker's blocking work, which takes no context,
// so that Check still returns at its context's deadline.
//
// Some drivers take no context: gomemcache bounds each operation by its
// own client timeout, and a bbolt or Badger read transaction can wait
// indefinitely for a writer. Calling them from Check directly would make
// the check outlive its deadline, and the monitor's timeout would then
// abandon a goroutine it cannot stop. A [Runner] owns that goroutine
// instead:
//
//   - One goroutine per checker at the most. The work runs on a goroutine
//     the Runner starts, and Do returns at ctx's deadline even when the
//     work has not. While that work is outstanding, calls of Do that start
//     meanwhile wait for its result instead of starting more work, so a
//     dependency that hangs costs one goroutine, not one per check.
//   - Panics are recovered. The monitor recovers panics in Check, but not
//     on a goroutine Check started; a panic in the work becomes a failing
//     Result with a [vitals.PanicError] instead of ending the program.
//   - Close waits. [Runner.Close] makes later calls fail and waits for the
//     outstanding work, so a checker's Close leaves no goroutine behind
//     (goleak in tests, a clean shutdown in programs).
//
// A checker embeds a Runner and calls it from Check and Close:
//
//	type Checker struct {
//		db  DB
//		run blocking.Runner
//	}
//
//	func (c *Checker) Check(ctx context.Context) vitals.Result {
//		return c.run.Do(ctx, "bolt read transaction", c.check)
//	}
//
//	func (c *Checker) Close() error {
//		c.run.Close()
//		return nil
//	}
//
// Drivers that take a context need none of this: they return at the
// deadline themselves.
package blocking
