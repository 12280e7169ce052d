package monitor_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// toggles is a real HTTP target server whose paths answer 200 or 503 as
// the test says; every path is up until set down.
type toggles struct {
	*httptest.Server
	mu   sync.Mutex
	down map[string]bool // by path; "*" for every path
}

func newToggles(t *testing.T) *toggles {
	tg := &toggles{down: map[string]bool{}}
	tg.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tg.mu.Lock()
		down := tg.down[r.URL.Path] || tg.down["*"]
		tg.mu.Unlock()
		if down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(tg.Close)
	return tg
}

func (tg *toggles) set(path string, down bool) {
	tg.mu.Lock()
	tg.down[path] = down
	tg.mu.Unlock()
}

// alertYAML is a monitor of targets on tg with one webhook channel.
func alertYAML(hook *monitortest.Webhook, extra string, checks ...string) string {
	return "storage: %s\nalerting: {group_wait: 300ms}\nnotify:\n  - {name: ops, type: webhook, url: \"" + hook.URL() + "\", secret: hook-secret-123}\n" +
		extra + "checks:\n" + strings.Join(checks, "")
}

func httpTarget(tg *toggles, name, fields string) string {
	return fmt.Sprintf("  - {name: %s, type: http, url: \"%s/%s\", interval: 100ms, timeout: 1s%s}\n", name, tg.URL, name, fields)
}

// slowTarget is httpTarget at a 5 s interval, for tests of many targets
// (which the race detector slows a lot).
func slowTarget(tg *toggles, name, fields string) string {
	t := strings.Replace(httpTarget(tg, name, fields), "interval: 100ms", "interval: 5s", 1)
	return strings.Replace(t, "timeout: 1s", "timeout: 4s", 1)
}

// waitFor polls cond every 50 ms for at most d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A flapping target with alert_after 3 notifies once per incident, with
// reminders at their interval and one resolve, each delivery signed and
// processed once.
func TestAlertFlappingOncePerIncident(t *testing.T) {
	tg := newToggles(t)
	hook := monitortest.NewWebhook(t, "hook-secret-123")
	r := serve(t, alertYAML(hook, "", httpTarget(tg, "api", ", notify: [ops], alert_after: 3, remind_every: 1m")), "")
	_ = r
	// Flaps: down for 2 runs (no incident), up, down for good.
	for range 3 {
		tg.set("/api", true)
		time.Sleep(150 * time.Millisecond) // one or two failures: below alert_after
		tg.set("/api", false)
		time.Sleep(300 * time.Millisecond)
	}
	if got := hook.Alerts(); len(got) != 0 {
		t.Fatalf("alerts below alert_after: %v", got)
	}
	tg.set("/api", true)
	waitFor(t, 10*time.Second, "no firing alert", func() bool { return len(hook.Alerts()) == 1 })
	time.Sleep(time.Second) // more failures: no second alert
	tg.set("/api", false)
	waitFor(t, 10*time.Second, "no resolve", func() bool { return len(hook.Alerts()) == 2 })
	if got := hook.Alerts(); !slices.Equal(got, []string{"firing api", "resolved api"}) {
		t.Fatalf("alerts = %v", got)
	}
	d := hook.Processed()
	if d[0].Alerts[0].Incident != d[1].Alerts[0].Incident || d[0].Key == d[1].Key || d[0].Alerts[0].Severity != "critical" {
		t.Fatalf("deliveries %+v", d)
	}
	if n := hook.Requests(); n != 2 {
		t.Errorf("%d requests for 2 messages", n)
	}
}

// receiverDown is how long TestAlertReceiverDown keeps the receiver down:
// VITALS_RECEIVER_DOWN (e.g. 2m, as the closing note reports), default 3s.
func receiverDown(t *testing.T) time.Duration {
	if v := os.Getenv("VITALS_RECEIVER_DOWN"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("VITALS_RECEIVER_DOWN=%q: %v", v, err)
		}
		return d
	}
	return 3 * time.Second
}

