// Package sqlcheck checks a database through database/sql: it pings the
// database, optionally runs a query and compares its result, and reports
// the connection pool's statistics, warning when the pool is saturated.
//
// [New] takes the application's own *sql.DB — the pool whose health
// matters — through the small [DB] interface. [Open] builds and owns a
// pool for a check configured by driver name and DSN; close it with
// [Checker.Close].
//
//	db, err := sql.Open("pgx", dsn)
//	…
//	c, err := sqlcheck.New(db, &sqlcheck.Options{Query: "SELECT 1", Expect: 1})
//	if err != nil { … }
//	m.Add("db", c, vitals.Timeout(2*time.Second))
//
// # Results
//
//   - StatusPass: the ping (and the query) succeeded.
//   - StatusWarn: they succeeded, but the pool is saturated: every
//     connection allowed by SetMaxOpenConns was in use when the check
//     began, or callers had to wait for a connection since the last check
//     (sql.DBStats.WaitCount grew).
//   - StatusFail: the ping or the query failed, returned no row or an
//     unexpected value, or the context ended first.
//
// Observed is the ping's round trip in ms. Details hold the pool
// statistics: open, in_use, idle, max_open, wait_count, wait_duration
// (a Go duration string) and wait_count_delta, plus ping_ms and query_ms.
//
// The driver-specific modules (checks/postgres, checks/mysql) build on this
// package and add what only their driver can tell.
package sqlcheck
