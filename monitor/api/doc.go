// Package api serves the JSON API and the badges of `vitals serve`. Both
// read the same [board.Board] as the status page, so they never disagree
// with it; only the history endpoints (results, uptime over other windows)
// query the store.
//
//	h := api.New(b, policy, nil)
//	h.Register(mux) // beside the status page's routes
//
// docs/api.md in the repository shows every endpoint with a request and
// its answer.
//
// # Endpoints
//
//	GET /api/v1/targets                                every target, in page order
//	GET /api/v1/targets/{name}                         one target, with its sub-checks
//	GET /api/v1/targets/{name}/results?since&until&limit   its results, newest first
//	GET /api/v1/targets/{name}/uptime?window           its uptime over a window
//	GET /badge/{name}/status.svg|.json                 status badge
//	GET /badge/{name}/uptime/{window}.svg|.json        uptime badge: 24h, 7d, 30d, 90d
//	GET /badge/{name}/latency.svg|.json                mean latency of the recent results
//
// The routes are GET patterns, which serve HEAD too; ServeMux answers other
// methods with 405. The .json badges are shields.io endpoint badges
// (https://shields.io/badges/endpoint-badge); the .svg ones are drawn here
// in shields' flat style.
//
// # Names in URLs
//
// A target's name is one path segment. The core refuses names with '/',
// '?', '#', '%', spaces or control characters, so a name never needs more
// than one segment; any other character is written percent-encoded
// (url.PathEscape). A name of "." or ".." must be written %2E or %2E%2E,
// and browsers, which resolve dot segments, cannot ask for it.
//
// # Parameters
//
// since and until take an RFC 3339 time, unix seconds, "now", or a span
// back from now: whole numbers with units s, m, h, d (24 h) and w (7 d),
// as in 90m, 1d12h or 2w, up to [MaxWindow]. A "+" in a zone offset that a
// query string decoded to a space is read as "+". Results cover
// [since, until), by default the [DefaultSpan] up to now; limit is 1 to
// [MaxLimit], by default [DefaultLimit]; more in the answer says whether
// older results are left (ask again with until set to the last one's at).
// window takes a span, by default 24h; one of [board.Windows] is answered
// from the Board's cached uptime, the number the page and the badges show,
// any other is computed from the store. A value that cannot be read is a
// 400 naming the parameter.
//
// # Access and errors
//
// A request the policy does not let view gets [access.Policy.Deny]'s 401.
// Messages, details and sub-check messages are shown only to a caller
// [access.Policy.CanSeeDetails] admits; statuses, latencies and codes to
// everyone who may view. Errors are JSON, {"error": "..."}: 404 for an
// unknown target, 400 for a bad parameter, 503 when the store fails (its
// error is logged, not shown). An unknown target's .svg badge is a grey
// "not found" badge with status 404, as shields answers, so that a page
// embedding it shows why rather than a broken image; it does not draw the
// name asked for, so no URL puts words of its choosing into an image
// served from here.
//
// # Caching
//
// Every 200 answer carries an ETag, a hash of its body, and a request
// with that tag in If-None-Match gets 304. (The list of targets, which
// keeps each target's JSON per version of its state rather than encoding
// thousands on every request, hashes the hashes of those parts: still a
// function of the body alone.) Hashing the body rather than
// tagging with the Board's version means a badge keeps its tag while
// other targets change, and an answer with details has another tag than
// one without. API answers are "no-cache" (stored, revalidated before
// each use); badges "max-age=30, must-revalidate" ([Options.BadgeMaxAge]),
// short enough that a README shows a change within a check or two. Both
// are "private" when the policy is, or the answer depended on credentials,
// and vary on Authorization.
package api
