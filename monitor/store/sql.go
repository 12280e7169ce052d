package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/redact"
)

// dialect is what differs between SQLite and PostgreSQL. Statements are
// written with ? placeholders and SQLite's scalar min/max; q rewrites them.
type dialect struct {
	name    string
	dollar  bool   // placeholders are $1, $2, …
	least   string // two-argument minimum: min (SQLite) or LEAST
	greater string // two-argument maximum: max (SQLite) or GREATEST
	serial  string // an auto-numbered primary key column type
	// withoutRowid ends a CREATE TABLE whose primary key is the table
	// (SQLite's WITHOUT ROWID; PostgreSQL has no row id to leave out).
	withoutRowid string
	// lock serialises migrations between processes, inside tx.
	lock func(ctx context.Context, tx *sql.Tx) error
	// skipLocked ends a SELECT that claims rows: PostgreSQL's FOR UPDATE
	// SKIP LOCKED, so that two dispatchers never claim the same row;
	// SQLite's transactions take the write lock when they begin.
	skipLocked string
	// lockTargets has Append lock the rows of its batch's targets in
	// target order before it changes anything of theirs: PostgreSQL's row
	// locks, taken in the order of a multi-row statement's plan, could
	// otherwise deadlock two writers.
	lockTargets bool
	// shareFold and lockFold, run first in a transaction, lock the
	// rollups' watermark, shared by Append and exclusively by fold:
	// PostgreSQL's transaction-level advisory locks, which queue a shared
	// request behind a waiting exclusive one (a row's FOR SHARE does not,
	// and a fold could wait for as long as batches overlap); none on
	// SQLite, whose transactions take the write lock when they begin.
	shareFold, lockFold string
}

// q rewrites a statement for d.
func (d *dialect) q(s string) string {
	s = strings.ReplaceAll(s, "LEAST(", d.least+"(")
	s = strings.ReplaceAll(s, "GREATEST(", d.greater+"(")
	s = strings.ReplaceAll(s, "{serial}", d.serial)
	s = strings.ReplaceAll(s, "{without_rowid}", d.withoutRowid)
	if !d.dollar {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sqlStore is the Store of both dialects, over database/sql.
type sqlStore struct {
	db   *sql.DB
	d    *dialect
	name string // what errors call the database: a redacted DSN or a path

	mu   sync.Mutex
	ids  map[string]int64 // target name → id; ids never change
	last map[string]seen  // target name → its last result appended here

	stmtMu sync.Mutex // guards stmts and rows
	stmts  map[string]*sql.Stmt
	rows   map[rowsKey]*sql.Stmt // queryRows's, also in stmts; nil: to be prepared

	alerter atomic.Pointer[alerterBox] // decides alerts in Append's transaction
	fencer  atomic.Pointer[fencerBox]  // guards Append's transaction; nil without replicas
	notify  atomic.Bool                // Append tells its results to the other replicas
	folded  atomic.Int64               // the rollups' watermark as this store last saw it
}

// seen is what the time-weighting needs of a target's last result.
type seen struct {
	at     time.Time
	status vitals.Status
	expect time.Duration
}

func newSQLStore(db *sql.DB, d *dialect, name string) *sqlStore {
	return &sqlStore{db: db, d: d, name: name, ids: map[string]int64{}, last: map[string]seen{},
		stmts: map[string]*sql.Stmt{}, rows: map[rowsKey]*sql.Stmt{}}
}

// prepared returns q, rewritten for the dialect, prepared once on the pool.
// It is for the queries the board runs for every target and window on
// each uptime refresh (40,000 every 30 s at 10,000 targets): parsing and
// planning them anew each time was nearly two thirds of their cost in
// SQLite (bench/cmd/servebench).
func (s *sqlStore) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	s.stmtMu.Lock()
	st, ok := s.stmts[q]
	s.stmtMu.Unlock()
	if ok {
		return st, nil
	}
	// Prepared outside the lock: on PostgreSQL it may wait for a connection.
	st, err := s.db.PrepareContext(ctx, s.d.q(q))
	if err != nil {
		return nil, err
	}
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if other, ok := s.stmts[q]; ok {
		st.Close() // another caller prepared it meanwhile
		return other, nil
	}
	s.stmts[q] = st
	return st, nil
}

// errorf wraps a database error with what was being done, redacted: a
// driver may quote a DSN.
func (s *sqlStore) errorf(what string, err error) error {
	return redact.Error(fmt.Errorf("store %s: %s: %w", s.name, what, err))
}

func (s *sqlStore) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return s.errorf("ping", err)
	}
	return nil
}

