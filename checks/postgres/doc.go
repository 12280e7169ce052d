// Package postgres checks a PostgreSQL server through a pgx connection pool
// (github.com/jackc/pgx/v5/pgxpool).
//
// A [Checker] acquires a connection from the pool, runs "SELECT 1" (or
// [Options].Query) on it and reports the round-trip time, the server
// version and the pool's statistics. Checking through the service's own
// pool tests what the service depends on: the server, the network path, the
// credentials and the pool itself. A pool whose every connection is in use
// when the check begins reports [vitals.StatusWarn]: the service's requests
// are queueing for connections.
//
// # Registering
//
// With the pool the service already has:
//
//	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
//	…
//	m := vitals.New(nil)
//	m.Add("postgres", postgres.New(pool, nil), vitals.Timeout(2*time.Second))
//
// From configuration, with a pool the checker owns:
//
//	c, err := postgres.Open("postgres://app:secret@db:5432/app", nil)
//	if err != nil {
//		return err // never quotes the password
//	}
//	defer c.Close()
//	m.Add("postgres", c, vitals.Timeout(2*time.Second))
//
// # Result
//
// Observed is the query's round-trip time in milliseconds (Unit "ms").
// Details:
//
//	server_version               e.g. "15.4 (Debian 15.4-1)"
//	acquire_ms                   time spent waiting for a connection
//	pool_total                   connections open (idle + acquired + constructing)
//	pool_idle                    connections waiting in the pool
//	pool_acquired                connections in use by the service
//	pool_constructing            connections being opened
//	pool_max                     the pool's MaxConns
//	pool_acquire_count           acquires since the pool was created
//	pool_empty_acquire_count     acquires that had to wait for a connection
//	pool_canceled_acquire_count  acquires given up by their context
//
// The pool figures are taken before the check acquires its own connection.
//
// # database/sql
//
// A service that reaches PostgreSQL through database/sql with pgx's stdlib
// driver (github.com/jackc/pgx/v5/stdlib) needs nothing from this package:
// the core's database/sql checker (github.com/vitalsgo/vitals/checks/sql,
// package sqlcheck) checks its *sql.DB, pool statistics included:
//
//	import (
//		_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
//		sqlcheck "github.com/vitalsgo/vitals/checks/sql"
//	)
//
//	db, err := sql.Open("pgx", dsn)
//	…
//	c, err := sqlcheck.New(db, &sqlcheck.Options{Query: "SELECT 1", Expect: 1})
//	…
//	m.Add("postgres", c, vitals.Timeout(2*time.Second))
package postgres
