// Package board is the read model of `vitals serve`: the configured targets
// in page order with their live state — current status, last result, a
// window of recent latencies and the sub-checks a health target reported —
// and their time-weighted uptime, cached. The status page, the JSON API and
// the badges all read one Board, so they never disagree and never query the
// store on a probe path.
//
// The monitor feeds a Board: [Board.SetTargets] on every (re)load of the
// configuration, [Board.Record] from the core monitor's Observe hook on
// every result, and [Board.RefreshUptime] in the background. Readers get
// immutable values; [Board.Watch] tells them which targets changed.
package board
