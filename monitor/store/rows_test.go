package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// TestQueryRows writes batches of sizes around the statements' (100 rows),
// with and without RETURNING, on a pool of one connection: every row is
// written once, in order, and returned when asked; the statement of 100
// rows is prepared once for the store and never inside a transaction (which
// would wait forever for a second connection: it did, before).
func TestQueryRows(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testQueryRows(t, filepath.Join(t.TempDir(), "vitals.db")) })
	t.Run("postgres", func(t *testing.T) {
		testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
		testQueryRows(t, storetest.FreshPostgres(t))
	})
}

func testQueryRows(t *testing.T, dsn string) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := store.DB(s)
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE scratch (batch BIGINT NOT NULL, i BIGINT NOT NULL, v BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	sizes := []int{0, 1, 2, 99, 100, 101, 187, 250, 1023}
	want := 0 // statements prepared: one a statement, from its first full chunk on
	for _, returning := range []bool{false, true} {
		full := false
		for b, n := range sizes {
			batch := b
			tail := ""
			if returning {
				batch += len(sizes)
				tail = "RETURNING i"
			}
			var returned []int
			scan := func(rows *sql.Rows) error {
				var i int
				err := rows.Scan(&i)
				returned = append(returned, i)
				return err
			}
			if !returning {
				scan = nil
			}
			prepared, ofTable, err := store.QueryRows(ctx, s, "scratch", `INSERT INTO scratch (batch, i, v)`, tail, "(?, ?, ?)", n,
				func(i int, args []any) []any { return append(args, batch, i, 2*i+1) }, scan)
			if err != nil {
				t.Fatalf("%d rows (RETURNING %v): %v", n, returning, err)
			}
			if n >= 100 && !full {
				full = true
				want++
			}
			if ofTable != want || prepared != want {
				t.Errorf("after %d rows (RETURNING %v): %d statements of the table prepared (%d in all), want %d", n, returning, ofTable, prepared, want)
			}
			if returning && len(returned) != n {
				t.Errorf("%d rows with RETURNING: %d returned", n, len(returned))
			}
			rows, err := db.QueryContext(ctx, `SELECT i, v FROM scratch WHERE batch = `+strconv.Itoa(batch)+` ORDER BY i`)
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
	}
}
