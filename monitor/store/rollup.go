package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"github.com/vitalsgo/vitals"
)

// bucketKey names one rollup row.
type bucketKey struct {
	target string
	res    Resolution
	start  int64 // unix ms
}

// sums are the additions a batch makes to its rollup rows: summed here per
// row, then added to the stored row in one upsert each.
type sums struct {
	runs, passes, warns, fails int64
	upMS, degradedMS, downMS   int64
	latSumUS, latMaxUS         int64
}

type rollups map[bucketKey]*sums

func (m rollups) at(target string, res Resolution, t time.Time) *sums {
	k := bucketKey{target: target, res: res, start: t.Truncate(res.Width()).UnixMilli()}
	s := m[k]
	if s == nil {
		s = &sums{}
		m[k] = s
	}
	return s
}

// add counts result r in its minute bucket, and the time since the
// target's previous result p (when known) toward p's status: up to r, or to
// the end of p's Expect if r came later (the rest is no data). Hour and day
// rows are the minutes' sums, added by [sqlStore.fold] once a minute has
// closed, or by [rollups.lift] for a minute folded already.
func (m rollups) add(r Result, p seen, known bool) {
	lat := r.Latency.Microseconds()
	s := m.at(r.Target, Minute, r.At)
	s.runs++
	switch r.Status {
	case vitals.StatusPass:
		s.passes++
	case vitals.StatusWarn:
		s.warns++
	default:
		s.fails++
	}
	s.latSumUS += lat
	s.latMaxUS = max(s.latMaxUS, lat)
	if !known || !p.at.Before(r.At) {
		return
	}
	end := r.At
	if p.expect > 0 && p.at.Add(p.expect).Before(end) {
		end = p.at.Add(p.expect)
	}
	m.spread(r.Target, p.status, p.at, end)
}

// spread adds the span [from, to) to status's time in the minute buckets
// it crosses.
func (m rollups) spread(target string, status vitals.Status, from, to time.Time) {
	for from.Before(to) {
		next := from.Truncate(time.Minute).Add(time.Minute)
		if next.After(to) {
			next = to
		}
		s := m.at(target, Minute, from)
		weigh(status, next.Sub(from).Milliseconds(), &s.upMS, &s.degradedMS, &s.downMS)
		from = next
	}
}

// lift adds the minute rows that start before folded, the fold's
// watermark, to their hour and day rows as well: those minutes were folded
// already, and a fold never reads a minute twice.
func (m rollups) lift(folded int64) {
	var late []bucketKey
	for k := range m {
		if k.res == Minute && k.start < folded {
			late = append(late, k)
		}
	}
	for _, k := range late {
		t := fromMS(k.start)
		for _, res := range Resolutions[1:] {
			m.at(k.target, res, t).plus(m[k])
		}
	}
}

// plus adds o to s.
func (s *sums) plus(o *sums) {
	s.runs += o.runs
	s.passes += o.passes
	s.warns += o.warns
	s.fails += o.fails
	s.upMS += o.upMS
	s.degradedMS += o.degradedMS
	s.downMS += o.downMS
	s.latSumUS += o.latSumUS
	s.latMaxUS = max(s.latMaxUS, o.latMaxUS)
}

// upsert adds every row's sums to the stored rows: an additive upsert,
// which two writers can run on the same row without losing either. The
// rows go in key order, so two writers sharing PostgreSQL lock them in the
// same order and cannot deadlock; each key is once in m, as a multi-row
// upsert in PostgreSQL requires.
func (m rollups) upsert(ctx context.Context, tx *sql.Tx, s *sqlStore, ids map[string]int64) error {
	type keyed struct {
		id int64
		k  bucketKey
		s  *sums
	}
	rows := make([]keyed, 0, len(m))
	for k, s := range m {
		rows = append(rows, keyed{ids[k.target], k, s})
	}
	slices.SortFunc(rows, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.id, b.id), cmp.Compare(a.k.res, b.k.res), cmp.Compare(a.k.start, b.k.start))
	})
	return s.execRows(ctx, tx,
		`INSERT INTO rollups (target_id, res, start, runs, passes, warns, fails, up_ms, degraded_ms, down_ms, latency_sum_us, latency_max_us)`,
		addToRollup,
		12, len(rows), func(i int, args []any) []any {
			r := rows[i]
			return append(args, r.id, string(r.k.res), r.k.start,
				r.s.runs, r.s.passes, r.s.warns, r.s.fails, r.s.upMS, r.s.degradedMS, r.s.downMS, r.s.latSumUS, r.s.latMaxUS)
		})
}