func (s *sqlStore) Close() error {
	s.stmtMu.Lock()
	for q, st := range s.stmts {
		st.Close()
		delete(s.stmts, q)
	}
	clear(s.rows)
	s.stmtMu.Unlock()
	return s.db.Close()
}

// targetID returns the id of a target, creating it if need be. Two
// processes creating the same target agree on its id: the insert does
// nothing when the name exists, and the select reads whichever won.
func (s *sqlStore) targetID(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	s.mu.Lock()
	id, ok := s.ids[name]
	s.mu.Unlock()
	if ok {
		return id, nil
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO targets (name) VALUES (?) ON CONFLICT (name) DO NOTHING`), name); err != nil {
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, s.d.q(`SELECT id FROM targets WHERE name = ?`), name).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}

// lookup returns the id of an existing target; ok is false when the store
// has never seen it.
func (s *sqlStore) lookup(ctx context.Context, name string) (id int64, ok bool, err error) {
	s.mu.Lock()
	id, ok = s.ids[name]
	s.mu.Unlock()
	if ok {
		return id, true, nil
	}
	err = s.db.QueryRowContext(ctx, s.d.q(`SELECT id FROM targets WHERE name = ?`), name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, s.errorf("read target "+strconv.Quote(name), err)
	}
	s.mu.Lock()
	s.ids[name] = id
	s.mu.Unlock()
	return id, true, nil
}

func (s *sqlStore) Append(ctx context.Context, batch []Result) error {
	if len(batch) == 0 {
		return nil
	}
	for i := range batch {
		if err := check(&batch[i]); err != nil {
			return err
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.errorf("begin", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	// The fence is the transaction's first statement: it locks the
	// leases of the batch's targets until the commit, and what this
	// replica no longer holds is not written.
	epochs, err := s.fenceBatch(ctx, tx, batch)
	if err != nil {
		return s.errorf("fence", err)
	}
	clean := make([]Result, 0, len(batch))
	for _, r := range batch {
		if epochs != nil {
			if e, ok := epochs[r.Target]; !ok || e != r.Epoch {
				continue
			}
		}
		r.At = r.At.Truncate(time.Millisecond) // as stored
		clean = append(clean, r)
	}
	if len(clean) == 0 {
		return nil
	}
	s.mu.Lock()
	last := make(map[string]seen, len(clean))
	for _, r := range clean {
		if _, ok := last[r.Target]; !ok {
			if p, ok := s.last[r.Target]; ok {
				last[r.Target] = p
			}
		}
	}
	s.mu.Unlock()
	// Targets new to the store are created in name order, so that two
	// writers creating the same ones wait for each other in one order.
	ids := map[string]int64{}
	for _, r := range clean {
		ids[r.Target] = 0
	}
	for _, name := range slices.Sorted(maps.Keys(ids)) {
		id, err := s.targetID(ctx, tx, name)
		if err != nil {
			return s.errorf("target "+strconv.Quote(name), err)
		}
		ids[name] = id
	}
	// Everything below goes in target order, each target's results in
	// theirs, and the targets' rows are locked first in that order: one
	// writer at a time changes a target's rows, whatever order a
	// multi-row statement's plan takes them in (without a lock, two
	// writers on the same targets deadlocked in 7 of 20 runs of storetest
	// ConcurrentWriters). Should PostgreSQL still find a deadlock, the
	// Writer writes the batch again.
	slices.SortStableFunc(clean, func(a, b Result) int { return cmp.Compare(ids[a.Target], ids[b.Target]) })
	if s.d.lockTargets {
		// The targets' own rows, which Append never changes. A lock of
		// the open intervals instead missed an interval a third writer
		// opened after the lock's snapshot, and two writers deadlocked on
		// it (found by review; store TestAppendLocksTargets).
		locked := slices.Sorted(maps.Values(ids))
		rows, err := tx.QueryContext(ctx, s.d.q(`SELECT id FROM targets WHERE id = ANY(?) ORDER BY id FOR NO KEY UPDATE`), locked)
		if err := eachRow(rows, err, func(*sql.Rows) error { return nil }); err != nil {
			return s.errorf("lock targets", err)
		}
	}
	// The rollups' watermark: the minutes before it were folded into
	// their hours and days already (see fold), which waits for this
	// transaction to end before folding more.
	folded, err := s.watermark(ctx, tx, s.d.shareFold)
	if err != nil {
		return s.errorf("read the rollups' watermark", err)
	}
	// Each result's previous one, for the rollups' time-weighting below;
	// a late result does not move it back.
	prevs := make([]struct {
		seen
		ok bool
	}, len(clean))
	for i, r := range clean {
		p, ok := last[r.Target]
		prevs[i].seen, prevs[i].ok = p, ok
		if !ok || !r.At.Before(p.at) {
			last[r.Target] = seen{at: r.At, status: r.Status, expect: r.Expect}
		}
		if ok && p.status == r.Status && r.Status == vitals.StatusPass && !r.Notable {
			// A pass that repeats a pass says what the last one said (the
			// URL, the code, a latency the row keeps anyway): its text is
			// two thirds of a row, and 14 days of it most of a store.
			clean[i].Message, clean[i].Details = "", ""
		} else {
			// Redacted only when kept: most results are such passes.
			clean[i] = cleanResult(r)
		}
	}
	// The results go in multi-row statements, chunkRows a statement, not
	// one each: at 30,000 targets on three replicas, a statement a result
	// (two with its interval) was more than PostgreSQL kept up with on two
	// cores (bench/cmd/replicabench). A result of the same target at the
	// same millisecond is the same result, written twice (a retried
	// batch); RETURNING says which rows are new. fresh are those: what a
	// retried batch brings again (its commit was reported failed, but
	// happened) must not count twice toward an alert's streak.
	type key struct{ id, at int64 }
	stored := make(map[key]bool, len(clean))
	err = s.queryRows(ctx, tx, `INSERT INTO results (target_id, at, status, latency_us, code, message, details, epoch)`,
		`ON CONFLICT (target_id, at) DO NOTHING RETURNING target_id, at`, "(?, ?, ?, ?, ?, ?, ?, ?)", len(clean),
		func(i int, args []any) []any {
			r := &clean[i]
			return append(args, ids[r.Target], ms(r.At), int(r.Status), r.Latency.Microseconds(), r.Code, r.Message, r.Details, r.Epoch)
		}, func(rows *sql.Rows) error {
			var k key
			err := rows.Scan(&k.id, &k.at)
			stored[k] = true
			return err
		})
	if err != nil {
		return s.errorf("insert results", err)
	}
	fresh := clean[:0:0]
	isFresh := make([]bool, len(clean))
	results := map[string]int{} // a target's results in the batch
	for i, r := range clean {
		// Of two results at one millisecond, the first is the row.
		if k := (key{ids[r.Target], ms(r.At)}); stored[k] {
			fresh = append(fresh, r)
			isFresh[i] = true
			delete(stored, k)
		}
		results[r.Target]++
	}
	// The rollups add what this batch newly stored: their sums are
	// additive, and a retried batch whose commit went through (though it
	// was reported failed) must not count twice. The time since a
	// target's previous result counts with the result that ends it.
	sums := rollups{}
	var latest time.Time
	for i, r := range clean {
		if isFresh[i] {
			sums.add(r, prevs[i].seen, prevs[i].ok)
		}
		if r.At.After(latest) {
			latest = r.At
		}
	}
	sums.lift(folded)
	// Most results extend the open interval of their status, still
	// standing. That of a target with one result in the batch is extended
	// in a multi-row update; a target with more goes a result at a time,
	// in order, below.
	var single []int
	for i, r := range clean {
		if results[r.Target] == 1 {
			single = append(single, i)
		}
	}
	extended := make(map[int64]bool, len(single))
	err = s.queryRows(ctx, tx, `UPDATE intervals SET last_at = v.column3, expect_ms = v.column4 FROM (`,
		`) AS v WHERE intervals.target_id = v.column1 AND intervals.until IS NULL AND intervals.status = v.column2
			AND intervals.last_at <= v.column3 AND intervals.last_at + intervals.expect_ms >= v.column3
			RETURNING intervals.target_id`,
		"(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))", len(single),
		func(i int, args []any) []any {
			r := &clean[single[i]]
			return append(args, ids[r.Target], int(r.Status), ms(r.At), r.Expect.Milliseconds())
		}, func(rows *sql.Rows) error {
			var id int64
			err := rows.Scan(&id)
			extended[id] = true
			return err
		})
	if err != nil {
		return s.errorf("extend intervals", err)
	}
	// The statements for the rest are prepared when first needed: most
	// batches are all single results that extended their interval.
	var stmts [3]*sql.Stmt
	defer func() {
		for _, st := range stmts {
			if st != nil {
				st.Close()
			}
		}
	}()
	stmt := func(i int, query string) (*sql.Stmt, error) {
		if stmts[i] == nil {
			st, err := tx.PrepareContext(ctx, s.d.q(query))
			if err != nil {
				return nil, s.errorf("prepare", err)
			}
			stmts[i] = st
		}
		return stmts[i], nil
	}
	const (
		extendQuery = `UPDATE intervals SET last_at = ?, expect_ms = ?
		WHERE target_id = ? AND until IS NULL AND status = ? AND last_at <= ? AND last_at + expect_ms >= ?`
		// A result closes the open interval when its status differs, or
		// when the open one's last result stopped standing for it (no
		// data since): the interval then ends where its last result's
		// Expect ran out.
		closeQuery = `UPDATE intervals SET until = LEAST(?, last_at + expect_ms)
		WHERE target_id = ? AND until IS NULL AND since <= ? AND (status <> ? OR last_at + expect_ms < ?)`
		// Then it opens one, or extends the open one of its status. The
		// partial unique index keeps one open interval per target
		// whoever writes.
		openQuery = `INSERT INTO intervals (target_id, status, since, until, last_at, expect_ms) VALUES (?, ?, ?, NULL, ?, ?)
		ON CONFLICT (target_id) WHERE until IS NULL DO UPDATE SET last_at = excluded.last_at, expect_ms = excluded.expect_ms
		WHERE intervals.last_at <= excluded.last_at AND intervals.status = excluded.status`
	)
	for _, r := range clean {
		id := ids[r.Target]
		if results[r.Target] == 1 && extended[id] {
			continue
		}
		at, exp := ms(r.At), r.Expect.Milliseconds()
		if results[r.Target] > 1 {
			extend, err := stmt(0, extendQuery)
			if err != nil {
				return err
			}
			res, err := extend.ExecContext(ctx, at, exp, id, int(r.Status), at, at)
			if err != nil {
				return s.errorf("extend interval", err)
			}
			if n, err := res.RowsAffected(); err == nil && n > 0 {
				continue
			}
		}
		closeOpen, err := stmt(1, closeQuery)
		if err != nil {
			return err
		}
		if _, err := closeOpen.ExecContext(ctx, at, id, at, int(r.Status), at); err != nil {
			return s.errorf("close interval", err)
		}
		open, err := stmt(2, openQuery)
		if err != nil {
			return err
		}
		if _, err := open.ExecContext(ctx, id, int(r.Status), at, at, exp); err != nil {
			return s.errorf("open interval", err)
		}
	}
	if err := sums.upsert(ctx, tx, s, ids); err != nil {
		return s.errorf("rollups", err)
	}
	if err := s.publish(ctx, tx, clean); err != nil {
		return s.errorf("notify", err)
	}
	var decided func()
	if b := s.alerter.Load(); b != nil {
		if decided, err = b.a.Decide(ctx, &alertTx{s: s, tx: tx}, fresh, time.Now()); err != nil {
			return s.errorf("alerts", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.errorf("commit", err)
	}
	if decided != nil {
		decided()
	}
	s.preparePending(ctx)
	s.foldAfter(ctx, latest)
	s.mu.Lock()
	for name, id := range ids {
		s.ids[name] = id
	}
	for name, p := range last {
		if q, ok := s.last[name]; !ok || !p.at.Before(q.at) {
			s.last[name] = p
		}
	}
	s.mu.Unlock()
	return nil
}

// cleanResult redacts a result; Append's slice of them shadows clean.
func cleanResult(r Result) Result { return clean(r) }

func (s *sqlStore) Results(ctx context.Context, target string, since, until time.Time, limit int) ([]Result, error) {
	id, ok, err := s.lookup(ctx, target)
	if err != nil || !ok {
		return nil, err
	}
	q := `SELECT at, status, latency_us, code, message, details, epoch FROM results WHERE target_id = ? AND at >= ? AND at < ? ORDER BY at DESC`
	args := []any{id, ms(since), ms(until)}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, s.d.q(q), args...)
	out, err := collect(rows, err, func(rows *sql.Rows) (Result, error) {
		var at, lat int64
		var st, code int
		r := Result{Target: target}
		err := rows.Scan(&at, &st, &lat, &code, &r.Message, &r.Details, &r.Epoch)
		r.At, r.Status, r.Latency, r.Code = fromMS(at), vitals.Status(st), time.Duration(lat)*time.Microsecond, code
		return r, err
	})
	if err != nil {
		return nil, s.errorf("read results", err)
	}
	return out, nil
}

func (s *sqlStore) Intervals(ctx context.Context, target string, since, until time.Time) ([]Interval, error) {
	id, ok, err := s.lookup(ctx, target)
	if err != nil || !ok {
		return nil, err
	}
	return s.intervals(ctx, `SELECT ?, status, since, until, COALESCE(until, last_at + expect_ms), last_at FROM intervals
		WHERE target_id = ? AND since < ? AND (until IS NULL OR until > ?) ORDER BY since`, target, id, ms(until), ms(since))
}

func (s *sqlStore) Current(ctx context.Context) ([]Interval, error) {
	return s.intervals(ctx, `SELECT t.name, i.status, i.since, i.until, COALESCE(i.until, i.last_at + i.expect_ms), i.last_at FROM intervals i JOIN targets t ON t.id = i.target_id
		WHERE i.until IS NULL ORDER BY t.name`)
}

func (s *sqlStore) intervals(ctx context.Context, q string, args ...any) ([]Interval, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(q), args...)
	out, err := collect(rows, err, func(rows *sql.Rows) (Interval, error) {
		var iv Interval
		var st int
		var since, through, last int64
		var until sql.NullInt64
		err := rows.Scan(&iv.Target, &st, &since, &until, &through, &last)
		iv.Status, iv.Since, iv.Until, iv.Through, iv.Last = vitals.Status(st), fromMS(since), fromMS(until.Int64), fromMS(through), fromMS(last)
		return iv, err
	})
	if err != nil {
		return nil, s.errorf("read intervals", err)
	}
	return out, nil
}

func (s *sqlStore) Uptimes(ctx context.Context, windows []time.Duration, now time.Time) (map[string][]Uptime, error) {
	longest := time.Duration(0)
	for _, w := range windows {
		longest = max(longest, w)
	}
	st, err := s.prepared(ctx, `SELECT t.name, i.status, i.since, COALESCE(i.until, LEAST(i.last_at + i.expect_ms, ?))
		FROM intervals i JOIN targets t ON t.id = i.target_id
		WHERE i.since < ? AND (i.until IS NULL OR i.until > ?)`)
	if err != nil {
		return nil, s.errorf("read uptimes", err)
	}
	rows, err := st.QueryContext(ctx, ms(now), ms(now), ms(now.Add(-longest)))
	out := map[string][]Uptime{}
	err = eachRow(rows, err, func(rows *sql.Rows) error {
		var name string
		var status int
		var since, until int64
		if err := rows.Scan(&name, &status, &since, &until); err != nil {
			return err
		}
		ups, ok := out[name]
		if !ok {
			ups = make([]Uptime, len(windows))
			for i, w := range windows {
				ups[i].Window = w
			}
			out[name] = ups
		}
		for i, w := range windows {
			u := &ups[i]
			weigh(vitals.Status(status), overlap(fromMS(since), fromMS(until), now.Add(-w), now), &u.Up, &u.Degraded, &u.Down)
		}
		return nil
	})
	if err != nil {
		return nil, s.errorf("read uptimes", err)
	}
	for _, ups := range out {
		for i := range ups {
			ups[i].NoData = max(0, ups[i].Window-ups[i].Up-ups[i].Down)
		}
	}
	return out, nil
}

func (s *sqlStore) Uptime(ctx context.Context, target string, window time.Duration, now time.Time) (Uptime, error) {
	u := Uptime{Window: window}
	from := now.Add(-window)
	id, ok, err := s.lookup(ctx, target)
	if err != nil {
		return u, err
	}
	if ok {
		// An open interval lasts until its last result stops standing for
		// it, or now.
		st, err := s.prepared(ctx, `SELECT status, since, COALESCE(until, LEAST(last_at + expect_ms, ?)) FROM intervals
			WHERE target_id = ? AND since < ? AND (until IS NULL OR until > ?)`)
		if err != nil {
			return u, s.errorf("read uptime", err)
		}
		rows, err := st.QueryContext(ctx, ms(now), id, ms(now), ms(from))
		err = eachRow(rows, err, func(rows *sql.Rows) error {
			var st int
			var since, until int64
			if err := rows.Scan(&st, &since, &until); err != nil {
				return err
			}
			weigh(vitals.Status(st), overlap(fromMS(since), fromMS(until), from, now), &u.Up, &u.Degraded, &u.Down)
			return nil
		})
		if err != nil {
			return u, s.errorf("read uptime", err)
		}
	}
	u.NoData = max(0, window-u.Up-u.Down)
	return u, nil
}

// overlap returns the length of [a, b) within [from, to).
func overlap(a, b, from, to time.Time) time.Duration {
	if a.Before(from) {
		a = from
	}
	if b.After(to) {
		b = to
	}
	return max(0, b.Sub(a))
}

func (s *sqlStore) Rollups(ctx context.Context, target string, res Resolution, since, until time.Time) ([]Rollup, error) {
	if res.Width() == 0 {
		return nil, fmt.Errorf("store: unknown resolution %q", res)
	}
	id, ok, err := s.lookup(ctx, target)
	if err != nil || !ok {
		return nil, err
	}
	const cols = `runs, passes, warns, fails, up_ms, degraded_ms, down_ms, latency_sum_us, latency_max_us`
	q := `SELECT start, ` + cols + ` FROM rollups WHERE target_id = ? AND res = ? AND start >= ? AND start < ? ORDER BY start`
	args := []any{id, string(res), ms(since), ms(until)}
	if res != Minute {
		// An hour or a day is its row plus its minutes past the fold's
		// watermark, not yet added to it; in one statement, which sees
		// the row and the watermark of the same moment. The minutes are
		// those whose bucket starts in [since, until).
		w := res.Width().Milliseconds()
		ws := strconv.FormatInt(w, 10)
		q = `SELECT bucket, CAST(SUM(runs) AS BIGINT), CAST(SUM(passes) AS BIGINT), CAST(SUM(warns) AS BIGINT), CAST(SUM(fails) AS BIGINT),
			CAST(SUM(up_ms) AS BIGINT), CAST(SUM(degraded_ms) AS BIGINT), CAST(SUM(down_ms) AS BIGINT),
			CAST(SUM(latency_sum_us) AS BIGINT), MAX(latency_max_us)
		FROM (
			SELECT start AS bucket, ` + cols + ` FROM rollups WHERE target_id = ? AND res = ? AND start >= ? AND start < ?
			UNION ALL
			SELECT start - start % ` + ws + `, ` + cols + ` FROM rollups WHERE target_id = ? AND res = 'm' AND start >= ? AND start < ?
				AND start >= (SELECT folded_ms FROM rollup_fold WHERE id = 1)
		) AS tiers GROUP BY bucket ORDER BY bucket`
		args = append(args, id, ceilMS(ms(since), w), ceilMS(ms(until), w))
	}
	rows, err := s.db.QueryContext(ctx, s.d.q(q), args...)
	out, err := collect(rows, err, func(rows *sql.Rows) (Rollup, error) {
		r := Rollup{Target: target, Resolution: res}
		var start, up, deg, down, sum, mx int64
		err := rows.Scan(&start, &r.Runs, &r.Passes, &r.Warns, &r.Fails, &up, &deg, &down, &sum, &mx)
		r.Start = fromMS(start)
		r.Up, r.Degraded, r.Down = time.Duration(up)*time.Millisecond, time.Duration(deg)*time.Millisecond, time.Duration(down)*time.Millisecond
		r.LatencySum, r.LatencyMax = time.Duration(sum)*time.Microsecond, time.Duration(mx)*time.Microsecond
		return r, err
	})
	if err != nil {
		return nil, s.errorf("read rollups", err)
	}
	return out, nil
}

// ceilMS rounds the unix time t up to a multiple of w.
func ceilMS(t, w int64) int64 {
	c := t - t%w
	if c < t {
		c += w
	}
	return c
}

// targetIDs returns the id of every target the store knows.
func (s *sqlStore) targetIDs(ctx context.Context) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM targets ORDER BY id`)
	ids, err := collect(rows, err, func(rows *sql.Rows) (int64, error) {
		var id int64
		err := rows.Scan(&id)
		return id, err
	})
	if err != nil {
		return nil, s.errorf("read targets", err)
	}
	return ids, nil
}

