package monitor_test

// End-to-end tests of alerting against real receivers: a `vitals serve`
// in process, watching a real HTTP target (toggles), notifies an
// Alertmanager or a mailpit that the test starts (internal/testservice),
// and the test reads back through the receiver's own API what arrived.

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor"
	"github.com/vitalsgo/vitals/monitor/alert"
)

// receiverWait bounds every wait for a receiver: generous, since the race
// detector slows the monitor a lot; it only stops a hung test.
const receiverWait = time.Minute

// monitorAlerts is the monitor's GET /api/v1/alerts.
type monitorAlerts struct {
	Firing []struct {
		Target, State, Incident, Suppressed string
	}
	Outbox map[string]int
}

func alertsOf(t *testing.T, r *running) monitorAlerts {
	t.Helper()
	code, body := get(t, r.url+"/api/v1/alerts")
	var a monitorAlerts
	if err := json.Unmarshal([]byte(body), &a); code != 200 || err != nil {
		t.Fatalf("GET /api/v1/alerts: %d %v: %s", code, err, body)
	}
	return a
}

// incidentOf waits for the target's alert to fire in the monitor and
// returns its incident.
func incidentOf(t *testing.T, r *running, target string) string {
	t.Helper()
	var incident string
	waitFor(t, receiverWait, target+" firing in the monitor", func() bool {
		for _, f := range alertsOf(t, r).Firing {
			if f.Target == target {
				incident = f.Incident
			}
		}
		return incident != ""
	})
	return incident
}

// logOnFailure logs the server's log if the test fails.
func logOnFailure(t *testing.T, r *running) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(r.logs.String())
		}
	})
}

// amYAML is a monitor of api on tg, in the page group backend, notifying
// the Alertmanager at url.
func amYAML(tg *toggles, url string) string {
	return "storage: %s\nalerting: {group_wait: 300ms}\n" +
		"notify:\n  - {name: am, type: alertmanager, url: \"" + url + "\"}\n" +
		"pages: {groups: [{name: backend, targets: [api]}]}\n" +
		"checks:\n" + httpTarget(tg, "api", ", notify: [am], alert_after: 1, severity: warning")
}

// A target that goes down is an active alert in Alertmanager, with the
// labels that route it; when it is back, Alertmanager resolves it.
func TestAlertmanagerReceivesIncident(t *testing.T) {
	am := testservice.StartAlertmanager(t, nil)
	tg := newToggles(t)
	r := serve(t, amYAML(tg, am.URL), "")
	logOnFailure(t, r)
	waitPassing(t, r, "api")

	tg.set("/api", true)
	incident := incidentOf(t, r, "api")
	var active testservice.AlertmanagerAlert
	waitFor(t, receiverWait, "api active in Alertmanager", func() bool {
		active = am.Alerts(t)["api"]
		return active.Active()
	})
	want := map[string]string{"alertname": "VitalsTargetDown", "target": "api", "group": "backend", "severity": "warning", "incident": incident}
	if fmt.Sprint(active.Labels) != fmt.Sprint(want) {
		t.Errorf("labels %v, want %v", active.Labels, want)
	}
	if active.Annotations["summary"] != "api is failing" || !strings.Contains(active.Annotations["description"], "503") {
		t.Errorf("annotations %v: want the summary and the check's 503", active.Annotations)
	}
	am.WaitNotified(t, "api", "firing")

	tg.set("/api", false)
	resolved := am.WaitNotified(t, "api", "resolved")
	if resolved.Fingerprint != active.Fingerprint || resolved.Labels["incident"] != incident {
		t.Errorf("resolved %s of incident %s, want the firing alert %s of %s",
			resolved.Fingerprint, resolved.Labels["incident"], active.Fingerprint, incident)
	}
	// The API lists only alerts whose endsAt has not passed: the resolve
	// ended it, long before its resolve_timeout (5m).
	waitFor(t, receiverWait, "api gone from Alertmanager's active alerts", func() bool {
		_, listed := am.Alerts(t)["api"]
		return !listed
	})
}

// Alertmanager ends an alert it has not heard of for its resolve_timeout;
// the monitor's refresh keeps a long incident active there. Without the
// refresh (the control), the same incident ends in Alertmanager while the
// monitor still has it firing.
func TestAlertmanagerRefreshKeepsIncidentActive(t *testing.T) {
	const resolveTimeout = 3 * time.Second
	tests := []struct {
		name    string
		refresh time.Duration
		active  bool
	}{
		{name: "refresh", refresh: 250 * time.Millisecond, active: true},
		{name: "no refresh", refresh: time.Hour, active: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			am := testservice.StartAlertmanager(t, &testservice.AlertmanagerOptions{ResolveTimeout: resolveTimeout})
			tg := newToggles(t)
			r := serveWith(t, amYAML(tg, am.URL), "", func(o *monitor.Options) {
				o.Dispatch = &alert.DispatcherOptions{Every: 250 * time.Millisecond, RefreshEvery: tt.refresh}
			})
			logOnFailure(t, r)
			waitPassing(t, r, "api")
			tg.set("/api", true)
			incidentOf(t, r, "api")
			var first testservice.AlertmanagerAlert
			waitFor(t, receiverWait, "api active in Alertmanager", func() bool {
				first = am.Alerts(t)["api"]
				return first.Active()
			})

			if !tt.active {
				am.WaitNotified(t, "api", "resolved")
				if _, listed := am.Alerts(t)["api"]; listed {
					t.Error("Alertmanager still lists api after notifying its resolve")
				}
				if len(alertsOf(t, r).Firing) != 1 {
					t.Error("the monitor's incident closed: the control proves nothing")
				}
				return
			}
			// Several resolve_timeouts: without a post in each, it ends.
			time.Sleep(4 * resolveTimeout)
			now := am.Alerts(t)["api"]
			if !now.Active() || now.Fingerprint != first.Fingerprint || !now.EndsAt.After(first.EndsAt) {
				t.Errorf("after %v: %+v; want the same alert (%s) active, its endsAt moved on from %v",
					4*resolveTimeout, now, first.Fingerprint, first.EndsAt)
			}
			for _, n := range am.Notifications() {
				if n.Status == "resolved" {
					t.Errorf("Alertmanager notified a resolve of a firing incident: %+v", n)
				}
			}
		})
	}
}

