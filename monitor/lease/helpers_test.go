package lease_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/lease"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// freshDSN returns the DSN of an empty database, dropped after the test.
func freshDSN(t *testing.T) string {
	t.Helper()
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	return storetest.FreshPostgres(t)
}

// openDB opens dsn with the pgx driver, closed after the test.
func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { db.Close() })
	return db
}

// fast are options with short periods: a lease lasts 1.5 s, is renewed
// every 0.5 s and trusted for 1 s after a renewal.
func fast(id string, log *slog.Logger) *lease.Options {
	return &lease.Options{NodeID: id, TTL: 1500 * time.Millisecond, Renew: 500 * time.Millisecond,
		Margin: 500 * time.Millisecond, ConfigHash: "hash-" + id, Logger: log}
}

// replica is a Manager whose Run the test controls.
type replica struct {
	*lease.Manager
	cancel context.CancelFunc
	done   chan error
}

// start creates a Manager and runs it until the test ends, when it is
// closed.
func start(t *testing.T, db *sql.DB, opt *lease.Options) *replica {
	t.Helper()
	m, err := lease.New(context.Background(), db, opt)
	if err != nil {
		t.Fatal(err)
	}
	return run(t, m)
}

// startAll creates one Manager per database and options, then runs them
// all: each is registered before any acquires, so the first does not take
// every shard and give them back.
func startAll(t *testing.T, dbs []*sql.DB, opts ...*lease.Options) []*replica {
	t.Helper()
	var ms []*lease.Manager
	for i, opt := range opts {
		m, err := lease.New(context.Background(), dbs[min(i, len(dbs)-1)], opt)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	var rs []*replica
	for _, m := range ms {
		rs = append(rs, run(t, m))
	}
	return rs
}

// run runs m until the test ends, when it is closed.
func run(t *testing.T, m *lease.Manager) *replica {
	ctx, cancel := context.WithCancel(context.Background())
	r := &replica{Manager: m, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- m.Run(ctx) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := m.Close(ctx); err != nil {
			t.Errorf("Close %s: %v", m.NodeID(), err)
		}
		r.cancel()
		<-r.done
	})
	return r
}

// stopRun stops the replica's Run without Close, as a replica that stops
// renewing would: its leases stay in the database until they expire.
func (r *replica) stopRun(t *testing.T) {
	t.Helper()
	r.cancel()
	if err := <-r.done; err != context.Canceled {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
	r.done <- context.Canceled // for the cleanup
}

// waitFor polls cond until it holds and returns how long that took, or
// fails the test after limit, a deadline generous enough for a slow
// machine under -race.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() error) time.Duration {
	t.Helper()
	begin := time.Now()
	for {
		err := cond()
		if err == nil {
			return time.Since(begin)
		}
		if time.Since(begin) > limit {
			t.Fatalf("after %v, still not %s: %v", limit, what, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// split checks that the replicas' shards are disjoint and cover k, each
// replica holding at most share.
func split(rs []*replica, k, share int) error {
	seen := make(map[int]string)
	for _, r := range rs {
		owned := r.Owned()
		if len(owned) > share {
			return fmt.Errorf("%s holds %d shards, more than its share %d", r.NodeID(), len(owned), share)
		}
		for s := range owned {
			if other, ok := seen[s]; ok {
				return fmt.Errorf("shard %d held by %s and %s", s, other, r.NodeID())
			}
			seen[s] = r.NodeID()
		}
	}
	if len(seen) != k {
		return fmt.Errorf("%d of %d shards held", len(seen), k)
	}
	return nil
}

// watchOverlap checks, until the test ends, that no two replicas trust one
// lease at once: a shard a replica holds with the same epoch before and
// after a peer's Owned must not be in the peer's.
func watchOverlap(t *testing.T, rs ...*replica) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			for _, a := range rs {
				for _, b := range rs {
					if a == b {
						continue
					}
					before, peer, after := a.Owned(), b.Owned(), a.Owned()
					for s, e := range before {
						if _, ok := peer[s]; ok && after[s] == e {
							t.Errorf("shard %d trusted by %s (epoch %d) and %s (epoch %d) at once", s, a.NodeID(), e, b.NodeID(), peer[s])
						}
					}
				}
			}
		}
	})
	t.Cleanup(func() { close(stop); wg.Wait() })
}

// records is a slog.Handler that keeps the records of the given message.
type records struct {
	msg string
	mu  sync.Mutex // protects got
	got []map[string]any
}

func (h *records) Enabled(context.Context, slog.Level) bool { return true }
func (h *records) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *records) WithGroup(string) slog.Handler            { return h }
func (h *records) Handle(_ context.Context, r slog.Record) error {
	if r.Message != h.msg {
		return nil
	}
	m := make(map[string]any)
	r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.Any(); return true })
	h.mu.Lock()
	h.got = append(h.got, m)
	h.mu.Unlock()
	return nil
}

func (h *records) all() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]map[string]any(nil), h.got...)
}
