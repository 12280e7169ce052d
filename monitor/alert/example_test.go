package alert_test

import (
	"fmt"
	"time"

	"github.com/vitalsgo/vitals/monitor/alert"
)

// A nightly maintenance window keeps a target's new incidents quiet from
// 03:00 to 03:30 in its time zone.
func ExampleMaintenance() {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	sched, err := alert.ParseCron("0 3 * * *")
	if err != nil {
		panic(err)
	}
	m := alert.Maintenance{Name: "nightly", Matcher: alert.Matcher{Groups: []string{"Databases"}},
		Schedule: sched, Duration: 30 * time.Minute, Location: berlin}
	for _, at := range []string{"2026-12-06T01:59:00Z", "2026-12-06T02:10:00Z", "2026-12-06T02:31:00Z"} {
		t, _ := time.Parse(time.RFC3339, at)
		fmt.Println(at, m.Matches("db", "Databases") && m.Active(t))
	}
	// Output:
	// 2026-12-06T01:59:00Z false
	// 2026-12-06T02:10:00Z true
	// 2026-12-06T02:31:00Z false
}

// The wait before each retry of a failed delivery doubles from the base to
// the limit, give or take 20 %.
func ExampleBackoff() {
	for n := 1; n <= 8; n++ {
		d := alert.Backoff(n, time.Second, time.Minute)
		nominal := min(time.Second<<(n-1), time.Minute)
		fmt.Println(n, nominal, d >= nominal*8/10 && d <= nominal*12/10)
	}
	// Output:
	// 1 1s true
	// 2 2s true
	// 3 4s true
	// 4 8s true
	// 5 16s true
	// 6 32s true
	// 7 1m0s true
	// 8 1m0s true
}
