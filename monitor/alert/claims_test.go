package alert_test

// Outbox claims shared by replicas: faults found by an adversarial review,
// each a test that failed before its fix.

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/alert"
	"github.com/vitalsgo/vitals/monitor/notify"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// receiver counts the messages that reached the webhook receiver, from
// any replica.
type receiver struct {
	mu   sync.Mutex
	msgs []notify.Message
}

func (r *receiver) add(m notify.Message) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

// gate is one replica's channel to the receiver: Send says it started,
// then waits for the test to let it go on (a slow receiver, or a process
// paused in the send), then fails with err or delivers.
type gate struct {
	rec     *receiver
	entered chan struct{}
	once    sync.Once
	release chan struct{}
	err     error
}

func newGate(rec *receiver, open bool, err error) *gate {
	g := &gate{rec: rec, entered: make(chan struct{}), release: make(chan struct{}), err: err}
	if open {
		close(g.release)
	}
	return g
}

func (g *gate) Name() string { return "ops" }
func (g *gate) Type() string { return "webhook" }
func (g *gate) Send(_ context.Context, m notify.Message) error {
	g.once.Do(func() { close(g.entered) })
	select {
	case <-g.release:
	case <-time.After(time.Minute): // the test's own bound
	}
	if g.err != nil {
		return g.err
	}
	g.rec.add(m)
	return nil
}

func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// replicaEngine is one replica's engine: the same rule, its own channel.
func replicaEngine(ch notify.Channel) *alert.Engine {
	return alert.NewEngine(&alert.Config{
		Rules:    map[string]*alert.Rule{"api": {Notify: []string{"ops"}, AlertAfter: 1, ResolveAfter: 1}},
		Channels: map[string]notify.Channel{"ops": ch}, GroupWait: -1,
	})
}

func pgStore(t *testing.T) store.Store {
	t.Helper()
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	return openStore(t, storetest.FreshPostgres(t))
}

// A dispatcher whose claim lapsed (the process was paused
// after send's deadline check) still records its failed send with Retry,
// which is not conditioned on its claim: it clears the claim of the peer
// that took the rows over and is sending them, so a third claim sends them
// again while that send is in flight. One incident, two messages.
func TestLapsedClaimDoesNotUndoAPeersClaim(t *testing.T) {
	s := pgStore(t)
	ctx := context.Background()
	rec := &receiver{}
	chA := newGate(rec, false, context.DeadlineExceeded) // A: paused in its send; its ctx has expired when it resumes
	chB := newGate(rec, false, nil)                      // B: the peer that took the rows over; its receiver is slow
	chC := newGate(rec, true, nil)                       // C: any dispatcher's next round
	eA := replicaEngine(chA)
	s.SetAlerter(eA)
	feed(t, s, "api", 0, "F") // one incident, one row for "ops"

	opt := &alert.DispatcherOptions{Lease: 6 * time.Second} // send deadline: claim + 1 s
	dA := alert.NewDispatcher(s, eA, opt)
	dB := alert.NewDispatcher(s, replicaEngine(chB), &alert.DispatcherOptions{Lease: time.Minute})
	dC := alert.NewDispatcher(s, replicaEngine(chC), opt)

	now := time.Now()
	dA.Dispatch(ctx, now)
	waitClosed(t, chA.entered, "A's send")
	// Once A's claim (6 s, by the database's clock) has lapsed, B claims
	// the row for a minute and sends.
	for deadline := time.Now().Add(30 * time.Second); ; {
		dB.Dispatch(ctx, time.Now())
		select {
		case <-chB.entered:
		case <-time.After(200 * time.Millisecond):
			if time.Now().After(deadline) {
				t.Fatal("B never claimed the row after A's claim lapsed")
			}
			continue
		}
		break
	}
	// A resumes: its send fails (its deadline passed) and it records the
	// failure.
	close(chA.release)
	dA.Flush()
	// Well within B's claim (until now + 67 s), C's round finds the row.
	dC.Dispatch(ctx, now.Add(15*time.Second))
	dC.Flush()
	close(chB.release)
	dB.Flush()
	if n := rec.count(); n != 1 {
		t.Errorf("the receiver got %d messages for one notification, want 1 (C claimed the row while B's claim held)", n)
	}
	rows, _ := s.Outbox(ctx, "api/1")
	t.Logf("outbox: %+v", rows)
}

// Outbox claims are timed by each replica's wall clock
// (claimed_until = the claimer's now + lease; Claim compares it with the
// caller's now), not the database's now(): a replica whose clock runs
// more than lease − send timeout (5 s) ahead claims rows a peer is still
// sending, within that peer's deadline. The leases are immune to skew;
// the outbox is not.
func TestOutboxClaimsDoNotDependOnReplicaClocks(t *testing.T) {
	s := pgStore(t)
	ctx := context.Background()
	rec := &receiver{}
	chA := newGate(rec, false, nil) // A: sending, within its deadline
	chB := newGate(rec, true, nil)
	eA := replicaEngine(chA)
	s.SetAlerter(eA)
	feed(t, s, "api", 0, "F")
	dA := alert.NewDispatcher(s, eA, nil) // default lease: 15 s, send deadline 10 s
	dB := alert.NewDispatcher(s, replicaEngine(chB), nil)

	dA.Dispatch(ctx, time.Now())
	waitClosed(t, chA.entered, "A's send")
	// B's clock is 16 s ahead of A's: to B, A's claim has ended.
	dB.Dispatch(ctx, time.Now().Add(16*time.Second))
	dB.Flush()
	close(chA.release)
	dA.Flush()
	if n := rec.count(); n != 1 {
		t.Errorf("the receiver got %d messages for one notification, want 1 (B claimed rows A was sending within its deadline)", n)
	}
}
