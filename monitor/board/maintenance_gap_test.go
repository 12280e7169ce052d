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

// A target whose results stopped 2h ago (a push target, or one that was
// paused) has an open interval the store's uptime ends where its last
// result stops standing for it; a maintenance window in the no-data gap
// after it takes nothing from the up time before.
func TestMaintenanceInNoDataGapKeepsUptime(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now().Truncate(time.Second)
	var batch []store.Result
	for at := now.Add(-3 * time.Hour); at.Before(now.Add(-2 * time.Hour)); at = at.Add(10 * time.Second) {
		batch = append(batch, store.Result{Target: "job", At: at, Status: vitals.StatusPass, Expect: 15 * time.Second})
	}
	if err := st.Append(ctx, batch); err != nil {
		t.Fatal(err)
	}
	b := board.New(st)
	b.SetTargets([]board.Target{{Name: "job"}})
	// Maintenance in the gap where there is no data: -90m to -30m.
	b.SetMaintenance(func(target string, from, to time.Time) [][2]time.Time {
		return [][2]time.Time{{now.Add(-90 * time.Minute), now.Add(-30 * time.Minute)}}
	})
	if err := b.RefreshUptime(ctx, now); err != nil {
		t.Fatal(err)
	}
	s, _ := b.State("job")
	u := s.Uptime[0]
	if u.Up < 59*time.Minute {
		t.Fatalf("the hour of passes counts as %v up (maintenance %v, no data %v): maintenance in a no-data gap ate real up time", u.Up, u.Maintenance, u.NoData)
	}
}
