package monitor_test

import (
	"context"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// outageFor returns how long VITALS_OUTAGE asks the outage to last beyond
// the test's own few seconds; 0 without it.
func outageFor(t *testing.T) time.Duration {
	v := os.Getenv("VITALS_OUTAGE")
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("VITALS_OUTAGE=%q: %v", v, err)
	}
	return d
}

// While PostgreSQL is unreachable the targets go on being probed, the
// monitor's /readyz fails, and once the database answers again every
// result of the outage is written: none is lost.
func TestStoreOutageLosesNothing(t *testing.T) {
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	dsn := storetest.FreshPostgres(t)
	proxy := testproxy.Start(t, testservice.PostgresAddr)
	u, _ := url.Parse(dsn)
	u.Host = proxy.Addr()
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()

	yaml := "storage: \"" + u.String() + "\"\n#%s\nchecks:\n  - {name: port, type: tcp, address: \"" + testservice.ClosedAddr(t) + "\", interval: 20ms}\n"
	r := serve(t, yaml, "")
	var observed atomic.Int64
	var mu sync.Mutex
	var times []int64 // of every result recorded while observed
	remove := r.Targets().Observe(func(st *vitals.CheckState) {
		mu.Lock()
		times = append(times, st.Last.Time.UnixMilli())
		mu.Unlock()
		observed.Add(1)
	})
	defer remove()

	monitortest.Eventually(t, "results before the outage", func() bool { return observed.Load() > 5 })
	proxy.Cut()
	monitortest.PollFor(t, time.Minute, 50*time.Millisecond, "/readyz failing during the outage", func() bool {
		code, _ := get(t, r.url+"/readyz")
		return code == 503
	})
	during := observed.Load()
	monitortest.Eventually(t, "probes going on during the outage", func() bool { return observed.Load() > during+20 })
	if d := outageFor(t); d > 0 {
		// The long run the README's bound is measured with, e.g.
		// VITALS_OUTAGE=10m go test -run TestStoreOutage -timeout 15m.
		t.Logf("holding the outage for %v", d)
		time.Sleep(d)
		if code, _ := get(t, r.url+"/readyz"); code != 503 {
			t.Errorf("/readyz = %d after %v of outage, want 503", code, d)
		}
	}
	proxy.Restore()
	// The writer retries at most 10 s apart, and the readiness check runs
	// every 2 s.
	monitortest.PollFor(t, time.Minute, 50*time.Millisecond, "/readyz passing after the outage", func() bool {
		code, _ := get(t, r.url+"/readyz")
		return code == 200
	})
	remove()
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rs, err := st.Results(context.Background(), "port", time.Now().Add(-time.Hour), time.Now().Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int64]bool{}
	for _, res := range rs {
		stored[res.At.UnixMilli()] = true
	}
	mu.Lock()
	defer mu.Unlock()
	lost := 0
	for _, at := range times {
		if !stored[at] {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of the %d results recorded around the outage are not in the store", lost, len(times))
	} else {
		t.Logf("%d results recorded around the outage, all stored", len(times))
	}
}
