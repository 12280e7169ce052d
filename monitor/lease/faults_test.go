package lease_test

// Faults of replicas found by an adversarial review, each a test that
// failed before its fix.

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/alert"
	"github.com/vitalsgo/vitals/monitor/lease"
	"github.com/vitalsgo/vitals/monitor/store"
)

// fenceBy is the store's fence of a lease manager, as package monitor's
// cluster type is.
type fenceBy struct{ m *lease.Manager }

func (f fenceBy) Fence(ctx context.Context, tx *sql.Tx, targets []string) (map[string]int64, error) {
	return f.m.FenceTargets(ctx, tx, targets)
}

// fixedFence lets one target through at one epoch: a peer that holds the
// target's lease at that epoch.
type fixedFence struct {
	target string
	epoch  int64
}

func (f fixedFence) Fence(context.Context, *sql.Tx, []string) (map[string]int64, error) {
	return map[string]int64{f.target: f.epoch}, nil
}

// A result probed under one lease is not written under a later one.
//
// a probes "api" under epoch e1, but cannot write (the store is cut off,
// the writer keeps the result queued). Its lease lapses; b takes the shard
// (e2) and writes a newer result; b goes away and a takes the shard back
// (e3). a's writer then flushes its queue: the fence checks a's lease now,
// not the lease the result was probed under, and writes the stale result
// under e3 — behind b's newer one — and the alert engine decides on it in
// that same transaction. The fence must refuse it: its lease (e1) moved.
func TestResultProbedUnderALapsedLeaseIsNotWritten(t *testing.T) {
	dsn := freshDSN(t)
	db := openDB(t, dsn)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := start(t, db, fast("a", nil))
	waitFor(t, 30*time.Second, "a holds every shard", func() error { return split([]*replica{a}, 128, 128) })
	st.SetFencer(fenceBy{a.Manager})

	const target = "api"
	e1, ok := a.Owns(target)
	if !ok {
		t.Fatal("a does not own the target")
	}
	// a probes under e1; the result waits in a's writer queue.
	stale := store.Result{Target: target, At: time.Now().Add(-20 * time.Second), Status: vitals.StatusFail,
		Message: "probed under epoch " + fmt.Sprint(e1.Epoch), Expect: 10 * time.Second, Epoch: e1.Epoch}

	// b takes the shard over (a's lease lapsed) and writes a newer result.
	var e2 int64
	if err := db.QueryRowContext(ctx, `UPDATE vitals_shards SET owner = 'b', epoch = epoch + 1, expires_at = now() + interval '1 hour'
		WHERE shard = $1 RETURNING epoch`, e1.Shard).Scan(&e2); err != nil {
		t.Fatal(err)
	}
	stb, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer stb.Close()
	stb.SetFencer(fixedFence{target: target, epoch: e2})
	newer := store.Result{Target: target, At: time.Now().Add(-10 * time.Second), Status: vitals.StatusPass, Expect: 10 * time.Second, Epoch: e2}
	if err := stb.Append(ctx, []store.Result{newer}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "a sees the shard gone", func() error {
		if _, ok := a.Owns(target); ok {
			return fmt.Errorf("a still owns it")
		}
		return nil
	})
	// b goes away; a takes the shard back at a new epoch.
	if _, err := db.ExecContext(ctx, `UPDATE vitals_shards SET expires_at = '-infinity' WHERE shard = $1`, e1.Shard); err != nil {
		t.Fatal(err)
	}
	var e3 lease.Lease
	waitFor(t, 30*time.Second, "a takes the shard back", func() error {
		var ok bool
		if e3, ok = a.Owns(target); !ok {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	t.Logf("epochs: probed under %d, b wrote under %d, a holds %d", e1.Epoch, e2, e3.Epoch)

	// a's writer flushes its queue, its alert engine deciding in the same
	// transaction.
	st.SetAlerter(alert.NewEngine(&alert.Config{Rules: map[string]*alert.Rule{target: {AlertAfter: 1, ResolveAfter: 1}}}))
	if err := st.Append(ctx, []store.Result{stale}); err != nil {
		t.Fatal(err)
	}
	rs, err := st.Results(ctx, target, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.At.Equal(stale.At.Truncate(time.Millisecond)) {
			t.Errorf("a result probed under epoch %d (at %v, before b's result at %v) was written under epoch %d",
				e1.Epoch, r.At.Format("15:04:05.000"), newer.At.Format("15:04:05.000"), r.Epoch)
		}
	}
	// The stale failure opened an incident, though the newest result (b's)
	// passed.
	as, err := st.Alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Target == target && a.Firing {
			t.Errorf("the stale result opened incident %s after b's newer pass", a.Incident())
		}
	}
}

// cutProxy forwards TCP connections to PostgreSQL. cut stops forwarding
// on the connections open then, as a server that is gone without a word
// does (a crashed host, a failover to another address, a NAT or load
// balancer that dropped the flow): the server's side is closed, the
// client's stays open and hears nothing. New connections go through.
type cutProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	pairs [][2]net.Conn
	wg    sync.WaitGroup
}

func newCutProxy(t *testing.T, upstream string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", upstream)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.pairs = append(p.pairs, [2]net.Conn{c, u})
			p.mu.Unlock()
			p.wg.Add(2)
			go func() { defer p.wg.Done(); io.Copy(u, c) }()
			go func() { defer p.wg.Done(); io.Copy(c, u) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for _, pr := range p.pairs {
			pr[0].Close()
			pr[1].Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

// cut silences the open connections: the server's side goes, the client's
// hears nothing more (it is closed only at cleanup).
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range p.pairs {
		pr[1].Close()
	}
}

// Listen notices a server gone without a word within a few periods: it
// used to notice a lost connection only when the socket reported an
// error. A server gone without a word (host crash, failover to a new
// address, a middlebox dropping the flow) leaves the LISTEN connection
// waiting for a notification that never comes — until TCP keepalive
// gives up (Go's defaults: about 2.5 minutes), or never, behind a proxy
// that keeps the client's side open. Meanwhile the replica misses every
// release, every peer's result and every push told to it (a push target
// it owns then fails for want of a push another replica took). New
// connections work at once; Listen should find out within a few periods.
func TestListenSurvivesASilentServerLoss(t *testing.T) {
	dsn := freshDSN(t)
	direct := openDB(t, dsn)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := newCutProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	db := openDB(t, u.String())
	heard := listenPings(t, db)
	ping := func(payload string) {
		t.Helper()
		if _, err := direct.Exec(`SELECT pg_notify('pings', $1)`, payload); err != nil {
			t.Fatal(err)
		}
	}
	// Listening: a ping is heard.
	waitFor(t, 30*time.Second, "the first ping heard", func() error {
		ping("before")
		select {
		case <-heard:
			return nil
		case <-time.After(100 * time.Millisecond):
			return fmt.Errorf("not heard")
		}
	})
	p.cut()
	// The database answers on new connections at once; pings go on.
	// Listen is given 20 periods (Renew is 0.5 s) to listen again.
	deadline := time.Now().Add(20 * 500 * time.Millisecond)
	for time.Now().Before(deadline) {
		ping("after")
		select {
		case got := <-heard:
			if got == "after" {
				return
			}
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Errorf("20 lease periods after the server went silent, Listen hears nothing: it still waits on the dead connection")
}

// A LISTEN connection the server closes (a restart, an
// administrator's pg_terminate_backend) is opened again after a Renew.
func TestListenReconnectsAfterTerminate(t *testing.T) {
	dsn := freshDSN(t)
	direct := openDB(t, dsn)
	db := openDB(t, dsn)
	heard := listenPings(t, db)
	hear := func(what string) {
		t.Helper()
		waitFor(t, 30*time.Second, what, func() error {
			if _, err := direct.Exec(`SELECT pg_notify('pings', 'x')`); err != nil {
				return err
			}
			select {
			case <-heard:
				return nil
			case <-time.After(100 * time.Millisecond):
				return fmt.Errorf("not heard")
			}
		})
	}
	hear("a ping heard")
	var n int
	if err := direct.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("terminated %d listeners: %v", n, err)
	}
	for len(heard) > 0 {
		<-heard
	}
	hear("a ping heard after the listener's backend was terminated")
}

// A replica paused (SIGSTOP, a long GC or VM pause) while its writer is
// inside a fenced transaction must not keep its shards for the whole
// pause. Before the fix it did, the FOR SHARE locks of its leases held: PostgreSQL sees a session idle in a
// transaction and keeps its locks, and a peer's acquire skips the locked
// rows (SKIP LOCKED) however long they have expired. The paused replica's
// targets go unprobed for the length of the pause, not a TTL. Under load
// the writer is inside such a transaction much of the time.
func TestWriterPausedInATransactionFreesItsShards(t *testing.T) {
	db := openDB(t, freshDSN(t))
	a := start(t, db, fast("a", nil))
	waitFor(t, 30*time.Second, "a holds every shard", func() error { return split([]*replica{a}, 128, 128) })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// a's writer opens its transaction and fences a batch...
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	got, err := a.FenceTargets(ctx, tx, []string{"api"})
	if err != nil || len(got) != 1 {
		t.Fatalf("fence = %v, %v", got, err)
	}
	// ...and the process stops: no renewals, no commit.
	a.stopRun(t)
	l, _ := a.Owns("api")
	b := start(t, db, fast("b", nil))
	// a's leases expire in 1.5 s; b should hold every shard within a few
	// TTLs. Give it 20.
	limit := 20 * 1500 * time.Millisecond
	begin := time.Now()
	for time.Since(begin) < limit {
		if _, ok := b.Owns("api"); ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("%v after a paused inside a write transaction, b holds %d shards but not %d, whose lease expired long ago",
		limit, len(b.Owned()), l.Shard)
}

// The node's own write transactions must not block its renewals. Before
// the fix they did: a fenced write held FOR SHARE on its shards' rows until it commits; the
// renewal (one UPDATE of every owned row) waits for it; a write that lasts
// longer than what is left of the trust window (at the defaults: a 10 s
// transaction, which the writer's 10 s timeout allows, past a 9 s margin)
// makes a healthy replica drop every lease, stop every target and take
// them back at new epochs. Here: a write of 3 trust windows (fast
// options: trust 1 s), the database healthy, no peer.
func TestOwnWriteDoesNotStarveRenewals(t *testing.T) {
	db := openDB(t, freshDSN(t))
	a := start(t, db, fast("a", nil))
	waitFor(t, 30*time.Second, "a holds every shard", func() error { return split([]*replica{a}, 128, 128) })
	before := a.Owned()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var names []string
	for i := range 2000 {
		names = append(names, fmt.Sprintf("t%d", i))
	}
	if got, err := a.FenceTargets(ctx, tx, names); err != nil || len(got) != len(names) {
		t.Fatalf("fence = %d targets, %v", len(got), err)
	}
	lost := false
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		// Busy, not idle: a write of many statements.
		if _, err := tx.ExecContext(ctx, `SELECT 1`); err != nil {
			t.Fatal(err)
		}
		if len(a.Owned()) < len(before) {
			lost = true
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if lost {
		t.Errorf("a healthy replica lost its leases while its own write transaction held them")
	}
}

// The release statement must not share the Release hook's context. A
// hook that takes its whole budget (the writer's Flush with a
// backlog after a database blip, or a slow database: the server's hook
// flushes every queued result, not only the released shards') leaves the
// UPDATE that frees the shards an expired context: the shards stay the
// node's in the database, and the peers wait a whole TTL for them instead
// of taking them at the NOTIFY. Here Close, as at SIGTERM (closeCluster
// gives it 10 s).
func TestSlowReleaseHookStillFreesShards(t *testing.T) {
	db := openDB(t, freshDSN(t))
	opt := fast("a", nil)
	opt.Release = func(ctx context.Context, _ []int) { <-ctx.Done() } // a flush that uses all its time
	m, err := lease.New(context.Background(), db, opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, 30*time.Second, "a holds every shard", func() error {
		if n := len(m.Owned()); n != 128 {
			return fmt.Errorf("%d", n)
		}
		return nil
	})
	cctx, ccancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer ccancel()
	cerr := m.Close(cctx)
	var held int
	if err := db.QueryRow(`SELECT count(*) FROM vitals_shards WHERE owner = 'a'`).Scan(&held); err != nil {
		t.Fatal(err)
	}
	if held > 0 {
		t.Errorf("after Close (%v), %d shards are still a's in the database: the peers wait for them to expire", cerr, held)
	}
}

// listenPings runs a Manager's Listen on db's channel "pings" until the
// test ends, and returns what it hears.
func listenPings(t *testing.T, db *sql.DB) <-chan string {
	t.Helper()
	m, err := lease.New(context.Background(), db, fast("a", nil))
	if err != nil {
		t.Fatal(err)
	}
	heard := make(chan string, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Listen(ctx, "pings", func(payload string) {
			select {
			case heard <- payload:
			default:
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		m.Close(cctx)
	})
	return heard
}
