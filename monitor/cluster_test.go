package monitor_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// probes is a real HTTP target server that records when each path was
// requested, and fails the paths the test sets down.
type probes struct {
	*httptest.Server
	mu   sync.Mutex
	at   map[string][]time.Time
	down map[string]bool
	slow map[string]time.Duration // how long the answer takes
}

func newProbes(t *testing.T) *probes {
	p := &probes{at: map[string][]time.Time{}, down: map[string]bool{}, slow: map[string]time.Duration{}}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		p.mu.Lock()
		p.at[name] = append(p.at[name], time.Now())
		down, slow := p.down[name], p.slow[name]
		p.mu.Unlock()
		time.Sleep(slow)
		if down {
			http.Error(w, "down", http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *probes) set(name string, down bool) {
	p.mu.Lock()
	p.down[name] = down
	p.mu.Unlock()
}

// times returns when name was requested.
func (p *probes) times(name string) []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.at[name])
}

// replicaYAML is a replica of a PostgreSQL store watching n targets on p.
func replicaYAML(dsn, node string, p *probes, n int, interval time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "storage: %q\ncluster: {node: %s, shards: 16, lease_ttl: 3s, renew: 1s}\n", dsn, node)
	b.WriteString("checks:\n  - {name: job, type: push, token: replica-push-token-0001, every: 1m}\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: t%02d, type: http, url: \"%s/t%02d\", interval: %v, timeout: 1s}\n", i, p.URL, i, interval)
	}
	return b.String()
}

