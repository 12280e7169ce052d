package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

var w0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func result(i int) store.Result {
	return store.Result{Target: fmt.Sprintf("t%d", i%7), At: w0.Add(time.Duration(i) * time.Second), Status: vitals.StatusPass, Expect: 15 * time.Second}
}

func newWriter(t *testing.T, s store.Store, o *store.WriterOptions) *store.Writer {
	t.Helper()
	w, err := store.NewWriter(s, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(context.Background()) })
	return w
}

// count returns how many results the store holds of the targets result
// writes.
func count(t *testing.T, s store.Store) int {
	t.Helper()
	n := 0
	for i := range 7 {
		rs, err := s.Results(context.Background(), fmt.Sprintf("t%d", i), w0, w0.Add(24*time.Hour), 0)
		if err != nil {
			t.Fatal(err)
		}
		n += len(rs)
	}
	return n
}

// The writer writes in batches, by itself within its period and at once
// with Flush, and Close writes what is left.
func TestWriterBatches(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "v.db"))
	w := newWriter(t, s, &store.WriterOptions{Batch: 100, Every: 10 * time.Millisecond})
	for i := range 250 {
		w.Add(result(i))
	}
	monitortest.Eventually(t, "the writer wrote every result on its own", func() bool { return w.Stats().Written == 250 })
	for i := 250; i < 300; i++ {
		w.Add(result(i))
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s); n != 300 {
		t.Errorf("store holds %d results, want 300", n)
	}
	if st := w.Stats(); st.Written != 300 || st.Queued != 0 || st.Dropped != 0 || st.LastErr != nil {
		t.Errorf("stats %+v", st)
	}
	if _, err := store.NewWriter(s, &store.WriterOptions{Batch: 10, Max: 5}); err == nil {
		t.Error("Max below Batch is not an error")
	}
}

// While PostgreSQL is unreachable the results wait in the queue, readiness
// fails saying how many, and once it answers again they are all written,
// with their own times. Beyond Max the oldest are dropped and counted.
func TestWriterOutage(t *testing.T) {
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	dsn := storetest.FreshPostgres(t)
	proxy := testproxy.Start(t, testservice.PostgresAddr)
	u, _ := url.Parse(dsn)
	u.Host = proxy.Addr()
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	s := open(t, u.String())
	w := newWriter(t, s, &store.WriterOptions{Batch: 50, Every: 20 * time.Millisecond, Max: 400, Timeout: 2 * time.Second})
	for i := range 100 {
		w.Add(result(i))
	}
	monitortest.Eventually(t, "the first results written", func() bool { return w.Stats().Written == 100 })

	proxy.Cut()
	for i := 100; i < 300; i++ {
		w.Add(result(i))
	}
	monitortest.Eventually(t, "a failed write", func() bool { return w.Stats().Failures > 0 })
	r := w.Check(context.Background())
	if r.Status != vitals.StatusFail || !strings.HasPrefix(r.Message, "store not writable, 200 results queued: ") {
		t.Errorf("readiness during the outage: %+v", r)
	}
	for i := 300; i < 600; i++ { // 500 queued, Max 400: the 100 oldest go
		w.Add(result(i))
	}
	proxy.Restore()
	monitortest.Eventually(t, "the queue written after the outage", func() bool { return w.Stats().Queued == 0 && w.Stats().LastErr == nil })
	st := w.Stats()
	if st.Dropped != 100 || st.Written != 500 {
		t.Errorf("stats %+v, want 100 dropped, 500 written", st)
	}
	if n := count(t, s); n != 500 {
		t.Errorf("store holds %d results, want 500", n)
	}
	// The oldest were dropped: result 100 is gone, 200 is there.
	for i, want := range map[int]int{100: 0, 200: 1} {
		r := result(i)
		if rs, err := s.Results(context.Background(), r.Target, r.At, r.At.Add(time.Millisecond), 0); err != nil || len(rs) != want {
			t.Errorf("result %d: %v, %v; want %d", i, rs, err, want)
		}
	}
	if r := w.Check(context.Background()); r.Status != vitals.StatusPass {
		t.Errorf("readiness after the outage: %+v", r)
	}
}

