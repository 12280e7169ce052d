package chorus_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/chorus"
	"github.com/vitalsgo/vitals/vitalstest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Each preset adds its checker with CHORUS's interval, timeout and
// criticality; options given after them win; and the checks run.
func TestPresets(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	// A pool whose every connection is refused: the preset's settings are
	// what is tested here (checks/sql and the driver modules test the
	// checker against real databases).
	db := sql.OpenDB(refused{})
	defer db.Close()
	steps := []struct {
		name     string
		add      func() error
		interval time.Duration
		timeout  time.Duration
		critical bool
	}{
		{"database", func() error { return chorus.Database(m, "database", db) }, 30 * time.Second, 10 * time.Second, true},
		{"disk", func() error { return chorus.DiskSpace(m, "disk", t.TempDir(), 0.90) }, time.Minute, 5 * time.Second, false},
		{"memory", func() error { return chorus.Memory(m, "memory", 0.85) }, 30 * time.Second, 5 * time.Second, false},
		{"pubsub", func() error { return chorus.PubSub(m, "pubsub", vitalstest.NewPubSub()) }, time.Minute, 15 * time.Second, true},
		{"dht", func() error { return chorus.DHT(m, "dht", vitalstest.NewKV().WithoutDelete()) }, 90 * time.Second, 20 * time.Second, true},
		{"dht-fast", func() error {
			return chorus.DHT(m, "dht-fast", vitalstest.NewKV(), vitals.Interval(10*time.Second))
		}, 10 * time.Second, 20 * time.Second, true},
	}
	for _, s := range steps {
		if err := s.add(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	snap, err := m.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		st, ok := snap.Check(s.name)
		if !ok || st.Interval != s.interval || st.Timeout != s.timeout || st.Critical != s.critical {
			t.Errorf("%s: %+v", s.name, st.CheckInfo)
			continue
		}
		want := vitals.StatusPass
		if s.name == "database" {
			want = vitals.StatusFail
		}
		if st.Status == vitals.StatusUnknown || s.name != "memory" && st.Status != want {
			t.Errorf("%s ran: %v %q", s.name, st.Status, st.Last.Message)
		}
	}
	for _, bad := range []float64{0, -0.1, 1.5} {
		if err := chorus.Memory(m, fmt.Sprint("mem", bad), bad); err == nil || !strings.Contains(err.Error(), "not in (0, 1]") {
			t.Errorf("Memory(%v) = %v", bad, err)
		}
	}
}

// refused is a database/sql connector whose connections are refused.
type refused struct{}

func (refused) Connect(context.Context) (driver.Conn, error) {
	return nil, errors.New("connection refused")
}
func (refused) Driver() driver.Driver { return refusedDriver{} }

type refusedDriver struct{}

func (refusedDriver) Open(string) (driver.Conn, error) { return nil, errors.New("connection refused") }