// runs returns the targets of names r runs now.
func runs(r *running, names []string) []string {
	var out []string
	for _, n := range names {
		if _, err := r.Targets().State(n); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// twoReplicas starts replica a with n targets probed every interval on a
// fresh PostgreSQL database, then replica b, and waits for them to split
// the targets.
func twoReplicas(t *testing.T, n int, interval time.Duration) (dsn string, p *probes, names []string, a, b *running) {
	t.Helper()
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	dsn = storetest.FreshPostgres(t)
	p = newProbes(t)
	for i := range n {
		names = append(names, fmt.Sprintf("t%02d", i))
	}
	a = serve(t, replicaYAML(dsn, "a", p, n, interval), "")
	logOnFailure(t, a)
	waitFor(t, 20*time.Second, "a runs every target", func() bool { return len(runs(a, names)) == n })
	b = serve(t, replicaYAML(dsn, "b", p, n, interval), "")
	logOnFailure(t, b)
	waitFor(t, 30*time.Second, "a and b split the targets", func() bool {
		ra, rb := runs(a, names), runs(b, names)
		return len(ra) > 0 && len(rb) > 0 && len(ra)+len(rb) == n
	})
	return dsn, p, names, a, b
}

// A replica that stops waits for its runs in flight and writes their
// results, and writes nothing of the runs that fell due meanwhile: those
// start nothing (the shards are being given back) and are no result of the
// target's (found by review: each was stored as a failure, "not run").
func TestReplicaStopWritesOnlyProbes(t *testing.T) {
	const n, interval = 24, 500 * time.Millisecond
	_, p, names, a, b := twoReplicas(t, n, interval)
	slow := runs(a, names)[0]
	// An interval: the stop waits for the probe while every other
	// target of a falls due once, and the probe stays within its 1 s
	// timeout however slow the machine.
	const slowFor = interval
	p.mu.Lock()
	p.slow[slow] = slowFor
	p.mu.Unlock()
	set := time.Now()
	// Stop a while a slow probe is in flight.
	var probed time.Time
	waitFor(t, 10*time.Second, "a slow probe in flight", func() bool {
		ts := p.times(slow)
		probed = ts[len(ts)-1]
		return probed.After(set) && time.Since(probed) < slowFor/3
	})
	if err := a.stop(); err != nil {
		t.Fatal(err)
	}
	st := b.Board().Store()
	rs, err := st.Results(t.Context(), slow, probed.Add(-time.Second), probed.Add(2*time.Second), 0)
	if err != nil || !slices.ContainsFunc(rs, func(r store.Result) bool { return r.Epoch > 0 && r.Latency >= slowFor }) {
		t.Errorf("the probe of %s in flight at the stop (%s) was not written: %v, %v", slow, probed.Format("15:04:05.000"), rs, err)
	}
	for _, name := range names {
		rs, err := st.Results(t.Context(), name, time.Now().Add(-time.Hour), time.Now().Add(time.Minute), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Status != vitals.StatusPass {
				t.Errorf("%s: %v stored at %s (epoch %d): %q", name, r.Status, r.At.Format("15:04:05.000"), r.Epoch, r.Message)
			}
		}
	}
}

// Two replicas of one PostgreSQL store split the targets, each runs its
// own, each shows the other's on its page, and when one stops the other
// takes its targets over at once, at their cadence: no target is probed
// by both, nor twice in an interval at the handover.
func TestReplicasShareTargets(t *testing.T) {
	const n, interval = 24, 500 * time.Millisecond
	dsn, p, names, a, b := twoReplicas(t, n, interval)
	ra, rb := runs(a, names), runs(b, names)
	for _, name := range ra {
		if slices.Contains(rb, name) {
			t.Errorf("%s runs on both replicas", name)
		}
	}
	t.Logf("a runs %d targets, b %d", len(ra), len(rb))

	// b's page shows a target that a runs as a does.
	mine := ra[0]
	p.set(mine, true)
	waitFor(t, 20*time.Second, "b shows a's failing target", func() bool { return status(b, mine) == vitals.StatusFail })
	p.set(mine, false)
	waitFor(t, 20*time.Second, "b shows a's target passing again", func() bool { return status(b, mine) == vitals.StatusPass })

	// Their files differ only in the node's name: one configuration. A
	// reload that adds a target to b's makes both pages warn.
	time.Sleep(time.Second)
	if banner := a.Board().Banner(); banner != "" {
		t.Errorf("a's banner with one configuration: %q", banner)
	}
	writeFile(t, b.file, replicaYAML(dsn, "b", p, n+1, interval))
	if err := b.ReloadFile(b.file); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*running{a, b} {
		waitFor(t, 30*time.Second, "a banner about different configurations", func() bool {
			return strings.Contains(r.Board().Banner(), "different configurations")
		})
	}
	t.Logf("banner: %s", a.Board().Banner())
	writeFile(t, b.file, replicaYAML(dsn, "b", p, n, interval))
	if err := b.ReloadFile(b.file); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the banner gone once the files agree", func() bool { return a.Board().Banner() == "" })

	// A push reaches the replica that runs its target, whichever took it.
	other := a
	if _, err := a.Targets().State("job"); err == nil {
		other = b
	}
	if code, body := post(t, other.url+"/api/v1/push/replica-push-token-0001?msg=nightly+backup+done"); code != http.StatusOK {
		t.Fatalf("push = %d %s", code, body)
	}
	waitFor(t, 20*time.Second, "the owner of the push target reports the push", func() bool {
		for _, r := range []*running{a, b} {
			if st, err := r.Targets().State("job"); err == nil {
				return strings.Contains(st.Last.Message, "nightly backup done")
			}
		}
		return false
	})

	// a stops: b takes its targets over well within a lease TTL (a gives
	// them back and notifies), each at its next due time.
	stopped := time.Now()
	if err := a.stop(); err != nil {
		t.Fatal(err)
	}
	took := waitForTime(t, 20*time.Second, "b runs every target", func() bool { return len(runs(b, names)) == n })
	t.Logf("b ran all %d targets %v after a began to stop", n, took.Sub(stopped).Round(time.Millisecond))
	time.Sleep(3 * interval)

	// No target was probed twice within half an interval (the scheduler's
	// jitter is none here), at the handover or ever.
	for _, name := range names {
		ts := p.times(name)
		for i := 1; i < len(ts); i++ {
			if gap := ts[i].Sub(ts[i-1]); gap < interval/2 {
				t.Errorf("%s probed twice %v apart at %v (a stopped at %v)", name, gap.Round(time.Millisecond),
					ts[i].Format("15:04:05.000"), stopped.Format("15:04:05.000"))
				// Which replica's results the store has around it: a
				// probe missing there was lost at the handover.
				rs, _ := b.Board().Store().Results(t.Context(), name, ts[i-1].Add(-2*time.Second), ts[i].Add(2*time.Second), 0)
				for _, r := range rs {
					t.Logf("%s: stored a result at %s, epoch %d", name, r.At.Format("15:04:05.000"), r.Epoch)
				}
			}
		}
	}
	// Every stored result was written under a lease.
	for _, name := range names {
		rs, err := b.Board().Store().Results(t.Context(), name, time.Now().Add(-time.Hour), time.Now().Add(time.Minute), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			t.Errorf("%s: no results stored", name)
		}
		for _, r := range rs {
			if r.Epoch <= 0 {
				t.Fatalf("%s: a result stored at epoch %d", name, r.Epoch)
			}
		}
	}
}

// waitForTime is waitFor that returns when cond first held.
func waitForTime(t *testing.T, d time.Duration, what string, cond func() bool) time.Time {
	t.Helper()
	waitFor(t, d, what, cond)
	return time.Now()
}
