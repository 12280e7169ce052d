// Package wrap adds behaviour around any [vitals.Checker]: a circuit
// breaker that stops hammering a dependency that keeps failing, and retries
// for a check that fails now and then for no lasting reason.
//
// # Circuit breaker
//
// [Breaker] counts consecutive failures of the wrapped check. After
// [BreakerOptions.Failures] of them the circuit opens: for
// [BreakerOptions.Cooldown] every Check returns StatusFail "circuit open"
// at once, without calling the dependency. Then the circuit is half-open:
// the next Check is one trial call; a success closes the circuit, a
// failure opens it for another cooldown. The state is in
// Details["breaker_state"] ("closed", "open" or "half-open").
//
//	db, err := wrap.Breaker(sqlChecker, &wrap.BreakerOptions{Failures: 3, Cooldown: time.Minute})
//	if err != nil { … }
//	m.Add("db", db, vitals.Interval(5*time.Second))
//
// # Retry
//
// [Retry] runs the wrapped check up to [RetryOptions.Attempts] times while
// it fails, waiting an exponentially growing backoff between attempts, and
// never past the context's deadline. The number of attempts is in
// Details["attempts"].
//
//	api, err := wrap.Retry(httpChecker, &wrap.RetryOptions{Attempts: 3, Backoff: 200 * time.Millisecond})
//
// # Time
//
// Both take a [vitals.Clock] in their options (default the system clock),
// so tests drive them with vitalstest.Clock instead of sleeping.
//
// StatusWarn counts as success for both: a degraded dependency still serves.
package wrap
