package store

import (
	"context"
	"database/sql"
	"strings"
)

// chunkRows is how many rows one multi-row statement writes. Each
// statement adds the cost of database/sql and the driver to its rows':
// at 10,000 targets on SQLite, rollups upserted 100 rows a statement took
// 30 % less CPU than a row a statement (bench/cmd/servebench). 100 rows of
// 12 values are 1,200 parameters, far below SQLite's limit of 32,766 and
// PostgreSQL's of 65,535.
const chunkRows = 100

// execRows writes n rows of cols values each with the statement
// head VALUES (?, …), (?, …), … tail, chunkRows rows a statement. row
// appends the values of row i to args and returns it.
func (s *sqlStore) execRows(ctx context.Context, tx *sql.Tx, head, tail string, cols, n int, row func(i int, args []any) []any) error {
	return s.queryRows(ctx, tx, head, tail, "("+strings.Repeat("?, ", cols-1)+"?)", n, row, nil)
}

// queryRows is execRows with each row's tuple given, such as "(CAST(? AS
// BIGINT), ?)", for a statement that may return rows (RETURNING …): scan
// is called on each. With a nil scan the statements are executed.
//
// The statement of a full chunk is prepared once for the store, not at
// every batch: compiling it was 5 % of the store's CPU on SQLite
// (BenchmarkAppend -cpuprofile), 1.5 % now, most of it the rest of a
// batch, whose statement of fewer rows is compiled each time (statements
// of 64, 32, …, 1 rows for it, each prepared once, compiled no less and
// ran more statements). It is prepared after a transaction that lacked it
// (preparePending), never in one: that would take a second connection
// while the transaction holds one, which a pool of one never gives.
func (s *sqlStore) queryRows(ctx context.Context, tx *sql.Tx, head, tail, tuple string, n int, row func(i int, args []any) []any, scan func(*sql.Rows) error) error {
	// run runs stmt, or without one the query.
	run := func(stmt *sql.Stmt, query string, args []any) error {
		switch {
		case scan == nil && stmt == nil:
			_, err := tx.ExecContext(ctx, query, args...)
			return err
		case scan == nil:
			_, err := stmt.ExecContext(ctx, args...)
			return err
		case stmt == nil:
			rows, err := tx.QueryContext(ctx, query, args...)
			return eachRow(rows, err, scan)
		default:
			rows, err := stmt.QueryContext(ctx, args...)
			return eachRow(rows, err, scan)
		}
	}
	args := make([]any, 0, min(n, chunkRows)*strings.Count(tuple, "?"))
	for i := 0; i < n; i += chunkRows {
		k := min(chunkRows, n-i)
		args = args[:0]
		for j := i; j < i+k; j++ {
			args = row(j, args)
		}
		full := s.rowsStmt(head, tail, tuple, k)
		if full == nil {
			if err := run(nil, s.d.q(valuesQuery(head, tail, tuple, k)), args); err != nil {
				return err
			}
			continue
		}
		st := tx.StmtContext(ctx, full)
		err := run(st, "", args)
		st.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// rowsKey names the statement of k rows of queryRows's head, tail and
// tuple.
type rowsKey struct {
	head, tail, tuple string
	k                 int
}

// rowsStmt returns the store's prepared statement of k rows, or nil if
// it has none: a statement of fewer than chunkRows rows, or one of
// chunkRows that preparePending is to prepare.
func (s *sqlStore) rowsStmt(head, tail, tuple string, k int) *sql.Stmt {
	key := rowsKey{head, tail, tuple, k}
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	st, ok := s.rows[key]
	if !ok && k == chunkRows {
		s.rows[key] = nil // to be prepared
	}
	return st
}

// preparePending prepares the statements rowsStmt lacked. It is called
// outside any transaction; a statement that fails to prepare is tried
// again after the next transaction that lacks it.
func (s *sqlStore) preparePending(ctx context.Context) {
	s.stmtMu.Lock()
	var pending []rowsKey
	for key, st := range s.rows {
		if st == nil {
			pending = append(pending, key)
		}
	}
	s.stmtMu.Unlock()
	for _, key := range pending {
		st, err := s.prepared(ctx, valuesQuery(key.head, key.tail, key.tuple, key.k))
		if err != nil {
			continue
		}
		s.stmtMu.Lock()
		s.rows[key] = st // prepared returns one statement for one query
		s.stmtMu.Unlock()
	}
}

// valuesQuery returns head VALUES and rows tuples, then tail.
func valuesQuery(head, tail, tuple string, rows int) string {
	var b strings.Builder
	b.Grow(len(head) + len(tail) + rows*(len(tuple)+2) + 9)
	b.WriteString(head)
	b.WriteString(" VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	if tail != "" {
		b.WriteString(" ")
		b.WriteString(tail)
	}
	return b.String()
}

// eachRow calls fn on every row of a query's result, given as QueryContext
// returns it, and closes the rows. It returns the query's error, fn's
// first error, or the error that ended the rows.
func eachRow(rows *sql.Rows, err error, fn func(*sql.Rows) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// collect is [eachRow] for a query each of whose rows scan makes into one
// T; it returns them in order.
func collect[T any](rows *sql.Rows, err error, scan func(*sql.Rows) (T, error)) ([]T, error) {
	var out []T
	err = eachRow(rows, err, func(rows *sql.Rows) error {
		v, err := scan(rows)
		out = append(out, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
