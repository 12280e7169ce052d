package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/owned"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/redact"
)

// DefaultQuery is the statement a [Checker] runs when [Options].Query is
// empty.
const DefaultQuery = "SELECT 1"

// DefaultConnectTimeout bounds the opening of one connection by a pool that
// [Open] builds, when neither the DSN nor [Options] set a connect timeout.
const DefaultConnectTimeout = 10 * time.Second

// Pool is the part of a [*pgxpool.Pool] the checker uses. Acquire must
// honor ctx; Stat reports the pool's counters as they are before the check
// takes its connection.
type Pool interface {
	Acquire(ctx context.Context) (*pgxpool.Conn, error)
	Stat() *pgxpool.Stat
}

var _ Pool = (*pgxpool.Pool)(nil)

// Options configures a [Checker]. A nil *Options means the defaults.
type Options struct {
	// Query is the statement run on a pooled connection; its rows are
	// discarded and only its success counts. It runs over the simple query
	// protocol, so it takes no parameters and works behind PgBouncer.
	// Default: [DefaultQuery] ("SELECT 1").
	Query string

	// ConnectTimeout bounds the opening of one connection by the pool that
	// [Open] builds, when the DSN has no connect_timeout. A connection the
	// pool starts for a check may outlive the check's deadline (pgxpool
	// finishes it in the background), so this keeps a hung server from
	// holding pool slots indefinitely. [New] ignores it: the caller's pool
	// has its own settings. Zero means [DefaultConnectTimeout] (10s); a
	// negative value is an error.
	ConnectTimeout time.Duration
}

// Checker checks a PostgreSQL server through a pgx connection pool: it
// acquires a connection, runs [Options].Query and reports the server
// version and the pool's statistics. Use [New] or [Open] to make one; it
// is safe for concurrent use.
type Checker struct {
	pool  Pool
	query string
	own   owned.Client // the pool Open made; nothing for New
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker that uses pool, typically the *pgxpool.Pool the
// service itself queries through, so that the check sees what the service
// sees. The caller keeps ownership of pool.
func New(pool Pool, opts *Options) (*Checker, error) {
	if pool == nil {
		return nil, errors.New("postgres: nil pool")
	}
	if opts == nil {
		opts = &Options{}
	}
	q := opts.Query
	if q == "" {
		q = DefaultQuery
	}
	return &Checker{pool: pool, query: q}, nil
}

// Open parses dsn (a URL such as "postgres://user:pass@host:5432/db" or
// keyword=value pairs, as [pgxpool.ParseConfig] reads them) and returns a
// Checker that owns a new pool for it. No connection is opened until the
// first check. Close the Checker to close the pool. An error never quotes
// the password.
func Open(dsn string, opts *Options) (*Checker, error) {
	if opts == nil {
		opts = &Options{}
	}
	if opts.ConnectTimeout < 0 {
		return nil, fmt.Errorf("postgres: negative ConnectTimeout %v", opts.ConnectTimeout)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx redacts the password in its own message, but an error it
		// wraps (from url.Parse) can quote the DSN whole. Its text is
		// redacted; the original is reachable only through errors.As.
		return nil, fmt.Errorf("postgres: parse DSN: %w", redact.Error(err))
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = opts.ConnectTimeout
		if cfg.ConnConfig.ConnectTimeout == 0 {
			cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
		}
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: create pool: %w", redact.Error(err))
	}
	closePool := func() error {
		pool.Close()
		return nil
	}
	return owned.Adopt(New, Pool(pool), opts, closePool, (*Checker).owner)
}

func (c *Checker) owner() *owned.Client { return &c.own }

// Close closes the pool that [Open] created. For a Checker made by [New]
// it does nothing: the pool belongs to the caller.
func (c *Checker) Close() error {
	return c.own.Close()
}

// Check acquires a connection from the pool, runs the query on it and
// reports:
//
//   - [vitals.StatusFail] when no connection can be had (server down, wrong
//     password, pool closed, ctx's deadline passed while waiting for a
//     free connection) or the query fails;
//   - [vitals.StatusWarn] when the query succeeded but every connection of
//     the pool was in use when the check began (acquired == max): the
//     service's own requests are queueing for connections;
//   - [vitals.StatusPass] otherwise.
//
// Observed is the query's round-trip time in milliseconds. Details hold
// server_version and the pool statistics (pool_total, pool_idle,
// pool_acquired, pool_constructing, pool_max, pool_acquire_count,
// pool_empty_acquire_count, pool_canceled_acquire_count), plus acquire_ms,
// the time spent waiting for a connection.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	stat := c.pool.Stat()
	details := poolDetails(stat)
	saturated := stat.MaxConns() > 0 && stat.AcquiredConns() >= stat.MaxConns()

	start := time.Now()
	conn, err := c.pool.Acquire(ctx)
	details["acquire_ms"] = report.Ms(time.Since(start))
	if err != nil {
		r := vitals.Failf("acquire postgres connection: %w", err)
		if saturated {
			r.Message += fmt.Sprintf(" (pool saturated: %d of %d connections in use)", stat.AcquiredConns(), stat.MaxConns())
		}
		r.Details = details
		return r
	}
	defer conn.Release()
	version := conn.Conn().PgConn().ParameterStatus("server_version")
	details["server_version"] = version

	start = time.Now()
	_, err = conn.Exec(ctx, c.query)
	rtt := time.Since(start)
	if err != nil {
		return report.Fail(details, "query postgres: %w", err)
	}

	r := vitals.Passf("PostgreSQL %sanswered in %.1fms", versionWord(version), report.Ms(rtt))
	if saturated {
		r = vitals.Warnf("pool saturated: %d of %d connections in use", stat.AcquiredConns(), stat.MaxConns())
	}
	r.Details = details
	r.Observed, r.Unit = report.Ms(rtt), "ms"
	return r
}

func poolDetails(s *pgxpool.Stat) map[string]any {
	return map[string]any{
		"pool_total":                  s.TotalConns(),
		"pool_idle":                   s.IdleConns(),
		"pool_acquired":               s.AcquiredConns(),
		"pool_constructing":           s.ConstructingConns(),
		"pool_max":                    s.MaxConns(),
		"pool_acquire_count":          s.AcquireCount(),
		"pool_empty_acquire_count":    s.EmptyAcquireCount(),
		"pool_canceled_acquire_count": s.CanceledAcquireCount(),
	}
}

// versionWord returns the server's version number followed by a space, or
// nothing when the server (or a proxy in front of it) did not report one.
func versionWord(v string) string {
	if v == "" {
		return ""
	}
	if i := strings.IndexByte(v, ' '); i > 0 {
		v = v[:i] // "15.4 (Debian 15.4-1)" reads better as "15.4"
	}
	return v + " "
}
