package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// pausingDecider changes each target's alert state in batch order, as
// alert.Engine.Decide does (Append sorted the batch by target id), and
// calls between after target a.
type pausingDecider struct{ between func() }

func (d pausingDecider) Decide(ctx context.Context, tx store.AlertTx, batch []store.Result, now time.Time) (func(), error) {
	seen := map[string]bool{}
	for _, r := range batch {
		if seen[r.Target] {
			continue
		}
		seen[r.Target] = true
		read, err := tx.Alert(ctx, r.Target)
		if err != nil {
			return nil, err
		}
		next := read
		next.Fails++
		if _, err := tx.PutAlert(ctx, read, next); err != nil {
			return nil, err
		}
		if r.Target == "a" {
			d.between()
		}
	}
	return nil, nil
}

// A reminder run (DueReminders, then a PutAlert each, as
// alert.Engine.Remind does) and an Append that changes the same alert
// states do not deadlock: both go in target order. With reminders in the
// order they fell due (b before a), they did (found by review).
func TestRemindersAndAppendDoNotDeadlock(t *testing.T) {
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	s := open(t, storetest.FreshPostgres(t))
	as := s.(store.AlertStore)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	at := now
	res := func(target string) store.Result {
		at = at.Add(time.Second)
		return store.Result{Target: target, At: at, Status: vitals.StatusFail, Code: 500, Expect: 15 * time.Second}
	}
	// a gets the lower id; b's reminder falls due first.
	for _, name := range []string{"a", "b"} {
		if err := s.Append(ctx, []store.Result{res(name)}); err != nil {
			t.Fatal(err)
		}
	}
	err := as.AlertTx(ctx, func(tx store.AlertTx) error {
		for target, remind := range map[string]time.Duration{"a": 2 * time.Minute, "b": time.Minute} {
			next := store.AlertState{Target: target, Firing: true, Seq: 1, OpenedAt: now, RemindAt: now.Add(remind), Fails: 3}
			if ok, err := tx.PutAlert(ctx, store.AlertState{Target: target}, next); err != nil || !ok {
				t.Fatalf("seed %s: %v %v", target, ok, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db := store.DB(s)
	remindWaits := func() bool {
		var n int
		err := db.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
		return err == nil && n > 0
	}
	aChanged, firstReminded := make(chan struct{}), make(chan struct{})
	// Append holds a's alert row while the reminders run: it goes on
	// once they changed their first row, or wait for its lock.
	as.SetAlerter(pausingDecider{between: func() {
		close(aChanged)
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
			select {
			case <-firstReminded:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if remindWaits() {
				return
			}
		}
		t.Error("the reminders neither ran nor waited within 30 s")
	}})
	appendErr := make(chan error, 1)
	go func() { appendErr <- s.Append(ctx, []store.Result{res("b"), res("a")}) }()
	select {
	case <-aChanged:
	case err := <-appendErr:
		t.Fatalf("Append returned %v before it changed a's alert", err)
	}
	remindErr := as.AlertTx(ctx, func(tx store.AlertTx) error {
		due, err := tx.DueReminders(ctx, now.Add(3*time.Minute))
		if err != nil {
			return err
		}
		for i, read := range due {
			next := read
			next.RemindAt = next.RemindAt.Add(time.Hour)
			next.Reminds++
			if _, err := tx.PutAlert(ctx, read, next); err != nil {
				return err
			}
			if i == 0 {
				close(firstReminded)
			}
		}
		return nil
	})
	if ae := <-appendErr; ae != nil || remindErr != nil {
		t.Errorf("Append: %v; reminders: %v", ae, remindErr)
	}
}
