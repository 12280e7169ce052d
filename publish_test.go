package vitals_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

// Snapshots are published incrementally (only the checks that changed are
// folded into the kept aggregates). Under a random mix of results,
// enabling, disabling, adding and removing, run from several goroutines,
// every group of every snapshot must equal the aggregate computed from
// scratch over the snapshot's own checks.
func TestIncrementalPublishMatchesFullRecount(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	results := []vitals.Result{vitals.Passf("ok"), vitals.Warnf("slow"), vitals.Failf("down")}
	groups := [][]string{{vitals.Readiness}, {vitals.Liveness}, {vitals.Readiness, "db"}, {"cache"}, {vitals.Startup, vitals.Readiness}}
	var mu sync.Mutex // protects rnd
	rnd := rand.New(rand.NewPCG(1, 2))
	pick := func(n int) int { mu.Lock(); defer mu.Unlock(); return rnd.IntN(n) }
	checker := vitals.ResultFunc(func(context.Context) vitals.Result { return results[pick(len(results))] })
	add := func(i int) {
		m.Add(fmt.Sprintf("c%03d", i), checker, vitals.OnDemand(time.Nanosecond), vitals.Critical(i%3 != 0),
			vitals.Groups(groups[i%len(groups)]...), vitals.FailureThreshold(1+i%2))
	}
	const n = 60
	for i := range n {
		add(i)
	}
	if got := m.Snapshot().Len(); got != n {
		t.Fatalf("%d checks registered, want %d", got, n)
	}
	verify := func() {
		s := m.Snapshot()
		for _, g := range append(s.Groups(), "") {
			got, _ := s.Group(g)
			want := s.GroupExcluding(g, []string{"\x00not-a-check"})
			if got != want { // every count too
				t.Errorf("snapshot %d group %q = %+v, recounted %+v", s.Version, g, got, want)
			}
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for range 300 {
			verify()
		}
	})
	for w := range 4 {
		wg.Go(func() {
			for range 300 {
				name := fmt.Sprintf("c%03d", pick(n))
				switch pick(10) {
				case 0:
					m.Disable(name)
				case 1:
					m.Enable(name)
				case 2:
					if w == 0 {
						m.Remove(name)
					}
				case 3:
					if w == 0 {
						var i int
						fmt.Sscanf(name, "c%d", &i)
						add(i)
					}
				default:
					m.Current(context.Background())
				}
			}
		})
	}
	wg.Wait()
	m.RunOnce(context.Background())
	verify()
}