func (s *sqlStore) Prune(ctx context.Context, now time.Time, keep Retention) (int64, error) {
	var n int64
	del := func(what, q string, args ...any) error {
		res, err := s.db.ExecContext(ctx, s.d.q(q), args...)
		if err != nil {
			return s.errorf("prune "+what, err)
		}
		k, _ := res.RowsAffected()
		n += k
		return nil
	}
	if keep.Raw > 0 {
		// Target by target, along the key, each delete a short
		// transaction of its own, so the writer never waits long.
		ids, err := s.targetIDs(ctx)
		if err != nil {
			return n, err
		}
		for _, id := range ids {
			if err := del("results", `DELETE FROM results WHERE target_id = ? AND at < ?`, id, ms(now.Add(-keep.Raw))); err != nil {
				return n, err
			}
		}
	}
	// The minutes that closed are folded first; a minute past the
	// watermark stays, whatever its age, until it has been. A fold that
	// fails is reported, after the rest is pruned.
	foldErr := s.fold(ctx, now.Add(-foldLag))
	if keep.Minute > 0 {
		if err := del("rollups", `DELETE FROM rollups WHERE res = 'm' AND start < ? AND start < (SELECT folded_ms FROM rollup_fold WHERE id = 1)`,
			ms(now.Add(-keep.Minute))); err != nil {
			return n, err
		}
	}
	if keep.Hour > 0 {
		if err := del("rollups", `DELETE FROM rollups WHERE res = 'h' AND start < ?`, ms(now.Add(-keep.Hour))); err != nil {
			return n, err
		}
	}
	return n, foldErr
}
