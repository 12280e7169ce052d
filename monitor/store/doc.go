// Package store keeps the history of `vitals serve`: every result, the
// status intervals they make, and rollups per minute, hour and day, in
// SQLite (a file, the default) or PostgreSQL (which several monitors can
// share).
//
// Uptime is time-weighted from the status intervals, not a count of runs:
// a result stands for its target's status until the next one, at most its
// Expect (interval + timeout) later; beyond that, while the monitor was
// down, there is no data, shown apart and never counted as downtime.
//
// Several writers are safe: a status change is a conditional update and an
// insert guarded by a unique index on the open interval, and a rollup row
// grows by additive upserts, all in one transaction per batch. Nothing is
// read in Go and written back.
//
// A batch upserts minute rollups only. Once a minute has closed (two
// minutes after it ends), a fold adds it to its hour and day rows, in SQL,
// and moves a watermark past it in the same transaction; a result that
// comes later than that is added to all three at once. Readers of hours
// and days add the minutes past the watermark, so every tier is exact at
// any moment. A target probed every 10 s has its minute row upserted six
// times a minute and its hour and day rows once each: 8 upserts, not 18.
//
// The schema is versioned (see [Version]); Open applies missing
// migrations, one transaction each, under a lock, and refuses a database
// newer than the package.
package store
