package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/owned"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/checks/internal/timeout"
	sqlcheck "github.com/vitalsgo/vitals/checks/sql"
	"github.com/vitalsgo/vitals/redact"
)

// DefaultTimeout is what a zero Options.Timeout means.
const DefaultTimeout = 5 * time.Second

// DB is the part of a [*sql.DB] the checker uses.
type DB = sqlcheck.DB

var _ DB = (*sql.DB)(nil)

// Options configure a [Checker]. A nil *Options means all defaults.
type Options struct {
	// Timeout bounds a check whose ctx has no deadline (the monitor always
	// sets one), and is the dial timeout of the pool [Open] makes when its
	// DSN sets none. Zero means DefaultTimeout, 5s.
	Timeout time.Duration
}

func (o *Options) withDefaults() (Options, error) {
	var out Options
	if o != nil {
		out = *o
	}
	var err error
	out.Timeout, err = timeout.Option("mysql", out.Timeout, DefaultTimeout)
	return out, err
}

// Checker checks a MySQL or MariaDB server through a database/sql pool of
// go-sql-driver/mysql connections. It is the core [sqlcheck.Checker] (ping,
// pool statistics, a warning when the pool is saturated) plus the server's
// version.
type Checker struct {
	sql  *sqlcheck.Checker
	db   DB
	own  owned.Client // the pool Open made; nothing for New
	opts Options
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker that uses db, typically the *sql.DB the service
// itself queries through, so that the check sees what the service sees.
// The caller keeps ownership of db. It returns an error for invalid
// options.
func New(db DB, opts *Options) (*Checker, error) {
	if db == nil {
		return nil, errors.New("mysql: nil DB")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	sc, err := sqlcheck.New(retryDB{db}, nil)
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	return &Checker{sql: sc, db: db, opts: o}, nil
}

// Open parses dsn, go-sql-driver/mysql's "user:password@tcp(host:3306)/db"
// (see [mysql.ParseDSN]), and returns a Checker that owns a small pool for
// it: at most two connections, one kept idle. A DSN without a timeout
// parameter gets Options.Timeout as its dial timeout. No connection is
// opened until the first check, and database/sql dials again whenever it
// has no live connection, so the checker recovers when the server is back.
// Close the Checker to close the pool. An error never quotes the password.
func Open(dsn string, opts *Options) (*Checker, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		// Redacted text; the original is reachable only through errors.As.
		return nil, fmt.Errorf("mysql: parse DSN: %w", redact.Error(err))
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = o.Timeout
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", redact.Error(err))
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(1)
	return owned.Adopt(New, DB(db), &o, db.Close, (*Checker).owner)
}

func (c *Checker) owner() *owned.Client { return &c.own }

// Close closes the pool that [Open] made. For a Checker made by [New] it
// does nothing: the pool belongs to the caller.
func (c *Checker) Close() error {
	return c.own.Close()
}

// Check pings the server, reads the pool statistics and, when the server
// answered, runs SELECT VERSION(). It reports:
//
//   - [vitals.StatusFail] when no connection can be had (server down, wrong
//     password: "Access denied for user …", ctx's deadline passed) or the
//     ping or the query fails;
//   - [vitals.StatusWarn] when they succeeded but the pool is saturated
//     (see [sqlcheck]): the service's own queries queue for connections;
//   - [vitals.StatusPass] otherwise.
//
// Observed is the ping's round-trip time in milliseconds (including a
// connect when the pool had no idle connection). Details hold
// server_version and version_ms beside the core's ping_ms and pool
// statistics (open, in_use, idle, max_open, wait_count, wait_duration,
// wait_count_delta).
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	ctx, cancel := timeout.Bound(ctx, c.opts.Timeout)
	defer cancel()
	r := c.sql.Check(ctx)
	if r.Status == vitals.StatusFail {
		return r
	}
	start := time.Now()
	var version string
	if err := c.db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		r.Status = vitals.StatusFail
		r.Err = fmt.Errorf("query mysql version: %w", err)
		r.Message = r.Err.Error() // redacted by the monitor, with r.Err
		return r
	}
	r.Details["version_ms"] = report.Ms(time.Since(start))
	r.Details["server_version"] = version
	if r.Status == vitals.StatusPass {
		r.Message = serverName(version) + ": " + r.Message
	}
	return r
}

// retryDB pings again, once, when the first ping found a pooled connection
// broken since its last use (a server restart, a network blip): the driver
// has discarded it, and what counts is whether a fresh one works. The
// driver's liveness check catches most such connections before use, but
// not one that breaks just after it. Ping is safe to repeat.
type retryDB struct{ DB }

func (d retryDB) PingContext(ctx context.Context) error {
	err := d.DB.PingContext(ctx)
	if errors.Is(err, mysql.ErrInvalidConn) && ctx.Err() == nil {
		err = d.DB.PingContext(ctx)
	}
	return err
}

// serverName reads VERSION(): MariaDB says so ("10.11.6-MariaDB-0+deb12u1"),
// MySQL does not ("8.0.36").
func serverName(version string) string {
	if i := strings.Index(version, "-MariaDB"); i >= 0 {
		return "MariaDB " + version[:i]
	}
	return "MySQL " + version
}