// A result the database refuses on its own (PostgreSQL takes no NUL in
// text) is rejected and counted; the results around it are written, and
// the queue goes on.
func TestWriterRejectsWhatTheDatabaseRefuses(t *testing.T) {
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	s := open(t, storetest.FreshPostgres(t))
	w := newWriter(t, s, &store.WriterOptions{Every: 20 * time.Millisecond})
	bad := result(1)
	bad.Message = "nul\x00byte"
	w.Add(result(0))
	w.Add(bad)
	w.Add(result(2))
	monitortest.Eventually(t, "the queue written", func() bool { return w.Stats().Queued == 0 })
	st := w.Stats()
	if st.Written != 2 || st.Rejected != 1 || st.LastRejected == nil || st.LastErr != nil {
		t.Errorf("stats %+v, want 2 written, 1 rejected", st)
	}
	if n := count(t, s); n != 2 {
		t.Errorf("store holds %d results, want 2", n)
	}
	w.Add(result(3))
	monitortest.Eventually(t, "a later result written", func() bool { return w.Stats().Written == 3 })
}

// A write that runs out of time says nothing about its results: while
// another session holds a lock the batch waits for (the database still
// answers a ping), every attempt times out, and once the lock goes the
// whole queue is written. Before, the writer took the timed-out batch for
// a refused one, wrote it a result at a time, and dropped each result
// that timed out alone as rejected.
func TestWriterTimeoutIsNotRefusal(t *testing.T) {
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	dsn := storetest.FreshPostgres(t)
	s := open(t, dsn)
	w := newWriter(t, s, &store.WriterOptions{Batch: 5, Every: 20 * time.Millisecond, Timeout: 200 * time.Millisecond})
	w.Add(result(0))
	monitortest.Eventually(t, "the first result written", func() bool { return w.Stats().Written == 1 })

	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	lock, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback() //nolint:errcheck // committed or rolled back below
	if _, err := lock.ExecContext(ctx, `LOCK TABLE results IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 20; i++ {
		w.Add(result(i))
	}
	monitortest.Eventually(t, "writes timing out", func() bool { return w.Stats().Failures >= 3 })
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	monitortest.Eventually(t, "the queue written", func() bool { st := w.Stats(); return st.Queued == 0 && st.LastErr == nil })
	if st := w.Stats(); st.Written != 21 || st.Rejected != 0 || st.Dropped != 0 {
		t.Errorf("stats %+v, want 21 written, none rejected or dropped", st)
	}
	if n := count(t, s); n != 21 {
		t.Errorf("store holds %d results, want 21", n)
	}
}

// slowStore makes every write cost a millisecond a result, and gives up
// at its context's end.
type slowStore struct{ store.Store }

func (s slowStore) Append(ctx context.Context, b []store.Result) error {
	select {
	case <-time.After(time.Duration(len(b)) * time.Millisecond):
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.Store.Append(ctx, b)
}

// A batch that takes longer than the timeout every time is written in
// smaller ones: retried whole, it would fail for ever while the queue
// grew to its bound (found by review).
func TestWriterShrinksABatchThatTimesOut(t *testing.T) {
	s := slowStore{open(t, filepath.Join(t.TempDir(), "v.db"))}
	w := newWriter(t, s, &store.WriterOptions{Batch: 500, Every: 20 * time.Millisecond, Timeout: 200 * time.Millisecond})
	for i := range 500 {
		w.Add(result(i))
	}
	monitortest.Eventually(t, "every result written", func() bool { return w.Stats().Written == 500 })
	if st := w.Stats(); st.Failures == 0 || st.Rejected != 0 || st.Dropped != 0 {
		t.Errorf("stats %+v, want failures on the way and nothing rejected or dropped", st)
	}
}
