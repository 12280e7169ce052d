package board_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
)

// The monitor feeds a board the configured targets and every result; the
// page, the API and the badges read the same states from it.
func Example() {
	dir, _ := os.MkdirTemp("", "vitals-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(context.Background(), filepath.Join(dir, "vitals.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()

	b := board.New(st)
	b.SetTargets([]board.Target{
		{Name: "api", Type: "http", Group: "Public", Interval: 10 * time.Second, Timeout: 5 * time.Second},
		{Name: "db", Type: "postgres", Group: "Data", Interval: 10 * time.Second, Timeout: 5 * time.Second},
	})
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	last := vitals.Result{Status: vitals.StatusFail, Message: "connection refused", Duration: time.Millisecond, Time: at}
	r, _ := b.Record(&vitals.CheckState{CheckInfo: &vitals.CheckInfo{Name: "db"}, Status: vitals.StatusFail, Since: at, Last: last})
	fmt.Println("to the store:", r.Target, r.Status, r.Message, r.Expect)

	for _, s := range b.States() {
		fmt.Printf("%s/%s: %v %q\n", s.Group, s.Name, s.Status, s.Last.Message)
	}
	// Output:
	// to the store: db fail connection refused 15s
	// Public/api: unknown ""
	// Data/db: fail "connection refused"
}
