// Package storetest is the conformance suite of package store: every Store
// implementation runs the same tests against a real database, in the spirit
// of testing/fstest.
package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store"
)

// Harness opens the store under test.
type Harness struct {
	// New returns a new, empty store, closed at the test's end, and a
	// function that opens the same database again, as a second process or
	// a restarted one would (also closed at the test's end).
	New func(t *testing.T) (s store.Store, reopen func() store.Store)
}

// t0 is a minute boundary, so the tests know which bucket a time falls in.
var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

const sec = time.Second

// res returns a result of target at t0+d.
func res(target string, d time.Duration, st vitals.Status) store.Result {
	return store.Result{Target: target, At: at(d), Status: st, Latency: 1500 * time.Microsecond, Code: 200, Expect: 15 * sec}
}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	ctx := context.Background()
	t.Run("Empty", func(t *testing.T) {
		s, _ := h.New(t)
		if rs, err := s.Results(ctx, "nope", t0, at(sec), 0); err != nil || len(rs) != 0 {
			t.Errorf("Results of an unknown target = %v, %v", rs, err)
		}
		if cur, err := s.Current(ctx); err != nil || len(cur) != 0 {
			t.Errorf("Current of an empty store = %v, %v", cur, err)
		}
		u, err := s.Uptime(ctx, "nope", time.Hour, t0)
		if err != nil || u.Up != 0 || u.NoData != time.Hour || u.Ratio() != -1 {
			t.Errorf("Uptime of an unknown target = %+v, %v", u, err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Error(err)
		}
	})
	t.Run("UptimesAgreeWithUptime", func(t *testing.T) {
		s, _ := h.New(t)
		var batch []store.Result
		for i := range 40 {
			st := vitals.StatusPass
			if i%7 == 3 {
				st = vitals.StatusFail
			} else if i%11 == 5 {
				st = vitals.StatusWarn
			}
			batch = append(batch, res("api", time.Duration(i)*10*sec, st), res("db", time.Duration(i)*20*sec, vitals.StatusPass))
		}
		slices.SortStableFunc(batch, func(a, b store.Result) int { return a.At.Compare(b.At) })
		mustAppend(t, s, batch...)
		now := at(8 * time.Minute)
		windows := []time.Duration{time.Minute, 5 * time.Minute, time.Hour}
		all, err := s.Uptimes(ctx, windows, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Fatalf("Uptimes has %d targets, want 2", len(all))
		}
		for _, name := range []string{"api", "db"} {
			for i, w := range windows {
				one, err := s.Uptime(ctx, name, w, now)
				if err != nil || all[name][i] != one {
					t.Errorf("%s over %v: Uptimes %+v, Uptime %+v (%v)", name, w, all[name][i], one, err)
				}
			}
		}
	})
	t.Run("RepeatedPassKeepsNoText", func(t *testing.T) {
		// The text of a pass that follows a pass is not kept; every other
		// result's is: a first result, a change, any warn or fail.
		s, reopen := h.New(t)
		var batch []store.Result
		for i, st := range []vitals.Status{vitals.StatusPass, vitals.StatusPass, vitals.StatusFail, vitals.StatusFail, vitals.StatusPass, vitals.StatusPass} {
			r := res("api", time.Duration(i)*10*sec, st)
			r.Message, r.Details = fmt.Sprintf("run %d", i), `{"run":1}`
			batch = append(batch, r)
		}
		mustAppend(t, s, batch[:3]...)
		mustAppend(t, s, batch[3:]...) // the store remembers across batches
		rs, err := s.Results(ctx, "api", t0, at(time.Minute), 0)
		if err != nil || len(rs) != 6 {
			t.Fatalf("Results = %v, %v; want 6", rs, err)
		}
		var got []string
		for i := len(rs) - 1; i >= 0; i-- {
			got = append(got, rs[i].Message)
			if rs[i].Latency != 1500*time.Microsecond || rs[i].Code != 200 {
				t.Errorf("result %d lost its latency or code: %+v", i, rs[i])
			}
		}
		if want := []string{"run 0", "", "run 2", "run 3", "run 4", ""}; !slices.Equal(got, want) {
			t.Errorf("messages kept %q, want %q", got, want)
		}
		// A notable pass keeps its text after a pass.
		n := res("api", 60*sec, vitals.StatusPass)
		n.Message, n.Notable = "backup done", true
		mustAppend(t, s, n)
		if rs, _ := s.Results(ctx, "api", at(60*sec), at(61*sec), 0); len(rs) != 1 || rs[0].Message != "backup done" {
			t.Errorf("a notable pass after a pass: %v", rs)
		}
		// A new process knows no previous result: its first keeps its text.
		r := res("api", 70*sec, vitals.StatusPass)
		r.Message = "after a restart"
		s2 := reopen()
		mustAppend(t, s2, r)
		if rs, _ := s2.Results(ctx, "api", at(70*sec), at(71*sec), 0); len(rs) != 1 || rs[0].Message != "after a restart" {
			t.Errorf("the first result after a restart: %v", rs)
		}
	})
	t.Run("ResultsRoundTrip", func(t *testing.T) {
		s, _ := h.New(t)
		a := res("api", 0, vitals.StatusPass)
		a.Details = `{"db":"pass"}`
		b := res("api", 10*sec, vitals.StatusWarn)
		b.Latency, b.Code, b.Message = 250*time.Millisecond, 429, "slow: dial postgres://app:hunter2@db:5432/app"
		c := res("api", 20*sec, vitals.StatusFail)
		c.At = c.At.Add(123456 * time.Microsecond) // stored to the millisecond
		mustAppend(t, s, a, b, c, res("web", 5*sec, vitals.StatusPass))
		rs, err := s.Results(ctx, "api", t0, at(time.Minute), 0)
		if err != nil || len(rs) != 3 {
			t.Fatalf("Results = %v, %v; want 3", rs, err)
		}
		if got := rs[0]; !got.At.Equal(at(20*sec+123*time.Millisecond)) || got.Status != vitals.StatusFail {
			t.Errorf("newest first, to the millisecond: %+v", got)
		}
		if got := rs[1]; got.Latency != 250*time.Millisecond || got.Code != 429 || got.Status != vitals.StatusWarn ||
			got.Message != "slow: dial postgres://app:***@db:5432/app" {
			t.Errorf("fields, message redacted: %+v", got)
		}
		if got := rs[2]; got.Details != `{"db":"pass"}` || got.Target != "api" {
			t.Errorf("details: %+v", got)
		}
		if rs, _ := s.Results(ctx, "api", t0, at(time.Minute), 1); len(rs) != 1 || rs[0].Status != vitals.StatusFail {
			t.Errorf("limit 1: %v", rs)
		}
		if rs, _ := s.Results(ctx, "api", at(5*sec), at(15*sec), 0); len(rs) != 1 || rs[0].Status != vitals.StatusWarn {
			t.Errorf("[5s, 15s): %v", rs)
		}
	})
	t.Run("BadResults", func(t *testing.T) {
		s, _ := h.New(t)
		for _, r := range []store.Result{
			{At: t0, Status: vitals.StatusPass},
			{Target: "a", Status: vitals.StatusPass},
			{Target: "a", At: t0},
			{Target: "a", At: t0, Status: vitals.StatusPass, Latency: -1},
		} {
			if err := s.Append(ctx, []store.Result{res("good", 0, vitals.StatusPass), r}); !errors.Is(err, store.ErrBadResult) {
				t.Errorf("Append(%+v) = %v, want ErrBadResult", r, err)
			}
		}
		if rs, _ := s.Results(ctx, "good", t0, at(sec), 0); len(rs) != 0 {
			t.Errorf("a batch with a bad result stored %v", rs)
		}
	})
	t.Run("Intervals", func(t *testing.T) {
		s, _ := h.New(t)
		// pass 0–20s, fail from 20s; its last result at 20s stands for it
		// until 35s; then, after no data, pass again from 60s.
		mustAppend(t, s, res("api", 0, vitals.StatusPass), res("api", 10*sec, vitals.StatusPass), res("api", 20*sec, vitals.StatusFail))
		mustAppend(t, s, res("api", 60*sec, vitals.StatusPass))
		ivs, err := s.Intervals(ctx, "api", t0, at(time.Hour))
		want := []store.Interval{
			{Target: "api", Status: vitals.StatusPass, Since: at(0), Until: at(20 * sec), Through: at(20 * sec), Last: at(10 * sec)},
			{Target: "api", Status: vitals.StatusFail, Since: at(20 * sec), Until: at(35 * sec), Through: at(35 * sec), Last: at(20 * sec)},
			// Open: its last result, at 60s, stands for it until 75s.
			{Target: "api", Status: vitals.StatusPass, Since: at(60 * sec), Through: at(75 * sec), Last: at(60 * sec)},
		}
		if err != nil || fmt.Sprint(ivs) != fmt.Sprint(want) {
			t.Errorf("Intervals =\n%v, %v\nwant\n%v", ivs, err, want)
		}
		cur, err := s.Current(ctx)
		if err != nil || len(cur) != 1 || cur[0].Status != vitals.StatusPass || !cur[0].Since.Equal(at(60*sec)) {
			t.Errorf("Current = %v, %v", cur, err)
		}
		u, err := s.Uptime(ctx, "api", 70*sec, at(70*sec))
		if err != nil || u.Up != 30*sec || u.Down != 15*sec || u.NoData != 25*sec || u.Degraded != 0 {
			t.Errorf("Uptime over [0, 70s) = %+v, %v; want up 30s, down 15s, no data 25s", u, err)
		}
		if r := u.Ratio(); r < 0.66 || r > 0.67 {
			t.Errorf("ratio %v, want 30/45", r)
		}
		// The open interval counts only as long as its last result stands
		// for it: 15s after 60s, though the window runs to 100s.
		if u, _ := s.Uptime(ctx, "api", 50*sec, at(100*sec)); u.Up != 15*sec || u.NoData != 35*sec {
			t.Errorf("Uptime over [50s, 100s) = %+v; want up 15s, no data 35s", u)
		}
	})
	t.Run("BatchedAsOneByOne", func(t *testing.T) {
		// Results of many targets, several of one target in a batch or
		// one, status changes, gaps with no data and retried batches:
		// written in batches of every size they make the intervals that
		// one result a batch makes.
		// 300 targets: batches with more than a statement's worth of
		// targets with one result each.
		const targets = 300
		r := rand.New(rand.NewPCG(1, 2))
		var all []store.Result
		next := map[string]time.Duration{}
		for range 1200 {
			name := fmt.Sprintf("t%d", r.IntN(targets))
			d := next[name] + time.Duration(1+r.IntN(20))*sec // a gap past 15s: no data
			next[name] = d
			st := vitals.StatusPass
			if r.IntN(5) == 0 {
				st = []vitals.Status{vitals.StatusWarn, vitals.StatusFail}[r.IntN(2)]
			}
			all = append(all, res(name, d, st))
		}
		batched, _ := h.New(t)
		single, _ := h.New(t)
		for i := 0; i < len(all); {
			n := min(1+r.IntN(400), len(all)-i)
			mustAppend(t, batched, all[i:i+n]...)
			if r.IntN(4) == 0 {
				mustAppend(t, batched, all[i:i+n]...) // a retried batch
			}
			i += n
		}
		for _, x := range all {
			mustAppend(t, single, x)
		}
		for k := range targets {
			name := fmt.Sprintf("t%d", k)
			a, errA := batched.Intervals(ctx, name, t0, at(24*time.Hour))
			b, errB := single.Intervals(ctx, name, t0, at(24*time.Hour))
			if errA != nil || errB != nil || fmt.Sprint(a) != fmt.Sprint(b) {
				t.Fatalf("%s: intervals batched\n%v, %v\none by one\n%v, %v", name, a, errA, b, errB)
			}
			// The rollups too: a retried batch adds nothing twice.
			for _, rs := range store.Resolutions {
				a, errA := batched.Rollups(ctx, name, rs, t0, at(24*time.Hour))
				b, errB := single.Rollups(ctx, name, rs, t0, at(24*time.Hour))
				if errA != nil || errB != nil || fmt.Sprint(a) != fmt.Sprint(b) {
					t.Fatalf("%s: %s rollups batched\n%v, %v\none by one\n%v, %v", name, rs, a, errA, b, errB)
				}
			}
		}
		a, errA := batched.Current(ctx)
		b, errB := single.Current(ctx)
		if errA != nil || errB != nil || fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("Current batched %v, %v; one by one %v, %v", a, errA, b, errB)
		}
	})
	t.Run("SameMillisecondIsFreshOnce", func(t *testing.T) {
		// Two results of a target in one millisecond of a batch are one
		// row, and the alerter hears of one.
		s, _ := h.New(t)
		a := &recorder{}
		s.SetAlerter(a)
		r1 := res("api", 0, vitals.StatusFail)
		r1.At = r1.At.Add(100 * time.Microsecond)
		r2 := r1
		r2.At = r2.At.Add(500 * time.Microsecond)
		mustAppend(t, s, r1, r2)
		if len(a.fresh) != 1 || len(a.fresh[0]) != 1 {
			t.Errorf("the alerter got %v; want one fresh result", a.fresh)
		}
		if rs, err := s.Results(ctx, "api", t0, at(sec), 0); err != nil || len(rs) != 1 {
			t.Errorf("Results = %v, %v; want one", rs, err)
		}
	})
	t.Run("Rollups", func(t *testing.T) {
		s, _ := h.New(t)
		slow := res("api", 50*sec, vitals.StatusWarn)
		slow.Latency = 40 * time.Millisecond
		mustAppend(t, s, res("api", 0, vitals.StatusPass), res("api", 10*sec, vitals.StatusPass))
		// A second batch adds to the same bucket; its first result's time
		// weighs from the first batch's last one.
		mustAppend(t, s, slow, res("api", 70*sec, vitals.StatusFail))
		rs, err := s.Rollups(ctx, "api", store.Minute, t0, at(time.Hour))
		if err != nil || len(rs) != 2 {
			t.Fatalf("minute rollups = %+v, %v; want 2", rs, err)
		}
		m0, m1 := rs[0], rs[1]
		// [0,10) pass, [10,25) pass (15s Expect of the 10s result, then no
		// data until 50s), [50,60) warn in minute 0; [60,65) warn in minute 1.
		if m0.Runs != 3 || m0.Passes != 2 || m0.Warns != 1 || m0.Up != 35*sec || m0.Degraded != 10*sec || m0.Down != 0 ||
			m0.LatencyMax != 40*time.Millisecond || m0.LatencySum != 43*time.Millisecond || !m0.Start.Equal(t0) {
			t.Errorf("minute 0 = %+v", m0)
		}
		if m1.Runs != 1 || m1.Fails != 1 || m1.Up != 5*sec || m1.Degraded != 5*sec || !m1.Start.Equal(at(time.Minute)) {
			t.Errorf("minute 1 = %+v", m1)
		}
		if nd := m0.NoData(at(time.Hour)); nd != 25*sec {
			t.Errorf("minute 0 no data %v, want 25s", nd)
		}
		hs, err := s.Rollups(ctx, "api", store.Hour, t0, at(time.Hour))
		if err != nil || len(hs) != 1 || hs[0].Runs != 4 || hs[0].Up != 40*sec {
			t.Errorf("hour rollups = %+v, %v", hs, err)
		}
		if ds, _ := s.Rollups(ctx, "api", store.Day, t0.Truncate(24*time.Hour), at(time.Hour)); len(ds) != 1 || ds[0].Runs != 4 {
			t.Errorf("day rollups = %+v", ds)
		}
		if _, err := s.Rollups(ctx, "api", "w", t0, at(time.Hour)); err == nil {
			t.Error("an unknown resolution is not an error")
		}
	})
	t.Run("ManyTargets", func(t *testing.T) {
		// Batches as a monitor of many targets writes them: more rows of
		// results and rollups than one statement holds.
		s, _ := h.New(t)
		const n = 251
		batch := func(d time.Duration) []store.Result {
			b := make([]store.Result, n)
			for i := range b {
				b[i] = res(fmt.Sprintf("t%03d", i), d, vitals.StatusPass)
			}
			return b
		}
		mustAppend(t, s, batch(0)...)
		mustAppend(t, s, batch(10*sec)...)
		for _, name := range []string{"t000", "t099", "t100", "t250"} {
			rs, err := s.Results(ctx, name, t0, at(time.Minute), 0)
			if err != nil || len(rs) != 2 {
				t.Errorf("%s: results %v, %v; want 2", name, rs, err)
			}
			for _, res := range store.Resolutions {
				ru, err := s.Rollups(ctx, name, res, t0.Truncate(24*time.Hour), at(time.Hour))
				if err != nil || len(ru) != 1 || ru[0].Runs != 2 || ru[0].Up != 10*sec || ru[0].LatencySum != 3*time.Millisecond {
					t.Errorf("%s: %s rollups %+v, %v; want one of 2 runs, up 10s", name, res, ru, err)
				}
			}
		}
	})
	t.Run("Restart", func(t *testing.T) {
		s, reopen := h.New(t)
		mustAppend(t, s, res("api", 0, vitals.StatusPass), res("api", 10*sec, vitals.StatusFail))
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s2 := reopen() // migrations already applied: a no-op
		if rs, err := s2.Results(ctx, "api", t0, at(time.Minute), 0); err != nil || len(rs) != 2 {
			t.Errorf("after a restart: %v, %v", rs, err)
		}
		mustAppend(t, s2, res("api", 20*sec, vitals.StatusFail))
		if cur, _ := s2.Current(ctx); len(cur) != 1 || !cur[0].Since.Equal(at(10*sec)) {
			t.Errorf("the open interval carries on after a restart: %v", cur)
		}
	})
	t.Run("ConcurrentWriters", func(t *testing.T) {
		s, reopen := h.New(t)
		s2 := reopen()
		// Two processes write results for the same targets at once, with
		// statuses flipping: every result is kept and each target never has
		// two open intervals.
		appendConcurrently(t, 50, []store.Store{s, s2}, func(w, i int) []store.Result {
			var batch []store.Result
			for _, target := range []string{"a", "b", "c"} {
				status := vitals.StatusPass
				if (i+w)%3 == 0 {
					status = vitals.StatusFail
				}
				batch = append(batch, res(target, time.Duration(2*i+w)*sec, status))
			}
			return batch
		})
		cur, err := s.Current(ctx)
		if err != nil || len(cur) != 3 {
			t.Fatalf("Current = %v, %v; want one open interval per target", cur, err)
		}
		for _, target := range []string{"a", "b", "c"} {
			if rs, _ := s.Results(ctx, target, t0, at(time.Hour), 0); len(rs) != 100 {
				t.Errorf("%s: %d results, want 100", target, len(rs))
			}
			ivs, _ := s.Intervals(ctx, target, t0, at(time.Hour))
			open := 0
			for _, iv := range ivs {
				if iv.Until.IsZero() {
					open++
				}
			}
			if open != 1 {
				t.Errorf("%s: %d open intervals", target, open)
			}
		}
		hs, _ := s.Rollups(ctx, "a", store.Hour, t0, at(time.Hour))
		if len(hs) != 1 || hs[0].Runs != 100 {
			t.Errorf("additive rollups from two writers: %+v", hs)
		}
	})
	t.Run("FoldedTiers", func(t *testing.T) {
		// Hours and days are folded from minutes once these close. Two
		// writers (replicas, or a restart) write 26 hours of three
		// targets at once, with results that come after their minute was
		// folded; whenever it is read, an hour or a day is the sum of its
		// minutes, each counted once.
		s, reopen := h.New(t)
		s2 := reopen()
		targets := []string{"a", "b", "c"}
		// rounds of step cover 26 hours; every lateEvery-th round brings
		// two results on either side of the watermark the round before
		// left: one in the last minute it folded, one in the first it did
		// not.
		const rounds, step, lateEvery = 320, 293 * sec, 16
		const results = 2 * (rounds + 2*rounds/lateEvery) // each target's
		appendConcurrently(t, rounds, []store.Store{s, s2}, func(w, i int) []store.Result {
			d := time.Duration(i)*step + time.Duration(w)*sec
			var batch []store.Result
			for k, target := range targets {
				status := []vitals.Status{vitals.StatusPass, vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail}[(i+k+w)%4]
				r := res(target, d, status)
				r.Latency = time.Duration(1+(i*7+k)%50) * time.Millisecond
				batch = append(batch, r)
				if i%lateEvery == lateEvery-1 {
					folded := at(d - step).Add(-2 * time.Minute).Truncate(time.Minute)
					for _, side := range []time.Duration{-30 * sec, 30 * sec} {
						late := folded.Add(side + time.Duration(w*10+k+2)*time.Millisecond).Sub(t0)
						batch = append(batch, res(target, late, vitals.StatusFail))
					}
				}
			}
			return batch
		})
		// The watermark's own minute, and the next, get a result each
		// (neither is late), and a fold then takes the first: the bounds
		// of a fold and of a read at the watermark.
		last := at(time.Duration(rounds-1)*step + sec)
		mark := last.Add(-foldLagForTests).Truncate(time.Minute)
		mustAppend(t, s, res("a", mark.Add(10*sec).Sub(t0), vitals.StatusPass), res("a", mark.Add(time.Minute+10*sec).Sub(t0), vitals.StatusWarn))
		if _, err := s.Prune(ctx, mark.Add(time.Minute+foldLagForTests), store.Retention{}); err != nil {
			t.Fatal(err)
		}
		from, until := t0.Add(-24*time.Hour), t0.Add(48*time.Hour)
		tiers := func(target string) (m, h, d []store.Rollup) {
			t.Helper()
			var err [3]error
			m, err[0] = s.Rollups(ctx, target, store.Minute, from, until)
			h, err[1] = s2.Rollups(ctx, target, store.Hour, from, until)
			d, err[2] = s.Rollups(ctx, target, store.Day, from, until)
			if e := errors.Join(err[:]...); e != nil {
				t.Fatal(e)
			}
			return m, h, d
		}
		hours := map[string][]store.Rollup{}
		for _, target := range targets {
			m, h, d := tiers(target)
			if got, want := fmt.Sprint(h), fmt.Sprint(sumTier(m, store.Hour)); got != want {
				t.Errorf("%s: hours\n%s\nwant the sums of its minutes\n%s", target, got, want)
			}
			if got, want := fmt.Sprint(d), fmt.Sprint(sumTier(m, store.Day)); got != want {
				t.Errorf("%s: days\n%s\nwant the sums of its minutes\n%s", target, got, want)
			}
			rs, err := s.Results(ctx, target, from, until, 0)
			want := results
			if target == "a" {
				want += 2 // at the watermark
			}
			if runs := sumTier(d, "all"); err != nil || len(runs) != 1 || runs[0].Runs != int64(len(rs)) || len(rs) != want {
				t.Errorf("%s: %d results (%v), %+v runs in the days; want %d", target, len(rs), err, runs, want)
			}
			if len(d) != 2 {
				t.Errorf("%s: %d days, want 2", target, len(d))
			}
			hours[target] = h
			// A read from mid-hour to mid-hour has the hours that start in
			// it: folded ones, and those still in minutes past the
			// watermark (from 30s after it).
			hour := mark.Add(time.Minute).Truncate(time.Hour) // of the watermark
			for _, span := range [][2]time.Time{
				{at(90 * time.Minute), at(5*time.Hour + 30*time.Minute)},
				{mark.Add(90 * sec), until},
				{t0, hour.Add(-30 * time.Minute)},
			} {
				since, to := span[0], span[1]
				part, err := s.Rollups(ctx, target, store.Hour, since, to)
				var want []store.Rollup
				for _, r := range h {
					if !r.Start.Before(since) && r.Start.Before(to) {
						want = append(want, r)
					}
				}
				if err != nil || fmt.Sprint(part) != fmt.Sprint(want) {
					t.Errorf("%s: hours in [%s, %s) = %v, %v; want %v", target, since.Format("15:04:05"), to.Format("15:04:05"), part, err, want)
				}
			}
		}
		// Pruning minutes keeps their sums in the hours and days: they
		// were folded, not just read through.
		if _, err := s.Prune(ctx, at(26*time.Hour), store.Retention{Minute: time.Hour}); err != nil {
			t.Fatal(err)
		}
		for _, target := range targets {
			m, h, _ := tiers(target)
			if len(m) == 0 || m[0].Start.Before(at(25*time.Hour)) {
				t.Errorf("%s: %d minutes left; want those from 25h on", target, len(m))
			}
			if fmt.Sprint(h) != fmt.Sprint(hours[target]) {
				t.Errorf("%s: hours after the minutes were pruned\n%v\nwant\n%v", target, h, hours[target])
			}
		}
	})
	t.Run("Prune", func(t *testing.T) {
		s, _ := h.New(t)
		mustAppend(t, s, res("api", 0, vitals.StatusPass), res("api", 2*time.Hour, vitals.StatusPass), res("api", 49*time.Hour, vitals.StatusFail))
		now := at(50 * time.Hour)
		n, err := s.Prune(ctx, now, store.Retention{Raw: 24 * time.Hour, Minute: 24 * time.Hour, Hour: 48 * time.Hour})
		// Results at 0 and 2h go, their minute rollups too, and the hour
		// rollup of 0 (50h old); the hour of 2h stays (48h old).
		if err != nil || n != 5 {
			t.Errorf("Prune = %d, %v; want 5 rows", n, err)
		}
		if rs, _ := s.Results(ctx, "api", t0, now, 0); len(rs) != 1 {
			t.Errorf("results left: %v", rs)
		}
		if hs, _ := s.Rollups(ctx, "api", store.Hour, t0, now); len(hs) != 2 {
			t.Errorf("hour rollups left: %v", hs)
		}
		if ds, _ := s.Rollups(ctx, "api", store.Day, t0.Add(-24*time.Hour), now); len(ds) != 2 {
			t.Errorf("day rollups are kept: %v", ds)
		}
		// pass [0, 15s), pass again from 2h after no data, fail from 49h.
		if ivs, _ := s.Intervals(ctx, "api", t0, now); len(ivs) != 3 {
			t.Errorf("intervals are kept: %v", ivs)
		}
	})
	t.Run("Fence", func(t *testing.T) {
		s, _ := h.New(t)
		f := &fencer{allow: map[string]int64{"mine": 7}}
		s.SetFencer(f)
		epoch := func(r store.Result, e int64) store.Result { r.Epoch = e; return r }
		// A result probed under an older lease of the shard (say, queued
		// while the replica was cut off, and the shard taken anew since)
		// is not written: a newer result of the new lease may be stored.
		mustAppend(t, s, epoch(res("mine", 0, vitals.StatusPass), 7), epoch(res("theirs", 0, vitals.StatusFail), 7),
			epoch(res("mine", 5*sec, vitals.StatusFail), 6), epoch(res("mine", 10*sec, vitals.StatusFail), 7))
		if got := f.asked(); fmt.Sprint(got) != "[[mine theirs]]" {
			t.Errorf("Fence was asked %v, want once for both targets", got)
		}
		rs, err := s.Results(ctx, "mine", t0, at(time.Minute), 0)
		if err != nil || len(rs) != 2 || rs[0].Epoch != 7 || rs[1].Epoch != 7 || !rs[0].At.Equal(at(10*sec)) || !rs[1].At.Equal(t0) {
			t.Errorf("results of an allowed target = %+v, %v; want those at 0 and 10s, at epoch 7", rs, err)
		}
		// What the fence leaves out is not written anywhere: no result, no
		// interval, no rollup.
		if rs, _ := s.Results(ctx, "theirs", t0, at(time.Minute), 0); len(rs) != 0 {
			t.Errorf("a fenced target's results were written: %v", rs)
		}
		if ivs, _ := s.Intervals(ctx, "theirs", t0, at(time.Minute)); len(ivs) != 0 {
			t.Errorf("a fenced target's intervals were written: %v", ivs)
		}
		if ru, _ := s.Rollups(ctx, "theirs", store.Minute, t0, at(time.Hour)); len(ru) != 0 {
			t.Errorf("a fenced target's rollups were written: %v", ru)
		}
		// A fence that fails fails the batch, which stays the writer's.
		f.err = errors.New("database gone")
		if err := s.Append(ctx, []store.Result{epoch(res("mine", 20*sec, vitals.StatusPass), 7)}); err == nil || !strings.Contains(err.Error(), "database gone") {
			t.Errorf("Append with a failing fence = %v", err)
		}
		// Without a fencer, results are written at epoch 0.
		s.SetFencer(nil)
		mustAppend(t, s, res("theirs", 30*sec, vitals.StatusPass))
		if rs, _ := s.Results(ctx, "theirs", t0, at(time.Minute), 0); len(rs) != 1 || rs[0].Epoch != 0 {
			t.Errorf("results without a fencer = %+v", rs)
		}
	})
}

