// Package mysql checks a MySQL or MariaDB server through a database/sql
// pool of go-sql-driver/mysql connections (github.com/go-sql-driver/mysql).
//
// A check is the core database/sql check of package
// github.com/vitalsgo/vitals/checks/sql (ping, pool statistics, a warning
// when the pool is saturated) followed by SELECT VERSION(). It fails when
// no connection can be had (server down or unreachable, wrong password: the
// message keeps the server's words, "Access denied for user …", and never
// the password) or when the ping or the query fails, and warns when the
// service's queries queue for connections. The ping's round-trip time is
// the Result's Observed value, in milliseconds; Details carry
// server_version beside the pool's statistics. A pooled connection that
// broke since its last use is retried once on a fresh one: a server
// restart that the pool has not noticed yet is no failure.
//
// # Use
//
// [New] checks the application's own pool, the one that must be healthy:
//
//	db, err := sql.Open("mysql", "app:secret@tcp(db:3306)/shop")
//	…
//	check, err := vitalsmysql.New(db, nil)
//	…
//	m := vitals.New(nil)
//	m.Add("mysql", check, vitals.Timeout(2*time.Second))
//
// [Open] makes and owns a small pool from a DSN, for checks configured by
// string; database/sql dials again on every check that finds no live
// connection, so it recovers when the server is back. [Checker.Close]
// closes the pool.
package mysql
