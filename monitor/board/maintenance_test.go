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

// Uptime counts a maintenance window apart: the failure inside it is
// neither downtime nor no data.
func TestUptimeCountsMaintenanceApart(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now().Truncate(time.Second)
	// An hour of results every 10 s: failing from -40m to -20m.
	var batch []store.Result
	for at := now.Add(-time.Hour); at.Before(now); at = at.Add(10 * time.Second) {
		s := vitals.StatusPass
		if at.After(now.Add(-40*time.Minute)) && !at.After(now.Add(-20*time.Minute)) {
			s = vitals.StatusFail
		}
		batch = append(batch, store.Result{Target: "db", At: at, Status: s, Expect: 15 * time.Second})
	}
	if err := st.Append(ctx, batch); err != nil {
		t.Fatal(err)
	}
	b := board.New(st)
	b.SetTargets([]board.Target{{Name: "db"}})
	// Maintenance from -45m to -25m: 15 of the 20 failing minutes.
	b.SetMaintenance(func(target string, from, to time.Time) [][2]time.Time {
		return [][2]time.Time{{now.Add(-45 * time.Minute), now.Add(-25 * time.Minute)}}
	})
	if err := b.RefreshUptime(ctx, now); err != nil {
		t.Fatal(err)
	}
	s, _ := b.State("db")
	u := s.Uptime[0] // 24h
	near := func(got, want time.Duration) bool { return got > want-30*time.Second && got < want+30*time.Second }
	if !near(u.Maintenance, 20*time.Minute) || !near(u.Down, 5*time.Minute) || !near(u.Up, 35*time.Minute) {
		t.Errorf("24h uptime = %+v: want 20m maintenance, 5m down, 35m up", u)
	}
	if !near(u.NoData, 23*time.Hour) {
		t.Errorf("no data = %v, want 23h", u.NoData)
	}
	// A window the board does not cache, from the store, the same way.
	u2, err := b.Uptime(ctx, "db", 2*time.Hour, now)
	if err != nil || !near(u2.Maintenance, 20*time.Minute) || !near(u2.Down, 5*time.Minute) {
		t.Errorf("2h uptime = %+v, %v", u2, err)
	}
}
