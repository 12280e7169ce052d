package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/redact"
)

// Result is one run of a target, as the store keeps it.
type Result struct {
	Target  string        // the target's name
	At      time.Time     // when the run finished; stored to the millisecond
	Status  vitals.Status // StatusPass, StatusWarn or StatusFail
	Latency time.Duration // stored to the microsecond
	Code    int           // HTTP or gRPC code where the target has one, else 0
	Message string        // redacted before it is stored
	Details string        // JSON object of sub-checks and facts, redacted; "" for none

	// Expect is how long this result stands for: until the next result,
	// at most Expect after this one (the check's interval + timeout), the
	// target is taken to be in this result's status; past that, with no
	// result (the monitor was down), there is no data.
	Expect time.Duration

	// Notable keeps the message and details of a pass that follows a
	// pass, which Append otherwise leaves out: the text of a result that
	// is news while its status stays, such as a push's message.
	Notable bool

	// State and Since are the target's effective status after this
	// result (its thresholds applied) and since when it has held it: not
	// stored, but told to the other replicas with the result (see
	// [Notices]), whose pages show the target as its owner does.
	State vitals.Status
	Since time.Time

	// Epoch is the epoch of the shard lease the result was probed under
	// (package monitor/lease), read back by Results; 0 without replicas.
	// With a Fencer, Append writes a result only while that lease is
	// still the shard's: one probed before the lease lapsed is not
	// written once a peer (or this replica again) took the shard anew.
	Epoch int64
}

// Interval is a span in which a target kept one status. The open interval
// of a target, its current status, has a zero Until.
type Interval struct {
	Target string
	Status vitals.Status
	Since  time.Time
	Until  time.Time // zero while open
	// Through is, for the open interval, when its last result stops
	// standing for it (past that, without a newer result, is no data);
	// for a closed one, Until.
	Through time.Time
	// Last is the time of the interval's last result: for the open one,
	// when the target last ran, from which a replica that takes the
	// target over continues its cadence.
	Last time.Time
}

// Resolution is the bucket width of a [Rollup].
type Resolution string

// The resolutions the store keeps rollups at.
const (
	Minute Resolution = "m"
	Hour   Resolution = "h"
	Day    Resolution = "d"
)

// Resolutions lists every [Resolution], finest first.
var Resolutions = []Resolution{Minute, Hour, Day}

// Width returns the bucket width of r.
func (r Resolution) Width() time.Duration {
	switch r {
	case Minute:
		return time.Minute
	case Hour:
		return time.Hour
	case Day:
		return 24 * time.Hour
	}
	return 0
}

// Rollup aggregates a target's results in one bucket of a resolution.
// Buckets are aligned to UTC. Up, Degraded and Down are time-weighted: the
// time from each result to the next (within the result's Expect) counts
// toward the first one's status; the rest of the bucket is no data (see
// [Rollup.NoData]).
type Rollup struct {
	Target                 string
	Resolution             Resolution
	Start                  time.Time
	Runs                   int64
	Passes, Warns, Fails   int64
	Up, Degraded, Down     time.Duration // Up includes Degraded
	LatencySum, LatencyMax time.Duration
}

// NoData returns the part of the bucket no result covers, up to now for the
// bucket in progress.
func (r Rollup) NoData(now time.Time) time.Duration {
	end := r.Start.Add(r.Resolution.Width())
	if now.Before(end) {
		end = now
	}
	return max(0, end.Sub(r.Start)-r.Up-r.Down) // Up includes Degraded
}

// Retention says how long each kind of history is kept; zero keeps it
// forever. Day rollups and status intervals are always kept.
type Retention struct {
	Raw    time.Duration // raw results; the monitor's default is 14 days
	Minute time.Duration // minute rollups; default 14 days
	Hour   time.Duration // hour rollups; default 400 days
}

// Uptime is a target's time-weighted availability over a window, from its
// status intervals: Warn counts as up and is also shown apart; time before
// the first interval or in a gap is no data, not downtime.
type Uptime struct {
	Window             time.Duration
	Up, Degraded, Down time.Duration // Up includes Degraded
	NoData             time.Duration
	// Maintenance is the time of maintenance windows, counted apart: not
	// in Up, Down or NoData (the store knows of none; the board fills it).
	Maintenance time.Duration
}

