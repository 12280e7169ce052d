package testservice

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The login of an Alertmanager started with [AlertmanagerOptions.BasicAuth];
// its web config holds a bcrypt hash of the password.
const (
	AlertmanagerUser     = "vitals"
	AlertmanagerPassword = "vitals-am-Pa55"
	alertmanagerHash     = "$2b$05$abcdefghijklmnopqrstuu2derqPIRQJIzsgwtoLCFL24J1zSBB.i"
)

// AlertmanagerOptions configure an Alertmanager of [StartAlertmanager]; nil
// or the zero value is one without login and Alertmanager's defaults.
type AlertmanagerOptions struct {
	// BasicAuth makes it take requests only with the login
	// AlertmanagerUser and AlertmanagerPassword.
	BasicAuth bool
	// ResolveTimeout is how long after the last post of an alert without
	// endsAt Alertmanager ends it. Default Alertmanager's, 5m.
	ResolveTimeout time.Duration
}

// AlertmanagerAlert is an alert as GET /api/v2/alerts and Alertmanager's
// webhook notifications show it.
type AlertmanagerAlert struct {
	Labels, Annotations map[string]string
	StartsAt, EndsAt    time.Time
	GeneratorURL        string
	Fingerprint         string
	// Status is an object in the API ({"state": "active", …}); the
	// webhook's string status is NotifiedAlert.Status.
	Status json.RawMessage
}

// Active reports whether the API lists the alert as active (not
// suppressed, not unprocessed).
func (a AlertmanagerAlert) Active() bool {
	var s struct{ State string }
	return json.Unmarshal(a.Status, &s) == nil && s.State == "active"
}

// NotifiedAlert is an alert of a webhook notification.
type NotifiedAlert struct {
	AlertmanagerAlert
	Status string // "firing" or "resolved"
}

// AlertmanagerNotification is what Alertmanager's webhook receiver posts.
type AlertmanagerNotification struct {
	Status string
	Alerts []NotifiedAlert
}

// Alertmanager is a running Alertmanager of a test's own. It routes every
// alert, grouped by its incident label, to a webhook served by the test
// (send_resolved, a short group_interval), so that what Alertmanager made
// of an alert (firing, resolved) shows in [Alertmanager.Notifications].
type Alertmanager struct {
	// URL is its base URL, http://host:port, without a login.
	URL    string
	auth   bool
	client *http.Client

	mu            sync.Mutex // protects notifications
	notifications []AlertmanagerNotification
}

// StartAlertmanager starts an Alertmanager of the test's own on a free
// loopback port, without clustering, and returns once it is ready. It
// skips the test, or fails it, as [AlertmanagerBin] does when there is no
// binary.
func StartAlertmanager(t testing.TB, o *AlertmanagerOptions) *Alertmanager {
	t.Helper()
	if o == nil {
		o = &AlertmanagerOptions{}
	}
	bin := AlertmanagerBin(t)
	if bin == "" {
		return nil // skipped (only a stand-in testing.TB gets here)
	}
	am := &Alertmanager{auth: o.BasicAuth, client: HTTPClient(t)}
	hook := httptest.NewServer(http.HandlerFunc(am.receive))
	t.Cleanup(hook.Close)

	dir := t.TempDir()
	var global string
	if o.ResolveTimeout > 0 {
		global = fmt.Sprintf("global:\n  resolve_timeout: %s\n", o.ResolveTimeout)
	}
	config := global + fmt.Sprintf(`route:
  receiver: hook
  group_by: [incident]
  group_wait: 100ms
  group_interval: 500ms
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: %s/
        send_resolved: true
`, hook.URL)
	configFile := filepath.Join(dir, "alertmanager.yml")
	writeFile(t, configFile, config)
	addr := ClosedAddr(t)
	am.URL = "http://" + addr
	args := []string{
		"--config.file=" + configFile,
		"--storage.path=" + filepath.Join(dir, "data"),
		"--cluster.listen-address=",
		"--log.level=warn",
		"--web.listen-address=" + addr,
	}
	if o.BasicAuth {
		web := filepath.Join(dir, "web.yml")
		writeFile(t, web, "basic_auth_users:\n  "+AlertmanagerUser+": "+alertmanagerHash+"\n")
		args = append(args, "--web.config.file="+web)
	}
	startProcess(t, "alertmanager", bin, args...)
	waitFor(t, startLimit, "Alertmanager ready at "+am.URL, func() bool {
		return httpOK(am.client, am.request(http.MethodGet, "/-/ready"))
	})
	return am
}

func (am *Alertmanager) receive(w http.ResponseWriter, r *http.Request) {
	var n AlertmanagerNotification
	if err := json.NewDecoder(r.Body).Decode(&n); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	am.mu.Lock()
	am.notifications = append(am.notifications, n)
	am.mu.Unlock()
}

// request is a request to the Alertmanager, with its login if it has one.
func (am *Alertmanager) request(method, path string) *http.Request {
	req, _ := http.NewRequest(method, am.URL+path, nil)
	if am.auth {
		req.SetBasicAuth(AlertmanagerUser, AlertmanagerPassword)
	}
	return req
}

// Alerts returns the alerts named VitalsTargetDown that the API lists
// (those whose endsAt has not passed), by their target label.
func (am *Alertmanager) Alerts(t testing.TB) map[string]AlertmanagerAlert {
	t.Helper()
	var list []AlertmanagerAlert
	filter := url.QueryEscape(`alertname="VitalsTargetDown"`)
	getJSON(t, am.client, am.request(http.MethodGet, "/api/v2/alerts?filter="+filter), &list)
	out := map[string]AlertmanagerAlert{}
	for _, a := range list {
		out[a.Labels["target"]] = a
	}
	return out
}

// Notifications returns what its receiver was notified of, in order.
func (am *Alertmanager) Notifications() []AlertmanagerNotification {
	am.mu.Lock()
	defer am.mu.Unlock()
	return append([]AlertmanagerNotification(nil), am.notifications...)
}

// WaitNotified waits (30s at most) for a notification that has the
// target's alert with the status ("firing" or "resolved"), and returns
// that alert.
func (am *Alertmanager) WaitNotified(t testing.TB, target, status string) NotifiedAlert {
	t.Helper()
	var found NotifiedAlert
	waitFor(t, 30*time.Second, "a "+status+" notification of "+target+" from Alertmanager", func() bool {
		for _, n := range am.Notifications() {
			for _, a := range n.Alerts {
				if a.Labels["target"] == target && a.Status == status {
					found = a
					return true
				}
			}
		}
		return false
	})
	return found
}
