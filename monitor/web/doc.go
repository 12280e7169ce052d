// Package web is the status page of `vitals serve`: server-rendered HTML
// over a [board.Board], kept live by Server-Sent Events.
//
// # Pages
//
// The status page (/) lists every target, grouped as configured, with its
// status (pass, warn, fail, or no data before its first result), since
// when, its last latency, its uptime over each of [board.Windows] (a window
// without data says so and never shows as 0%) and a sparkline of its recent
// results. A target's page (/targets/{name}) adds its status history,
// latency over the last day, sub-checks and recent results from the store.
// Messages and details appear only for a caller the [access.Policy] lets
// see details; a caller it does not let view gets its 401.
//
// Every page reads fully without JavaScript (it then reloads itself every
// 30 seconds). Charts are inline SVG drawn on the server. Rows carry stable
// ids and data attributes — <tr id="t-NAME" data-target="NAME"
// data-status="fail"> — for scripts and browser tests.
//
// # Live updates
//
// GET /api/v1/events streams a "target" event with the new row whenever a
// target's row changes, a "summary" event with the counts by status, and a
// "reload" event when the page's layout changed (targets, groups, title or
// banner). Each batch ends with the board version it brings the client to
// as its event id, so a reconnecting browser resumes without missing a
// change (or reloads, when the server restarted in between). A heartbeat comment goes out every [Options.Heartbeat]. The
// script in /static/live.js applies the events in place, and falls back to
// reloading the page when the browser has no EventSource or the stream
// keeps failing.
//
// A stream ends when its client goes away or [Handler.Close] is called;
// call Close when the server shuts down, since http.Server.Shutdown waits
// for handlers that a stream would otherwise keep running.
//
// # Performance
//
// A row is rendered once per target [board.State] (States are immutable
// and replaced on change) and per detail level, and kept; the status page
// and every event stream assemble cached rows. BenchmarkPage measures a
// page of 10,000 targets.
package web
