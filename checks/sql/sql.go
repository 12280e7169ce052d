package sqlcheck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/owned"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/redact"
)

// DB is the part of *sql.DB the check uses.
type DB interface {
	PingContext(ctx context.Context) error
	Stats() sql.DBStats
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var _ DB = (*sql.DB)(nil)

// Options configure [New] and [Open]. A nil *Options means all defaults.
type Options struct {
	// Query, when set, runs after the ping and must return a row.
	// Default none.
	Query string
	// Expect, when not nil, is what the first column of the Query's row
	// must be. Values are compared by their text: []byte as a string,
	// anything else as fmt.Sprint prints it, so Expect 1 matches an int64
	// 1 or the string "1". Requires Query.
	Expect any
	// MaxOpenConns is the pool size of a database made by [Open]. A
	// health check needs one connection at a time. Default 2. Ignored by
	// [New]: the application's pool is configured by the application.
	MaxOpenConns int
}

// Checker checks one database.
type Checker struct {
	db     DB
	own    owned.Client // the database Open made; nothing for New
	query  string
	expect any

	mu       sync.Mutex // protects lastWait and seen
	lastWait int64      // WaitCount at the end of the previous check
	seen     bool
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker for db, usually the application's *sql.DB. It
// returns an error when db is nil or the options are invalid.
func New(db DB, opts *Options) (*Checker, error) {
	if db == nil {
		return nil, errors.New("sqlcheck: db is nil")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Expect != nil && o.Query == "" {
		return nil, errors.New("sqlcheck: Expect needs a Query")
	}
	if o.MaxOpenConns < 0 {
		return nil, fmt.Errorf("sqlcheck: negative MaxOpenConns %d", o.MaxOpenConns)
	}
	return &Checker{db: db, query: o.Query, expect: o.Expect}, nil
}

// Open opens a database with sql.Open and returns a Checker that owns it;
// [Checker.Close] closes it. Open does not connect: a database that is
// down makes the check fail, not Open. The error, if any, does not
// contain the DSN's password.
func Open(driverName, dsn string, opts *Options) (*Checker, error) {
	if driverName == "" || dsn == "" {
		return nil, errors.New("sqlcheck: open: driver name and DSN are required")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxOpenConns < 0 {
		return nil, fmt.Errorf("sqlcheck: negative MaxOpenConns %d", o.MaxOpenConns)
	}
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, &redactedError{msg: fmt.Sprintf("sqlcheck: open %s database: %s", driverName, hideDSN(err.Error(), dsn)), err: err}
	}
	if o.MaxOpenConns == 0 {
		o.MaxOpenConns = 2
	}
	db.SetMaxOpenConns(o.MaxOpenConns)
	db.SetMaxIdleConns(1)
	return owned.Adopt(New, DB(db), &o, db.Close, (*Checker).owner)
}

func (c *Checker) owner() *owned.Client { return &c.own }

// Close closes the database if [Open] made it; otherwise it does nothing,
// since the application's pool belongs to the application.
func (c *Checker) Close() error {
	return c.own.Close()
}

// Check pings the database, runs the query if any, and reads the pool
// statistics.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	before := c.db.Stats()
	saturated := before.MaxOpenConnections > 0 && before.InUse >= before.MaxOpenConnections
	d := map[string]any{}

	start := time.Now()
	err := c.db.PingContext(ctx)
	ping := time.Since(start)
	d["ping_ms"] = ms(ping)
	if err != nil {
		// The monitor redacts the message and the error, once for every surface.
		msg := "ping database: " + err.Error()
		if saturated {
			msg += fmt.Sprintf(" (pool saturated: %d of %d connections in use)", before.InUse, before.MaxOpenConnections)
		}
		return c.finish(vitals.Result{Status: vitals.StatusFail, Message: msg, Err: fmt.Errorf("ping database: %w", err)}, d)
	}
	if c.query != "" {
		if r, ok := c.runQuery(ctx, d); !ok {
			return c.finish(r, d)
		}
	}

	r := vitals.Result{Status: vitals.StatusPass, Observed: ms(ping), Unit: "ms"}
	r = c.finish(r, d)
	var why []string
	if saturated {
		why = append(why, fmt.Sprintf("all %d connections were in use", before.MaxOpenConnections))
	}
	if delta := d["wait_count_delta"].(int64); delta > 0 {
		why = append(why, fmt.Sprintf("callers waited for a connection %d times since the last check", delta))
	}
	if len(why) > 0 {
		r.Status = vitals.StatusWarn
		r.Message = "connection pool saturated: " + strings.Join(why, "; ")
	} else {
		r.Message = fmt.Sprintf("ping in %v", ping.Round(time.Microsecond))
	}
	return r
}

// runQuery runs the configured query; ok is false with a failed result.
func (c *Checker) runQuery(ctx context.Context, d map[string]any) (vitals.Result, bool) {
	d["query"] = c.query
	start := time.Now()
	var v any
	err := c.db.QueryRowContext(ctx, c.query).Scan(&v)
	d["query_ms"] = ms(time.Since(start))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return vitals.Result{Status: vitals.StatusFail, Message: fmt.Sprintf("query %q returned no rows", c.query), Err: err}, false
	case err != nil:
		return vitals.Result{Status: vitals.StatusFail, Message: fmt.Sprintf("query %q: %v", c.query, err), Err: fmt.Errorf("query: %w", err)}, false
	}
	if c.expect != nil {
		got, want := text(v), text(c.expect)
		d["query_result"] = got
		if got != want {
			return vitals.Result{Status: vitals.StatusFail, Message: fmt.Sprintf("query %q returned %q, want %q", c.query, got, want)}, false
		}
	}
	return vitals.Result{}, true
}

// finish adds the pool statistics to r and moves the wait-count baseline.
func (c *Checker) finish(r vitals.Result, d map[string]any) vitals.Result {
	s := c.db.Stats()
	c.mu.Lock()
	// The first check has no baseline: waits before it are history.
	base := s.WaitCount
	if c.seen {
		base = c.lastWait
	}
	c.lastWait, c.seen = s.WaitCount, true
	c.mu.Unlock()

	d["open"] = s.OpenConnections
	d["in_use"] = s.InUse
	d["idle"] = s.Idle
	d["max_open"] = s.MaxOpenConnections
	d["wait_count"] = s.WaitCount
	d["wait_duration"] = s.WaitDuration.String()
	d["wait_count_delta"] = max(s.WaitCount-base, 0)
	r.Details = d
	return r
}

// text is how values are compared with Options.Expect.
func text(v any) string {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case nil:
		return "NULL"
	case time.Time:
		return x.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// hideDSN removes the DSN's password from a driver's error message, which
// may quote the DSN in a form [redact.String] does not recognize.
func hideDSN(msg, dsn string) string {
	if red := redact.URL(dsn); red != dsn {
		msg = strings.ReplaceAll(msg, dsn, red)
	}
	return redact.String(msg)
}

// redactedError keeps a driver's error reachable for errors.Is/As while
// its text has no secrets.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
