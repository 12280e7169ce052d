// Package checktest is a conformance suite for checkers of networked
// dependencies, in the spirit of testing/fstest and testing/slogtest: a
// checker's own tests call [Run] with a constructor and the address of a
// real server, and the suite checks what every such checker promises,
// whatever its protocol.
//
//	func TestConformance(t *testing.T) {
//		checktest.Run(t, checktest.Config{
//			Addr: "127.0.0.1:6379",
//			Open: func(addr string) (checktest.Checker, error) {
//				return redis.Open("redis://"+addr, nil)
//			},
//		})
//	}
//
// # What it checks
//
//   - healthy: a check of the real server passes and has details;
//   - closed port: a check fails and its message names the address, and,
//     where the protocol has credentials, shows no password;
//   - blackhole: against a listener that accepts and never answers, a check
//     fails once its context's deadline has passed, not before, and returns
//     (a hang guard fails the test if it does not);
//   - cut and restore: through a proxy, a check fails once the network is
//     cut and passes again once it is restored, with the same checker;
//   - cancel: a check whose context is cancelled while it waits returns;
//   - wrong credentials, where the protocol has them: a check fails and
//     shows the password nowhere in its result;
//   - Close: a second Close returns nil, and a check after Close fails
//     (with Config.Closed in its chain, when set);
//   - no goroutine of the checker's is left once every Checker is closed.
//
// The suite never compares durations with a threshold: it asserts the
// order of events (the context's deadline fired before the check returned)
// and stops a check that never returns with a hang guard of [HangGuard].
//
// A checker that holds nothing to close, such as one that dials afresh for
// each check, gives Config.New instead of Config.Open, and the suite leaves
// out Close.
//
// # A checker's own tests
//
// What the suite does for every checker, a test of one checker's own
// behaviour does with the same helpers: [MustNew] for a package's New or
// Open, [Check], [Want] and [WantTimeout] for a check under a deadline and
// a hang guard, [Await] for a client that recovers by itself, [WantClosed]
// for a check after its checker or its client is closed, [WantRefusals]
// for constructor arguments that must be refused without showing a
// password, and [Require] for a server that must be running.
//
// # Servers
//
// Tests that need the real server skip, naming the address, when nothing
// listens there, unless the environment has VITALS_REQUIRE_SERVICES=1,
// which makes a missing server a failure.
package checktest
