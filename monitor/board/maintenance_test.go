package board_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
)

// maintained returns a board over a new store holding one target's results
// every 10 s over [from, to) (failing where fail says), with one
// maintenance period, its uptimes refreshed at now.
func maintained(t *testing.T, now, from, to time.Time, fail func(time.Time) bool, period [2]time.Time) (*board.Board, store.Uptime) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var batch []store.Result
	for at := from; at.Before(to); at = at.Add(10 * time.Second) {
		s := vitals.StatusPass
		if fail(at) {
			s = vitals.StatusFail
		}
		batch = append(batch, store.Result{Target: "db", At: at, Status: s, Expect: 15 * time.Second})
	}
	if err := st.Append(ctx, batch); err != nil {
		t.Fatal(err)
	}
	b := board.New(st)
	b.SetTargets([]board.Target{{Name: "db"}})
	b.SetMaintenance(func(string, time.Time, time.Time) [][2]time.Time { return [][2]time.Time{period} })
	if err := b.RefreshUptime(ctx, now); err != nil {
		t.Fatal(err)
	}
	s, _ := b.State("db")
	return b, s.Uptime[0] // 24h
}

func near(got, want time.Duration) bool {
	return got > want-30*time.Second && got < want+30*time.Second
}

// Uptime counts a maintenance window apart: the failure inside it is
// neither downtime nor no data.
func TestUptimeCountsMaintenanceApart(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	ago := func(m int) time.Time { return now.Add(-time.Duration(m) * time.Minute) }
	// An hour of results, failing from -40m to -20m; maintenance from
	// -45m to -25m: 15 of the 20 failing minutes.
	b, u := maintained(t, now, ago(60), now, func(at time.Time) bool { return at.After(ago(40)) && !at.After(ago(20)) },
		[2]time.Time{ago(45), ago(25)})
	if !near(u.Maintenance, 20*time.Minute) || !near(u.Down, 5*time.Minute) || !near(u.Up, 35*time.Minute) {
		t.Errorf("24h uptime = %+v: want 20m maintenance, 5m down, 35m up", u)
	}
	if !near(u.NoData, 23*time.Hour) {
		t.Errorf("no data = %v, want 23h", u.NoData)
	}
	// A window the board does not cache, from the store, the same way.
	u2, err := b.Uptime(context.Background(), "db", 2*time.Hour, now)
	if err != nil || !near(u2.Maintenance, 20*time.Minute) || !near(u2.Down, 5*time.Minute) {
		t.Errorf("2h uptime = %+v, %v", u2, err)
	}
}

// A target whose results stopped 2h ago (a push target, or one that was
// paused) has an open interval the store's uptime ends where its last
// result stops standing for it; a maintenance window in the no-data gap
// after it takes nothing from the up time before.
func TestMaintenanceInNoDataGapKeepsUptime(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	ago := func(m int) time.Time { return now.Add(-time.Duration(m) * time.Minute) }
	_, u := maintained(t, now, ago(180), ago(120), func(time.Time) bool { return false }, [2]time.Time{ago(90), ago(30)})
	if u.Up < 59*time.Minute {
		t.Fatalf("the hour of passes counts as %v up (maintenance %v, no data %v): maintenance in a no-data gap ate real up time", u.Up, u.Maintenance, u.NoData)
	}
}
