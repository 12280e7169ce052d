package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// Two writers on the same targets do not deadlock when a third changes a
// target's status between the first one's lock and its update (found by
// review). Writer B waits on a's open interval, which A closes and
// replaces; B then stops on a result X holds. C locks what it locks and
// waits for B. When X lets go, B extends a's new open interval: with a
// lock of the open intervals (the old code), C held that one and the two
// deadlocked; with the targets' rows locked in order, C waits for B
// before it holds anything of theirs.
func TestAppendLocksTargets(t *testing.T) {
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	dsn := storetest.FreshPostgres(t)
	s, s2 := open(t, dsn), open(t, dsn)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	res := func(target string, d time.Duration, st vitals.Status) store.Result {
		return store.Result{Target: target, At: t0.Add(d), Status: st, Code: 200, Expect: 15 * time.Second}
	}
	if err := s.Append(ctx, []store.Result{res("a", 0, vitals.StatusPass), res("b", 0, vitals.StatusPass)}); err != nil {
		t.Fatal(err)
	}
	db := store.DB(s)
	var ida, idb int64
	if err := db.QueryRow(`SELECT (SELECT id FROM targets WHERE name = 'a'), (SELECT id FROM targets WHERE name = 'b')`).Scan(&ida, &idb); err != nil {
		t.Fatal(err)
	}
	ms := func(d time.Duration) int64 { return t0.Add(d).UnixMilli() }
	// waiting returns the statements of the sessions waiting for a lock.
	waiting := func() []string {
		rows, err := db.Query(`SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var qs []string
		for rows.Next() {
			var q string
			if err := rows.Scan(&q); err != nil {
				t.Fatal(err)
			}
			qs = append(qs, q)
		}
		return qs
	}
	begin := func() *sql.Tx {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tx.Rollback() })
		return tx
	}
	// X holds b's result at 1 s, uncommitted.
	x := begin()
	if _, err := x.Exec(`INSERT INTO results (target_id, at, status, latency_us, code, message, details) VALUES ($1, $2, 1, 0, 200, '', '')`, idb, ms(time.Second)); err != nil {
		t.Fatal(err)
	}
	// A, a third writer, changes a's status: closes its open interval and
	// opens a failing one.
	a := begin()
	if _, err := a.Exec(`UPDATE intervals SET until = $1 WHERE target_id = $2 AND until IS NULL`, ms(500*time.Millisecond), ida); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Exec(`INSERT INTO intervals (target_id, status, since, until, last_at, expect_ms) VALUES ($1, 3, $2, NULL, $2, 15000)`, ida, ms(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	bErr := make(chan error, 1)
	go func() {
		bErr <- s.Append(ctx, []store.Result{res("a", time.Second, vitals.StatusFail), res("b", time.Second, vitals.StatusPass)})
	}()
	monitortest.Eventually(t, "B waiting", func() bool { return len(waiting()) == 1 })
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	monitortest.Eventually(t, "B waiting for X's result", func() bool {
		w := waiting()
		return len(w) == 1 && strings.HasPrefix(strings.TrimSpace(w[0]), "INSERT INTO results")
	})
	cErr := make(chan error, 1)
	go func() {
		cErr <- s2.Append(ctx, []store.Result{res("a", 2*time.Second, vitals.StatusFail), res("b", 2*time.Second, vitals.StatusPass)})
	}()
	monitortest.Eventually(t, "C waiting", func() bool { return len(waiting()) == 2 })
	if err := x.Rollback(); err != nil {
		t.Fatal(err)
	}
	if eb, ec := <-bErr, <-cErr; eb != nil || ec != nil {
		t.Errorf("B: %v\nC: %v", eb, ec)
	}
	got, err := s.Intervals(ctx, "a", t0, t0.Add(time.Minute))
	if err != nil || len(got) != 2 || got[1].Status != vitals.StatusFail {
		t.Errorf("a's intervals %v, %v; want pass, then the open failing one", got, err)
	}
}
