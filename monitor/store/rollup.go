package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
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

// add counts result r in its buckets, and the time since the target's
// previous result p (when known) toward p's status: up to r, or to the end
// of p's Expect if r came later (the rest is no data).
func (m rollups) add(r Result, p seen, known bool) {
	lat := r.Latency.Microseconds()
	for _, res := range Resolutions {
		s := m.at(r.Target, res, r.At)
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
	}
	if !known || !p.at.Before(r.At) {
		return
	}
	end := r.At
	if p.expect > 0 && p.at.Add(p.expect).Before(end) {
		end = p.at.Add(p.expect)
	}
	for _, res := range Resolutions {
		m.spread(r.Target, res, p.status, p.at, end)
	}
}

// spread adds the span [from, to) to status's time in the buckets of res it
// crosses.
func (m rollups) spread(target string, res Resolution, status vitals.Status, from, to time.Time) {
	w := res.Width()
	for from.Before(to) {
		next := from.Truncate(w).Add(w)
		if next.After(to) {
			next = to
		}
		s := m.at(target, res, from)
		weigh(status, next.Sub(from).Milliseconds(), &s.upMS, &s.degradedMS, &s.downMS)
		from = next
	}
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
		`ON CONFLICT (target_id, res, start) DO UPDATE SET
			runs = rollups.runs + excluded.runs,
			passes = rollups.passes + excluded.passes,
			warns = rollups.warns + excluded.warns,
			fails = rollups.fails + excluded.fails,
			up_ms = rollups.up_ms + excluded.up_ms,
			degraded_ms = rollups.degraded_ms + excluded.degraded_ms,
			down_ms = rollups.down_ms + excluded.down_ms,
			latency_sum_us = rollups.latency_sum_us + excluded.latency_sum_us,
			latency_max_us = GREATEST(rollups.latency_max_us, excluded.latency_max_us)`,
		12, len(rows), func(i int, args []any) []any {
			r := rows[i]
			return append(args, r.id, string(r.k.res), r.k.start,
				r.s.runs, r.s.passes, r.s.warns, r.s.fails, r.s.upMS, r.s.degradedMS, r.s.downMS, r.s.latSumUS, r.s.latMaxUS)
		})
}

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
