// Package alert decides the alerts of `vitals serve` and delivers them.
//
// An [Engine] is the store's [store.Alerter]: the store calls it in the
// transaction that appends a batch of results, so a decision commits with
// the results that caused it. For each target with a [Rule] it applies the
// results in order to the target's stored [store.AlertState]: AlertAfter
// failing results in a row open an incident, ResolveAfter results that do
// not fail close it. A transition is a compare-and-set on the state's
// version, and the notifications it creates are outbox rows inserted in
// the same transaction, each with a unique dedup key
// ("<target>/<n>:<channel>:<kind>[:k]"), so no incident opens twice and no
// notification is enqueued twice, whoever writes. An incident that opens
// while a target it depends on fails, or under a [Silence] or a
// [Maintenance] window, opens suppressed: recorded, and shown, but sent to
// no one.
//
// A [Dispatcher] delivers the outbox at least once: it claims the rows
// that are due (for a lease; FOR UPDATE SKIP LOCKED on PostgreSQL), sends
// the rows a channel claimed together as one [notify.Message], and marks
// them sent only once the channel accepted it; a failure is retried with
// [Backoff], and dead-lettered after MaxAttempts or at once when the
// receiver refuses it for good. It also sends the reminders that are due,
// re-sends firing alerts to Alertmanager channels, and reads the silences
// made through the API.
//
// docs/alerts.md describes the behaviour for users.
package alert
