package lease_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/monitor/lease"
)

func TestThreeReplicasSplitTheShards(t *testing.T) {
	db := openDB(t, freshDSN(t))
	var rs []*replica
	for _, id := range []string{"a", "b", "c"} {
		rs = append(rs, start(t, db, fast(id, nil)))
	}
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
}

func TestJoiningReplicaTakesItsShareGradually(t *testing.T) {
	db := openDB(t, freshDSN(t))
	gave := &records{msg: "lease: gave back a shard"}
	log := slog.New(gave)
	var rs []*replica
	for _, id := range []string{"a", "b", "c"} {
		rs = append(rs, start(t, db, fast(id, log)))
	}
	waitFor(t, 30*time.Second, "split among 3", func() error { return split(rs, 128, 43) })
	if n := len(gave.all()); n != 0 {
		t.Fatalf("%d shards given back before the 4th replica joined", n)
	}

	rs = append(rs, start(t, db, fast("d", log)))
	watchOverlap(t, rs...)
	took := waitFor(t, 60*time.Second, "split among 4", func() error { return split(rs, 128, 32) })
	t.Logf("a 4th replica holds its share of 32 after %v", took)

	// No churn: exactly the 4th replica's share was given back (43+43+42
	// − 3×32), at most one shard per node per round.
	recs := gave.all()
	if len(recs) != 32 {
		t.Errorf("%d shards given back, want 32", len(recs))
	}
	perRound := map[string]int{}
	for _, r := range recs {
		key := fmt.Sprint(r["node"], "/", r["round"])
		perRound[key]++
		if perRound[key] > 1 {
			t.Errorf("node %v gave back %d shards in round %v", r["node"], perRound[key], r["round"])
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
	a, b := start(t, db, slow("a")), start(t, db, slow("b"))
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
	a, b := start(t, db, fast("a", nil)), start(t, db, fast("b", nil))
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
