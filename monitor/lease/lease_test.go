package lease_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/monitor/lease"
)

func TestThreeReplicasSplitTheShards(t *testing.T) {
	db := openDB(t, freshDSN(t))
	rs := startAll(t, []*sql.DB{db}, fast("a", nil), fast("b", nil), fast("c", nil))
	watchOverlap(t, rs...)
	took := waitFor(t, 30*time.Second, "split", func() error { return split(rs, 128, 43) })
	t.Logf("3 replicas hold all 128 shards, none twice, after %v", took)

	// The database agrees with what each replica trusts.
	rows, err := db.Query(`SELECT shard, owner, epoch FROM vitals_shards`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byID := map[string]*replica{}
	for _, r := range rs {
		byID[r.NodeID()] = r
	}
	for rows.Next() {
		var s int
		var owner string
		var epoch int64
		if err := rows.Scan(&s, &owner, &epoch); err != nil {
			t.Fatal(err)
		}
		if e, ok := byID[owner].Owned()[s]; !ok || e != epoch {
			t.Errorf("shard %d: the database says %s at epoch %d; %s trusts %d, %v", s, owner, epoch, owner, e, ok)
		}
	}

	// Every target is owned by exactly one replica.
	for i := range 1000 {
		target := fmt.Sprintf("target-%d", i)
		n := 0
		for _, r := range rs {
			if _, ok := r.Owns(target); ok {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%s is owned by %d replicas", target, n)
		}
	}

	nodes, err := rs[0].Nodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range nodes {
		got = append(got, n.ID+"="+n.ConfigHash)
	}
	if fmt.Sprint(got) != "[a=hash-a b=hash-b c=hash-c]" {
		t.Errorf("Nodes = %v", got)
	}

	// A reload's new hash shows from the next heartbeat.
	rs[1].SetConfigHash("hash-new")
	waitFor(t, 30*time.Second, "showing b's new hash", func() error {
		nodes, err := rs[0].Nodes(context.Background())
		if err != nil {
			return err
		}
		for _, n := range nodes {
			if n.ID == "b" && n.ConfigHash != "hash-new" {
				return fmt.Errorf("b's hash is %q", n.ConfigHash)
			}
		}
		return nil
	})
}

func TestJoiningReplicaTakesItsShareWithoutChurn(t *testing.T) {
	db := openDB(t, freshDSN(t))
	gave := &records{msg: "lease: gave back shards"}
	log := slog.New(gave)
	rs := startAll(t, []*sql.DB{db}, fast("a", log), fast("b", log), fast("c", log))
	waitFor(t, 30*time.Second, "split among 3", func() error { return split(rs, 128, 43) })
	if n := len(gave.all()); n != 0 {
		t.Fatalf("%d give-backs before the 4th replica joined", n)
	}

	rs = append(rs, start(t, db, fast("d", log)))
	watchOverlap(t, rs...)
	took := waitFor(t, 60*time.Second, "split among 4", func() error { return split(rs, 128, 32) })
	t.Logf("a 4th replica holds its share of 32 after %v", took)

	// No churn: exactly the 4th replica's share was given back (43+43+42
	// − 3×32), each node's excess in one round.
	recs := gave.all()
	total, per := 0, map[string]int{}
	for _, r := range recs {
		n, _ := r["shards"].(int64)
		total += int(n)
		per[fmt.Sprint(r["node"])]++
	}
	if total != 32 {
		t.Errorf("%d shards given back, want 32 (%v)", total, recs)
	}
	for node, n := range per {
		if n > 1 {
			t.Errorf("node %s gave back shards in %d rounds, want 1", node, n)
		}
	}
}

func TestCloseHandsShardsOverAtOnce(t *testing.T) {
	db := openDB(t, freshDSN(t))
	acquired := &records{msg: "lease: acquired shards"}
	// Long periods: only the NOTIFY of Close can make b acquire soon.
	slow := func(id string) *lease.Options {
		return &lease.Options{NodeID: id, TTL: 60 * time.Second, Renew: 20 * time.Second, Logger: slog.New(acquired)}
	}
	rs := startAll(t, []*sql.DB{db}, slow("a"), slow("b"))
	a, b := rs[0], rs[1]
	watchOverlap(t, a, b)
	waitFor(t, 30*time.Second, "split", func() error { return split([]*replica{a, b}, 128, 64) })
	before := len(acquired.all())

	begin := time.Now()
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(a.Owned()); n != 0 {
		t.Errorf("a still trusts %d shards after Close", n)
	}
	waitFor(t, 30*time.Second, "taken over by b", func() error { return split([]*replica{b}, 128, 128) })
	t.Logf("b holds all 128 shards %v after a's Close began", time.Since(begin))

	recs := acquired.all()[before:]
	if len(recs) == 0 || recs[0]["node"] != "b" || recs[0]["woken"] != true {
		t.Errorf("b's takeover was not a round woken by NOTIFY: %v", recs)
	}
	nodes, err := b.Nodes(context.Background())
	if err != nil || len(nodes) != 1 || nodes[0].ID != "b" {
		t.Errorf("Nodes after a's Close = %v, %v", nodes, err)
	}
}

func TestStoppedReplicaLosesTrustThenItsShards(t *testing.T) {
	db := openDB(t, freshDSN(t))
	rs := startAll(t, []*sql.DB{db}, fast("a", nil), fast("b", nil))
	a, b := rs[0], rs[1]
	watchOverlap(t, a, b)
	waitFor(t, 30*time.Second, "split", func() error { return split([]*replica{a, b}, 128, 64) })

	old := a.Owned()
	var shard int
	for s := range old {
		shard = s
		break
	}
	a.stopRun(t)
	stopped := time.Now()
	lost := waitFor(t, 10*time.Second, "untrusted by a", func() error {
		if n := len(a.Owned()); n > 0 {
			return fmt.Errorf("a trusts %d shards", n)
		}
		return nil
	})
	t.Logf("a, renewing no more, stopped trusting its shards %v after its Run stopped (trust window: TTL 1.5 s − margin 0.5 s)", lost)

	waitFor(t, 30*time.Second, "taken over by b", func() error { return split([]*replica{b}, 128, 128) })
	t.Logf("b holds all 128 shards %v after a stopped (TTL 1.5 s)", time.Since(stopped))
	for s, e := range old {
		if ne := b.Owned()[s]; ne <= e {
			t.Errorf("shard %d: b's epoch %d is not above a's %d", s, ne, e)
		}
	}

	// a's writes with its old lease are fenced; b's pass.
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = a.Fence(ctx, tx, lease.Lease{Shard: shard, Epoch: old[shard]})
	tx.Rollback()
	if !errors.Is(err, lease.ErrFenced) {
		t.Errorf("a's fence after the takeover = %v, want ErrFenced", err)
	}
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := b.Fence(ctx, tx, lease.Lease{Shard: shard, Epoch: b.Owned()[shard]}); err != nil {
		t.Errorf("b's fence with its current lease: %v", err)
	}
	if err := b.Fence(ctx, tx, lease.Lease{Shard: shard, Epoch: old[shard]}); !errors.Is(err, lease.ErrFenced) {
		t.Errorf("b's fence with a's old epoch = %v, want ErrFenced", err)
	}
}

func TestPartitionedReplicaStopsTrustingBeforeAPeerTakesOver(t *testing.T) {
	dsn := freshDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.addr()
	// a reaches the database only through the proxy.
	rs := startAll(t, []*sql.DB{openDB(t, u.String()), openDB(t, dsn)}, fast("a", nil), fast("b", nil))
	a, b := rs[0], rs[1]
	watchOverlap(t, a, b)
	waitFor(t, 30*time.Second, "split", func() error { return split([]*replica{a, b}, 128, 64) })
	old := a.Owned()
	select {
	case <-a.Changes():
	default:
	}

	p.cut.Store(true)
	cut := time.Now()
	lost := waitFor(t, 10*time.Second, "untrusted by a", func() error {
		if n := len(a.Owned()); n > 0 {
			return fmt.Errorf("a trusts %d shards", n)
		}
		return nil
	})
	select {
	case <-a.Changes():
	case <-time.After(10 * time.Second):
		t.Error("a's trust ran out and Changes had nothing")
	}
	t.Logf("a, cut from the database, stopped trusting its shards %v after the cut (trust window: 1 s after the last renewal)", lost)
	waitFor(t, 30*time.Second, "taken over by b", func() error { return split([]*replica{b}, 128, 128) })
	t.Logf("b holds all 128 shards %v after the cut (TTL 1.5 s)", time.Since(cut))
	for s, e := range old {
		if ne := b.Owned()[s]; ne <= e {
			t.Errorf("shard %d: b's epoch %d is not above a's %d", s, ne, e)
		}
	}
	select {
	case err := <-a.done:
		t.Fatalf("a's Run returned while cut: %v", err)
	default:
	}

	// Mended, a counts again: b gives its excess back, and a
	// takes them with new epochs.
	p.cut.Store(false)
	mended := time.Now()
	waitFor(t, 30*time.Second, "a holding shards again", func() error {
		if len(a.Owned()) < 2 {
			return fmt.Errorf("a holds %d", len(a.Owned()))
		}
		return nil
	})
	t.Logf("a holds 2 shards again %v after the partition ended", time.Since(mended))
	for s, e := range a.Owned() {
		if e <= old[s] {
			t.Errorf("shard %d: a holds it again at epoch %d, not above its old %d", s, e, old[s])
		}
	}
}