// A receiver that is down when the incident opens gets the alert once it
// is back, once.
func TestAlertReceiverDown(t *testing.T) {
	down := receiverDown(t)
	tg := newToggles(t)
	hook := monitortest.NewWebhook(t, "hook-secret-123")
	hook.Down()
	r := serve(t, alertYAML(hook, "", httpTarget(tg, "api", ", notify: [ops], alert_after: 1")), "")
	tg.set("/api", true)
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(r.logs.String())
		}
	})
	waitFor(t, 10*time.Second, "no failed delivery logged", func() bool { return strings.Contains(r.logs.String(), "delivery failed; will retry") })
	time.Sleep(down)
	hook.Up()
	back := time.Now()
	waitFor(t, 2*time.Minute, "the alert was not delivered after the receiver came back", func() bool { return len(hook.Processed()) == 1 })
	t.Logf("receiver down %v: delivered %v after it came back", down, time.Since(back).Round(time.Millisecond))
	time.Sleep(time.Second)
	if got := hook.Alerts(); !slices.Equal(got, []string{"firing api"}) {
		t.Fatalf("alerts = %v", got)
	}
	if st := r.Server.Board(); st == nil {
		t.Fatal("no board")
	}
	_, metrics := get(t, r.url+"/metrics")
	if !strings.Contains(metrics, `vitals_monitor_notifications_total{channel="ops",result="sent"} 1`) ||
		!strings.Contains(metrics, `vitals_monitor_notifications_total{channel="ops",result="failed"}`) {
		t.Errorf("metrics lack the deliveries:\n%s", grepLines(metrics, "vitals_monitor_notifications"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// A shared dependency down: one alert for it, none for the 500 targets
// that depend on it (shown as suppressed); without depends_on, the 500
// go out as one grouped message.
func TestAlertSharedDependency(t *testing.T) {
	for _, withDeps := range []bool{true, false} {
		t.Run(fmt.Sprintf("depends_on=%v", withDeps), func(t *testing.T) {
			tg := newToggles(t)
			hook := monitortest.NewWebhook(t, "hook-secret-123")
			targets := []string{slowTarget(tg, "db", ", alert_after: 1")}
			fields := ", alert_after: 1"
			if withDeps {
				fields += ", depends_on: [db]"
			}
			for i := range 500 {
				targets = append(targets, slowTarget(tg, fmt.Sprintf("svc-%03d", i), fields))
			}
			// PostgreSQL: 500 failing targets a second are more than the
			// race detector lets the pure-Go SQLite keep up with.
			testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
			yaml := alertYAML(hook, "pages: {groups: [{name: all, targets: [\"*\"], notify: [ops]}]}\n", targets...)
			yaml = strings.Replace(yaml, "storage: %s", "storage: "+storetest.FreshPostgres(t), 1)
			// Longer than the interval: every target has failed by the
			// time the first alert's group wait ends.
			yaml = strings.Replace(yaml, "group_wait: 300ms", "group_wait: 8s", 1)
			r := serve(t, yaml, "")
			t.Cleanup(func() {
				if t.Failed() {
					t.Log(r.logs.String())
					_, m := get(t, r.url+"/metrics")
					t.Log(grepLines(m, "vitals_monitor_"))
					t.Logf("%d alerts at the receiver, %d requests", len(hook.Alerts()), hook.Requests())
					for _, d := range hook.Processed() {
						for _, a := range d.Alerts[:min(len(d.Alerts), 5)] {
							t.Logf("%s %s %s at %s since %s: %s", a.Kind, a.Target, a.Incident, a.At.Format("15:04:05.000"), a.Since.Format("15:04:05.000"), a.Message)
						}
					}
				}
			})
			waitFor(t, time.Minute, "not every target passes", func() bool {
				for _, st := range r.Server.Board().States() {
					if st.Status != vitals.StatusPass {
						return false
					}
				}
				return true
			})
			if got := hook.Alerts(); len(got) != 0 {
				t.Fatalf("alerts before the outage: %v", got[:min(len(got), 5)])
			}
			tg.set("*", true)
			if withDeps {
				waitFor(t, time.Minute, "no alert for db", func() bool { return len(hook.Alerts()) >= 1 })
				waitFor(t, time.Minute, "the dependents are not all suppressed", func() bool {
					_, body := get(t, r.url+"/api/v1/alerts")
					return strings.Count(body, `"suppressed": "depends_on db"`) == 500
				})
				time.Sleep(2 * time.Second)
				if got := hook.Alerts(); !slices.Equal(got, []string{"firing db"}) {
					t.Fatalf("%d alerts at the receiver, want only db's: %v", len(got), got[:min(len(got), 5)])
				}
				return
			}
			waitFor(t, time.Minute, "not every alert arrived", func() bool { return len(hook.Alerts()) == 501 })
			time.Sleep(2 * time.Second)
			msgs := hook.Processed()
			// One message when the store keeps up; under the race detector on
			// a loaded machine it can fall behind by more than the group wait,
			// and a straggler goes in a second message.
			if len(msgs) > 3 || len(hook.Alerts()) != 501 {
				t.Fatalf("%d messages carrying %d alerts, want the 501 grouped in one (at most 3 under load)", len(msgs), len(hook.Alerts()))
			}
			t.Logf("501 alerts in %d messages", len(msgs))
		})
	}
}

// A receiver that refuses a notification for good (400) dead-letters it at
// once: counted, listed in the API and shown in the page's banner.
func TestAlertDeadLetter(t *testing.T) {
	tg := newToggles(t)
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such hook", http.StatusBadRequest)
	}))
	t.Cleanup(refuse.Close)
	yaml := "storage: %s\nalerting: {group_wait: 0s}\nauth: {public_details: true}\nnotify:\n  - {name: gone, type: webhook, url: \"" + refuse.URL + "/hook\"}\n" +
		"checks:\n" + httpTarget(tg, "api", ", notify: [gone], alert_after: 1")
	r := serve(t, yaml, "")
	tg.set("/api", true)
	waitFor(t, 30*time.Second, "the dead letter in the page's banner", func() bool {
		_, page := get(t, r.url+"/")
		return strings.Contains(page, "1 notifications could not be delivered (dead-lettered)")
	})
	_, body := get(t, r.url+"/api/v1/alerts")
	if !strings.Contains(body, `"dedup_key": "api/1:gone:firing"`) || !strings.Contains(body, `"dead": 1`) || !strings.Contains(body, "400") {
		t.Errorf("GET /api/v1/alerts: %s", body)
	}
	_, metrics := get(t, r.url+"/metrics")
	if !strings.Contains(metrics, `vitals_monitor_notifications_total{channel="gone",result="dead"} 1`) {
		t.Errorf("metrics: %s", grepLines(metrics, "vitals_monitor_notifications"))
	}
	if !strings.Contains(r.logs.String(), "notification dead-lettered") {
		t.Error("the log does not say the notification was dead-lettered")
	}
}