// waitPassing waits for the target to pass, so that an alert after it is
// the outage's.
func waitPassing(t *testing.T, r *running, target string) {
	t.Helper()
	waitFor(t, receiverWait, target+" passing", func() bool { return status(r, target) == vitals.StatusPass })
}

// An email channel over STARTTLS with a login: the incident's mail and its
// resolve arrive, addressed and naming the target.
func TestEmailReceivesIncident(t *testing.T) {
	const user, password = "vitals", "e2e-Pa55-word"
	cert := testservice.NewCert(t, "vitals e2e CA")
	mp := testservice.StartMailpit(t, &testservice.MailpitOptions{TLS: "starttls", Cert: cert, User: user, Password: password})
	host, port, _ := net.SplitHostPort(mp.SMTPAddr)
	tg := newToggles(t)
	yaml := "storage: %s\nalerting: {group_wait: 300ms}\nnotify:\n" +
		fmt.Sprintf("  - {name: mail, type: email, host: %q, port: %s, username: %s, password: %s, tls: starttls, ca_file: %q,\n", host, port, user, password, cert.CAFile) +
		"     from: \"Vitals <vitals@example.com>\", to: [oncall@example.com, \"Team Lead <lead@example.org>\"]}\n" +
		"checks:\n" + httpTarget(tg, "api", ", notify: [mail], alert_after: 1")
	r := serve(t, yaml, "")
	logOnFailure(t, r)
	waitPassing(t, r, "api")

	tg.set("/api", true)
	incident := incidentOf(t, r, "api")
	firing := mp.WaitMessages(t, 1)[0]
	tg.set("/api", false)
	resolved := mp.WaitMessages(t, 2)[1]

	if want := "[FIRING] 1 target: api"; firing.Subject != want {
		t.Errorf("firing subject %q, want %q", firing.Subject, want)
	}
	if want := "[RESOLVED] 1 target: api"; resolved.Subject != want {
		t.Errorf("resolved subject %q, want %q", resolved.Subject, want)
	}
	for _, m := range []testservice.Mail{firing, resolved} {
		var to []string
		for _, a := range m.To {
			to = append(to, a.Address)
		}
		if strings.Join(to, ",") != "oncall@example.com,lead@example.org" || m.From.Address != "vitals@example.com" {
			t.Errorf("%s: from %v to %v", m.Subject, m.From, to)
		}
		if m.Username != user {
			t.Errorf("%s: mailpit saw login %q, want %q", m.Subject, m.Username, user)
		}
	}
	for _, want := range []string{"[FIRING] api", "incident: " + incident, "503"} {
		if !strings.Contains(firing.Text, want) {
			t.Errorf("firing body lacks %q:\n%s", want, firing.Text)
		}
	}
	for _, want := range []string{"[RESOLVED] api", "incident: " + incident, "down for:"} {
		if !strings.Contains(resolved.Text, want) {
			t.Errorf("resolved body lacks %q:\n%s", want, resolved.Text)
		}
	}
	if strings.Contains(r.logs.String(), "channel unreachable") {
		t.Errorf("the startup check called a reachable mailpit unreachable:\n%s", grepLines(r.logs.String(), "unreachable"))
	}
}

// An email channel whose server is down at startup: the monitor starts
// and serves, says so in one line naming the channel, and keeps the
// incident's notification in the outbox.
func TestEmailUnreachableAtStartup(t *testing.T) {
	host, port, _ := net.SplitHostPort(testservice.ClosedAddr(t))
	tg := newToggles(t)
	yaml := "storage: %s\nalerting: {group_wait: 300ms}\nnotify:\n" +
		fmt.Sprintf("  - {name: mail, type: email, host: %q, port: %s, tls: none, from: vitals@example.com, to: [oncall@example.com]}\n", host, port) +
		"checks:\n" + httpTarget(tg, "api", ", notify: [mail], alert_after: 1")
	r := serve(t, yaml, "")
	logOnFailure(t, r)

	waitFor(t, receiverWait, "a log line saying the channel is unreachable", func() bool {
		return strings.Contains(r.logs.String(), "channel unreachable")
	})
	lines := grepLines(r.logs.String(), "channel unreachable")
	if strings.Count(lines, "\n") != 0 || !strings.Contains(lines, "channel=mail") || !strings.Contains(lines, port) {
		t.Errorf("want one line naming the channel and its port, got:\n%s", lines)
	}
	waitPassing(t, r, "api")

	tg.set("/api", true)
	incidentOf(t, r, "api")
	// The outbox counts are refreshed every 10s.
	waitFor(t, receiverWait, "the notification pending in the outbox", func() bool {
		return alertsOf(t, r).Outbox["pending"] > 0
	})
	if code, body := get(t, r.url+"/livez"); code != 200 {
		t.Errorf("/livez = %d %s with the channel down", code, body)
	}
	if err := r.stop(); err != nil {
		t.Errorf("Run: %v", err)
	}
}
