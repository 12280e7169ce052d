package notify_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/notify"
)

// The login of an Alertmanager started with BasicAuth.
const (
	amUser     = testservice.AlertmanagerUser
	amPassword = testservice.AlertmanagerPassword
)

func amChannel(t *testing.T, url string) notify.Channel {
	t.Helper()
	return newChannel(t, notify.Config{Name: "am", Type: "alertmanager", URL: url, Timeout: 10 * time.Second})
}

// TestAlertmanagerFiringThenResolved posts a grouped firing message, reads
// the alerts back as active with the documented labels, then resolves one
// and sees Alertmanager end it: gone from the API (which lists only alerts
// whose endsAt has not passed) and notified to its receiver as resolved.
func TestAlertmanagerFiringThenResolved(t *testing.T) {
	am := testservice.StartAlertmanager(t, nil)
	ch := amChannel(t, am.URL+"/") // a trailing slash is no second one
	since := time.Now().Add(-5 * time.Minute).Truncate(time.Second)
	firing := notify.Message{Key: "k1", Alerts: []notify.Alert{
		{Kind: notify.Firing, Incident: "api/3", Target: "api", Group: "backend", Severity: "warning",
			Message: "GET /healthz: 503", Since: since, At: since, URL: "https://status.example.com/targets/api"},
		{Kind: notify.Firing, Incident: "db/1", Target: "db", Message: "connection refused", Since: since, At: since},
	}}
	if err := ch.Send(t.Context(), firing); err != nil {
		t.Fatalf("Send firing: %v", err)
	}
	active := am.Alerts(t)
	api, db := active["api"], active["db"]
	if len(active) != 2 {
		t.Fatalf("Alertmanager lists %d alerts, want api and db: %+v", len(active), active)
	}
	wantLabels := map[string]string{"alertname": "VitalsTargetDown", "target": "api", "group": "backend", "severity": "warning", "incident": "api/3"}
	if fmt.Sprint(api.Labels) != fmt.Sprint(wantLabels) {
		t.Errorf("api labels %v, want %v", api.Labels, wantLabels)
	}
	if db.Labels["severity"] != "critical" || db.Labels["incident"] != "db/1" || db.Labels["group"] != "" {
		t.Errorf("db labels %v: want severity critical by default, incident db/1, no group", db.Labels)
	}
	wantAnn := map[string]string{"summary": "api is failing", "description": "GET /healthz: 503", "url": "https://status.example.com/targets/api"}
	if fmt.Sprint(api.Annotations) != fmt.Sprint(wantAnn) {
		t.Errorf("api annotations %v, want %v", api.Annotations, wantAnn)
	}
	if !api.StartsAt.Equal(since) || api.GeneratorURL != "https://status.example.com/targets/api" {
		t.Errorf("api startsAt %v, generatorURL %q; want %v and the target's page", api.StartsAt, api.GeneratorURL, since)
	}
	// Without an endsAt, Alertmanager ends it resolve_timeout from now.
	if !api.EndsAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("api endsAt %v: want resolve_timeout ahead", api.EndsAt)
	}
	if !api.Active() {
		t.Errorf("api status %s, want active", api.Status)
	}
	am.WaitNotified(t, "api", "firing")

	resolvedAt := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	resolve := notify.Message{Key: "k2", Alerts: []notify.Alert{{
		Kind: notify.Resolved, Incident: "api/3", Target: "api", Group: "backend", Severity: "warning",
		Message: "200 OK", Since: since, At: resolvedAt, URL: "https://status.example.com/targets/api",
	}}}
	if err := ch.Send(t.Context(), resolve); err != nil {
		t.Fatalf("Send resolved: %v", err)
	}
	if after := am.Alerts(t); len(after) != 1 || after["db"].Fingerprint != db.Fingerprint {
		t.Errorf("after api's resolve Alertmanager lists %v, want only db", after)
	}
	got := am.WaitNotified(t, "api", "resolved")
	if got.Fingerprint != api.Fingerprint || !got.EndsAt.Equal(resolvedAt) || got.Annotations["summary"] != "api recovered" {
		t.Errorf("resolved notification: fingerprint %s endsAt %v summary %q; want %s, %v, %q",
			got.Fingerprint, got.EndsAt, got.Annotations["summary"], api.Fingerprint, resolvedAt, "api recovered")
	}

	// A reminder of db is the same Alertmanager alert, still active.
	reminder := notify.Message{Key: "k3", Alerts: []notify.Alert{{
		Kind: notify.Reminder, Incident: "db/1", Target: "db", Message: "connection refused", Since: since, At: time.Now(), Reminder: 1,
	}}}
	if err := ch.Send(t.Context(), reminder); err != nil {
		t.Fatalf("Send reminder: %v", err)
	}
	if after := am.Alerts(t); after["db"].Fingerprint != db.Fingerprint || !after["db"].Active() {
		t.Errorf("after db's reminder: %+v, want the same active alert", after["db"])
	}
}