// Ratio returns Up over the time with data, or -1 when there was none.
func (u Uptime) Ratio() float64 {
	known := u.Up + u.Down
	if known <= 0 {
		return -1
	}
	return float64(u.Up) / float64(known)
}

// Store keeps the monitor's history. Every method is safe for concurrent
// use, also by several processes sharing one database: state changes are
// conditional updates inside transactions, never a read in Go followed by a
// write.
type Store interface {
	// Append stores a batch of results, in time order per target, in one
	// transaction: the raw results, the status intervals they open, extend
	// and close, and the rollups they add to. The time from a target's
	// previous result (of this Store, in this process) to its next one is
	// what the rollups weigh by.
	//
	// A pass that follows a pass of its target (in this process) is kept
	// without its message and details, unless it is Notable: they say
	// what the last one said, and would be most of the store. Every other
	// result keeps its text.
	Append(ctx context.Context, batch []Result) error
	// Results returns a target's results in [since, until), newest first,
	// at most limit (limit ≤ 0: no limit).
	Results(ctx context.Context, target string, since, until time.Time, limit int) ([]Result, error)
	// Intervals returns a target's status intervals that overlap
	// [since, until), oldest first.
	Intervals(ctx context.Context, target string, since, until time.Time) ([]Interval, error)
	// Current returns the open interval of every target that has one.
	Current(ctx context.Context) ([]Interval, error)
	// Uptime returns a target's availability over [now-window, now).
	Uptime(ctx context.Context, target string, window time.Duration, now time.Time) (Uptime, error)
	// Uptimes returns the availability of every target with history over
	// each of windows ending at now, in the order of windows, in one
	// query: what a status page of thousands of targets refreshes.
	// Targets without intervals in the longest window are absent.
	Uptimes(ctx context.Context, windows []time.Duration, now time.Time) (map[string][]Uptime, error)
	// Rollups returns a target's buckets of resolution res that start in
	// [since, until), oldest first. An hour or a day in progress includes
	// its minutes so far.
	Rollups(ctx context.Context, target string, res Resolution, since, until time.Time) ([]Rollup, error)
	// Prune deletes what keep says is too old at now: raw results, minute
	// and hour rollups. Day rollups and intervals stay. It folds the
	// minutes that closed into their hours and days first, and keeps a
	// minute not yet folded. It returns the number of rows deleted.
	Prune(ctx context.Context, now time.Time, keep Retention) (int64, error)
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error

	AlertStore
	// SetFencer makes f guard every later Append, for replicas that share
	// the database (package monitor/lease); nil for none.
	SetFencer(f Fencer)
	// SetNotify makes every later Append tell the results it stores to
	// the other replicas sharing a PostgreSQL database, on the channel
	// [NoticeChannel] (see [DecodeNotice]); SQLite has no other replica
	// and ignores it.
	SetNotify(on bool)
	// Close releases the database.
	Close() error
}

// Open opens the store a configuration names: a postgres:// or
// postgresql:// DSN, or else a SQLite file path (created if missing). It
// applies the migrations the database lacks. Errors never quote a
// password.
func Open(ctx context.Context, dsn string) (Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return OpenPostgres(ctx, dsn)
	}
	return OpenSQLite(ctx, dsn)
}

// ErrBadResult is the error of Append for a result it cannot store.
var ErrBadResult = errors.New("store: bad result")

// check validates a result before it is stored.
func check(r *Result) error {
	switch {
	case r.Target == "":
		return fmt.Errorf("%w: empty target", ErrBadResult)
	case r.At.IsZero():
		return fmt.Errorf("%w: target %q: zero time", ErrBadResult, r.Target)
	case r.Status < vitals.StatusPass || r.Status > vitals.StatusFail:
		return fmt.Errorf("%w: target %q: status %v", ErrBadResult, r.Target, r.Status)
	case r.Latency < 0:
		return fmt.Errorf("%w: target %q: negative latency", ErrBadResult, r.Target)
	}
	return nil
}

// clean redacts what a result carries as text, once, before it is stored.
func clean(r Result) Result {
	r.Message = redact.String(r.Message)
	r.Details = redact.String(r.Details)
	return r
}

// ms converts a time to the stored unix milliseconds; 0 is the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS converts stored unix milliseconds back; 0 is the zero time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
