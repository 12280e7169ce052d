package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// A database an older vitals left at every earlier schema version opens
// with its history intact, migrated to the current version.
func TestMigrateFromEveryVersion(t *testing.T) {
	backends := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "v.db") },
		"postgres": func(t *testing.T) string {
			testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
			return storetest.FreshPostgres(t)
		},
	}
	for name, fresh := range backends {
		for from := 1; from < store.Version(); from++ {
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				dsn := fresh(t)
				old, err := store.OpenAt(ctx, dsn, from)
				if err != nil {
					t.Fatal(err)
				}
				// What an older vitals wrote: a target and a result, by
				// hand, as the code of this one writes for its own schema.
				at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
				for _, q := range []string{
					`INSERT INTO targets (name) VALUES ('api')`,
					fmt.Sprintf(`INSERT INTO results (target_id, at, status, latency_us, code, message, details)
						SELECT id, %d, 1, 1000, 200, 'GET /: 200 OK', '' FROM targets WHERE name = 'api'`, at.UnixMilli()),
				} {
					if _, err := store.DB(old).ExecContext(ctx, q); err != nil {
						t.Fatal(err)
					}
				}
				old.Close()

				s := open(t, dsn)
				var version int
				if err := store.DB(s).QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil || version != store.Version() {
					t.Fatalf("schema version %d (%v) after opening a version-%d database, want %d", version, err, from, store.Version())
				}
				rs, err := s.Results(ctx, "api", at, at.Add(time.Second), 0)
				if err != nil || len(rs) != 1 || rs[0].Message != "GET /: 200 OK" || rs[0].Latency != time.Millisecond {
					t.Fatalf("the version-%d history: %v %v", from, rs, err)
				}
				if err := s.Append(ctx, []store.Result{{Target: "api", At: at.Add(time.Minute), Status: vitals.StatusFail, Expect: time.Minute}}); err != nil {
					t.Fatal(err)
				}
				if _, err := s.Prune(ctx, at.Add(30*24*time.Hour), store.Retention{Raw: time.Hour, Minute: time.Hour, Hour: time.Hour}); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// A SQLite file another process holds a write lock on is a clear error
// naming the file, once the busy timeout is over — not a hang.
func TestOpenLockedSQLite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v.db")
	s := open(t, path)
	conn, err := store.DB(s).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// An exclusive lock, as a backup tool or a stuck writer holds.
	if _, err := conn.ExecContext(ctx, "PRAGMA locking_mode = EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")

	_, err = store.OpenSQLite(ctx, path)
	if err == nil {
		t.Fatal("opening a locked file succeeded")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "locked") {
		t.Errorf("error %q does not name the file and say it is locked", err)
	}
}

// A PostgreSQL address that accepts connections and never answers is an
// error after the default connect timeout, not a start that hangs.
func TestOpenPostgresThatNeverAnswers(t *testing.T) {
	t.Parallel()
	dsn := "postgres://app:hunter2@" + testservice.BlackholeAddr(t) + "/vitals"
	start := time.Now()
	// A deadline far past the default connect timeout (10 s), so the test
	// cannot hang: Open must give up by itself, before it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := store.Open(ctx, dsn)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("Open = %v, want an error without the password", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("Open gave up only at the test's deadline: %v", err)
	}
	t.Logf("refused after %v: %v", time.Since(start).Round(time.Millisecond), err)
}

// Version 7 folds hours and days from minutes: the minutes an older vitals
// wrote were added to their hours and days as they came, and are not added
// again; later minutes are, once.
func TestMigrateFoldsOlderMinutesNever(t *testing.T) {
	for name, dsn := range map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "v.db") },
		"postgres": func(t *testing.T) string {
			testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
			return storetest.FreshPostgres(t)
		},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dsn := dsn(t)
			old, err := store.OpenAt(ctx, dsn, 6)
			if err != nil {
				t.Fatal(err)
			}
			t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
			// Two minutes of one run each, and the hour and day version 6
			// upserted with them.
			q := `INSERT INTO rollups (target_id, res, start, runs, passes, warns, fails, up_ms, degraded_ms, down_ms, latency_sum_us, latency_max_us)
				SELECT id, '%s', %d, %d, %d, 0, 0, %d, 0, 0, %d, 1000 FROM targets WHERE name = 'api'`
			for _, stmt := range []string{
				`INSERT INTO targets (name) VALUES ('api')`,
				fmt.Sprintf(q, "m", t0.UnixMilli(), 1, 1, 60000, 1000),
				fmt.Sprintf(q, "m", t0.Add(time.Minute).UnixMilli(), 1, 1, 30000, 1000),
				fmt.Sprintf(q, "h", t0.UnixMilli(), 2, 2, 90000, 2000),
				fmt.Sprintf(q, "d", t0.Truncate(24*time.Hour).UnixMilli(), 2, 2, 90000, 2000),
			} {
				if _, err := store.DB(old).ExecContext(ctx, stmt); err != nil {
					t.Fatal(err)
				}
			}
			old.Close()

			s := open(t, dsn)
			// One result in a minute version 6 wrote (added to every tier
			// at once), one after (folded by Prune).
			if err := s.Append(ctx, []store.Result{
				{Target: "api", At: t0.Add(90 * time.Second), Status: vitals.StatusPass, Latency: time.Millisecond, Expect: time.Minute},
				{Target: "api", At: t0.Add(5 * time.Minute), Status: vitals.StatusPass, Latency: time.Millisecond, Expect: time.Minute},
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Prune(ctx, t0.Add(30*time.Minute), store.Retention{}); err != nil {
				t.Fatal(err)
			}
			for _, res := range []store.Resolution{store.Hour, store.Day} {
				rs, err := s.Rollups(ctx, "api", res, t0.Add(-24*time.Hour), t0.Add(24*time.Hour))
				if err != nil || len(rs) != 1 || rs[0].Runs != 4 || rs[0].Up != 90*time.Second+time.Minute {
					t.Errorf("%s rollups %+v, %v; want one of 4 runs, up 2m30s", res, rs, err)
				}
			}
			// With the minutes pruned, what is left is what was folded.
			if _, err := s.Prune(ctx, t0.Add(30*time.Minute), store.Retention{Minute: time.Minute}); err != nil {
				t.Fatal(err)
			}
			if rs, err := s.Rollups(ctx, "api", store.Hour, t0, t0.Add(time.Hour)); err != nil || len(rs) != 1 || rs[0].Runs != 4 {
				t.Errorf("hour rollups with no minutes left: %+v, %v; want 4 runs", rs, err)
			}
		})
	}
}