// TestAlertmanagerRefusals: what Alertmanager refuses is refused for good.
func TestAlertmanagerRefusals(t *testing.T) {
	am := testservice.StartAlertmanager(t, nil)
	now := time.Now()
	// A resolve that ends before it started is invalid to Alertmanager.
	backwards := notify.Message{Key: "k", Alerts: []notify.Alert{{
		Kind: notify.Resolved, Incident: "api/1", Target: "api", Since: now, At: now.Add(-time.Hour),
	}}}
	err := amChannel(t, am.URL).Send(t.Context(), backwards)
	if err == nil || !errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "400") {
		t.Errorf("an alert ending before it starts: %v; want a permanent 400", err)
	}
	// A base URL with a path Alertmanager does not serve: 404.
	err = amChannel(t, am.URL+"/not-alertmanager").Send(t.Context(), firingMessage())
	if err == nil || !errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "404") {
		t.Errorf("a wrong path: %v; want a permanent 404", err)
	}
}

// TestAlertmanagerBasicAuth: a login in the URL is sent, and never quoted.
func TestAlertmanagerBasicAuth(t *testing.T) {
	am := testservice.StartAlertmanager(t, &testservice.AlertmanagerOptions{BasicAuth: true})
	host := strings.TrimPrefix(am.URL, "http://")
	if err := amChannel(t, "http://"+amUser+":"+amPassword+"@"+host).Send(t.Context(), firingMessage()); err != nil {
		t.Fatalf("Send with the right login: %v", err)
	}
	err := amChannel(t, "http://"+amUser+":wrong-Pa55@"+host).Send(t.Context(), firingMessage())
	if err == nil || !errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "401") {
		t.Errorf("a wrong login: %v; want a permanent 401", err)
	}
	if err != nil && (strings.Contains(err.Error(), "wrong-Pa55") || strings.Contains(err.Error(), amUser+":")) {
		t.Errorf("the error quotes the URL's login: %v", err)
	}
}

// TestAlertmanagerDown: an Alertmanager that is down is retried, and the
// error does not quote the URL's login.
func TestAlertmanagerDown(t *testing.T) {
	url := "http://" + amUser + ":" + amPassword + "@" + testservice.ClosedAddr(t)
	err := amChannel(t, url).Send(t.Context(), firingMessage())
	if err == nil || errors.Is(err, notify.ErrPermanent) {
		t.Fatalf("Send to a closed port: %v; want a retryable error", err)
	}
	if strings.Contains(err.Error(), amPassword) || strings.Contains(err.Error(), amUser+":") {
		t.Errorf("the error quotes the URL's login: %v", err)
	}
}

// TestAlertmanagerConfig: a URL that cannot be posted to is refused at
// New, without quoting a password in it.
func TestAlertmanagerConfig(t *testing.T) {
	for _, url := range []string{"", "ftp://am.example.com", "http://", "http://u:pa%ss@am.example.com:bad"} {
		_, err := notify.New(notify.Config{Name: "am", Type: "alertmanager", URL: url}, nil)
		if err == nil {
			t.Errorf("New with url %q succeeded", url)
			continue
		}
		if strings.Contains(err.Error(), "pa%ss") {
			t.Errorf("New with url %q: the error quotes its password: %v", url, err)
		}
	}
}
