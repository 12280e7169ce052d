package store_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// TestExecRows writes batches of sizes around the statements' (100 rows):
// every row is written once, in order, and the store prepares the
// statement of 100 rows once, whatever the batches.
func TestExecRows(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testExecRows(t, filepath.Join(t.TempDir(), "vitals.db")) })
	t.Run("postgres", func(t *testing.T) {
		testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
		testExecRows(t, storetest.FreshPostgres(t))
	})
}

func testExecRows(t *testing.T, dsn string) {
	ctx := t.Context()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := store.DB(s)
	if _, err := db.ExecContext(ctx, `CREATE TABLE scratch (batch BIGINT NOT NULL, i BIGINT NOT NULL, v BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	sizes := []int{0, 1, 2, 3, 63, 64, 65, 99, 100, 101, 187, 250, 1000, 1023}
	var prepared int
	for b, n := range sizes {
		prepared, err = store.ExecRows(ctx, s, `INSERT INTO scratch (batch, i, v)`, ``, 3, n, func(i int, args []any) []any {
			return append(args, b, i, 2*i+1)
		})
		if err != nil {
			t.Fatalf("%d rows: %v", n, err)
		}
		rows, err := db.QueryContext(ctx, `SELECT i, v FROM scratch WHERE batch = `+strconv.Itoa(b)+` ORDER BY i`)
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for rows.Next() {
			var i, v int
			if err := rows.Scan(&i, &v); err != nil {
				t.Fatal(err)
			}
			if i != got || v != 2*i+1 {
				t.Errorf("%d rows: row %d is (%d, %d), want (%d, %d)", n, got, i, v, got, 2*got+1)
			}
			got++
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Errorf("%d rows: %d written", n, got)
		}
	}
	if prepared != 1 {
		t.Errorf("%d statements prepared for %d batches, want 1", prepared, len(sizes))
	}
}