// addToRollup ends an insert into rollups: a row that exists gets the new
// one's sums added.
const addToRollup = `ON CONFLICT (target_id, res, start) DO UPDATE SET
	runs = rollups.runs + excluded.runs,
	passes = rollups.passes + excluded.passes,
	warns = rollups.warns + excluded.warns,
	fails = rollups.fails + excluded.fails,
	up_ms = rollups.up_ms + excluded.up_ms,
	degraded_ms = rollups.degraded_ms + excluded.degraded_ms,
	down_ms = rollups.down_ms + excluded.down_ms,
	latency_sum_us = rollups.latency_sum_us + excluded.latency_sum_us,
	latency_max_us = GREATEST(rollups.latency_max_us, excluded.latency_max_us)`

// weigh adds d to the totals that status counts toward: Pass to up, Warn to
// up and degraded, Fail to down.
func weigh[T int64 | time.Duration](status vitals.Status, d T, up, degraded, down *T) {
	switch status {
	case vitals.StatusPass:
		*up += d
	case vitals.StatusWarn:
		*up += d
		*degraded += d
	default:
		*down += d
	}
}

// foldLag is how long after a minute ends it is folded into its hour and
// day rows: past any check's timeout and the writer's batching, so that a
// result rarely comes after its minute was folded. One that does is still
// counted once: [rollups.lift] adds it to every tier directly.
const foldLag = 2 * time.Minute

// foldAfter folds the minutes that closed foldLag before the latest of the
// batch's results it was given, or before now if that is earlier (a clock
// ahead does not carry the watermark into the future), when that is past
// the watermark this store last saw. A fold that fails is tried again
// after the next batch, and by Prune, which reports it.
func (s *sqlStore) foldAfter(ctx context.Context, latest time.Time) {
	if now := time.Now(); now.Before(latest) {
		latest = now
	}
	due := latest.Add(-foldLag).Truncate(time.Minute)
	if ms(due) <= s.folded.Load() {
		return
	}
	s.fold(ctx, due) //nolint:errcheck // see above
}

// fold adds every minute row from the watermark to upTo to its hour and
// day rows, and moves the watermark to upTo, in one transaction: a reader
// of hours sees a minute either in its hour or past the watermark, never
// both. Append reads the watermark under a shared lock, which fold takes
// exclusively first, so a batch's minute rows are either all before a fold
// that reads them or all after it moves past them.
func (s *sqlStore) fold(ctx context.Context, upTo time.Time) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.errorf("fold", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	from, err := s.watermark(ctx, tx, s.d.lockFold)
	if err != nil {
		return s.errorf("fold: read watermark", err)
	}
	to := ms(upTo.Truncate(time.Minute))
	if to <= from {
		s.sawFolded(from)
		return nil
	}
	for _, res := range Resolutions[1:] {
		w := strconv.FormatInt(res.Width().Milliseconds(), 10)
		// In key order, as Append's upserts, on PostgreSQL.
		q := `INSERT INTO rollups (target_id, res, start, runs, passes, warns, fails, up_ms, degraded_ms, down_ms, latency_sum_us, latency_max_us)
			SELECT target_id, '` + string(res) + `', start - start % ` + w + `, SUM(runs), SUM(passes), SUM(warns), SUM(fails),
				SUM(up_ms), SUM(degraded_ms), SUM(down_ms), SUM(latency_sum_us), MAX(latency_max_us)
			FROM rollups WHERE res = 'm' AND start >= ? AND start < ?
			GROUP BY target_id, start - start % ` + w + `
			ORDER BY target_id, start - start % ` + w + `
			` + addToRollup
		if _, err := tx.ExecContext(ctx, s.d.q(q), from, to); err != nil {
			return s.errorf("fold "+string(res), err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE rollup_fold SET folded_ms = ? WHERE id = 1`), to); err != nil {
		return s.errorf("fold: move watermark", err)
	}
	if err := tx.Commit(); err != nil {
		return s.errorf("fold: commit", err)
	}
	s.sawFolded(to)
	return nil
}

// watermark locks the rollups' watermark with lock (the dialect's shared or
// exclusive one) and reads it.
func (s *sqlStore) watermark(ctx context.Context, tx *sql.Tx, lock string) (int64, error) {
	if lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return 0, err
		}
	}
	var w int64
	err := tx.QueryRowContext(ctx, `SELECT folded_ms FROM rollup_fold WHERE id = 1`).Scan(&w)
	return w, err
}

// sawFolded raises the watermark this store last saw to w.
func (s *sqlStore) sawFolded(w int64) {
	for {
		old := s.folded.Load()
		if w <= old || s.folded.CompareAndSwap(old, w) {
			return
		}
	}
}