// fencer is a store.Fencer that allows a fixed set of targets and records
// what it was asked; the lease manager's own fence is tested against a
// real PostgreSQL in package lease.
type fencer struct {
	mu    sync.Mutex
	allow map[string]int64
	err   error
	calls [][]string
}

func (f *fencer) Fence(_ context.Context, _ *sql.Tx, targets []string) (map[string]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, slices.Sorted(slices.Values(targets)))
	if f.err != nil {
		return nil, f.err
	}
	out := map[string]int64{}
	for _, t := range targets {
		if e, ok := f.allow[t]; ok {
			out[t] = e
		}
	}
	return out, nil
}

func (f *fencer) asked() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// appendConcurrently has each of stores, on a goroutine of its own, append
// batch(w, i) for i in [0, rounds), w being the store's index: writers as
// replicas or processes sharing a database are. Two processes sharing a
// SQLite file take turns, and one can wait past the busy timeout for its
// turn: the batch is then written again, as the Writer does.
func appendConcurrently(t *testing.T, rounds int, stores []store.Store, batch func(w, i int) []store.Result) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(stores))
	for w, st := range stores {
		wg.Go(func() {
			for i := range rounds {
				b := batch(w, i)
				err := st.Append(context.Background(), b)
				for try := 0; err != nil && strings.Contains(err.Error(), "SQLITE_BUSY") && try < 5; try++ {
					err = st.Append(context.Background(), b)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// foldLagForTests is how long after a minute ends the store folds it into
// its hour and day (store's foldLag).
const foldLagForTests = 2 * time.Minute

// sumTier adds minute rollups up into the buckets of res, as the store's
// hours and days should be; res "all" sums them into one.
func sumTier(ms []store.Rollup, res store.Resolution) []store.Rollup {
	var out []store.Rollup
	for _, m := range ms {
		start := time.Time{}
		if res != "all" {
			start = m.Start.Truncate(res.Width())
		}
		if len(out) == 0 || !out[len(out)-1].Start.Equal(start) {
			out = append(out, store.Rollup{Target: m.Target, Resolution: res, Start: start})
		}
		o := &out[len(out)-1]
		o.Runs += m.Runs
		o.Passes += m.Passes
		o.Warns += m.Warns
		o.Fails += m.Fails
		o.Up += m.Up
		o.Degraded += m.Degraded
		o.Down += m.Down
		o.LatencySum += m.LatencySum
		o.LatencyMax = max(o.LatencyMax, m.LatencyMax)
	}
	return out
}

func mustAppend(t *testing.T, s store.Store, rs ...store.Result) {
	t.Helper()
	if err := s.Append(context.Background(), rs); err != nil {
		t.Fatal(strings.TrimSpace(err.Error()))
	}
}

var dbSeq atomic.Int64

// FreshPostgres creates an empty database on the local PostgreSQL server
// (package testservice says where) and returns its DSN; it is dropped when
// the test ends.
func FreshPostgres(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, testservice.PostgresDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	name := fmt.Sprintf("vitals_store_%d_%d", os.Getpid(), dbSeq.Add(1))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, testservice.PostgresDSN); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(testservice.PostgresDSN)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// recorder is an alerter that records the fresh results of each batch.
type recorder struct{ fresh [][]store.Result }

func (a *recorder) Decide(_ context.Context, _ store.AlertTx, fresh []store.Result, _ time.Time) (func(), error) {
	a.fresh = append(a.fresh, fresh)
	return nil, nil
}
