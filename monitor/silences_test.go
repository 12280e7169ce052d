package monitor_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/monitortest"
)

func do(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Silences made through the API keep a target's incident from notifying;
// only an authorised caller makes or deletes one; bad bodies get a clear
// 4xx; the file's silences cannot be deleted through the API.
func TestSilencesAPI(t *testing.T) {
	const token = "admin-t0ken-0123456789"
	tg := newToggles(t)
	hook := monitortest.NewWebhook(t, "hook-secret-123")
	yaml := alertYAML(hook, "auth: {token: "+token+"}\nsilences:\n  - {targets: [nothing-*], ends: 2099-01-01T00:00:00Z, comment: from the file}\n",
		httpTarget(tg, "api", ", notify: [ops], alert_after: 1"), httpTarget(tg, "web", ", notify: [ops], alert_after: 1"))
	r := serve(t, yaml, "")
	ends := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)

	if code, _ := do(t, "POST", r.url+"/api/v1/silences", "", `{"targets":["api"],"ends":"`+ends+`"}`); code != http.StatusUnauthorized {
		t.Errorf("POST without credentials: %d", code)
	}
	code, body := do(t, "POST", r.url+"/api/v1/silences", token, `{"targets":["api"],"ends":"`+ends+`","comment":"deploy"}`)
	if code != http.StatusCreated {
		t.Fatalf("POST: %d %s", code, body)
	}
	var sl struct{ ID string }
	if err := json.Unmarshal([]byte(body), &sl); err != nil || sl.ID == "" {
		t.Fatalf("POST answered %s (%v)", body, err)
	}
	_, list := get(t, r.url+"/api/v1/silences")
	if !strings.Contains(list, sl.ID) || !strings.Contains(list, "from the file") {
		t.Errorf("GET /api/v1/silences: %s", list)
	}

	tg.set("*", true)
	waitFor(t, 30*time.Second, "web's alert", func() bool { return len(hook.Alerts()) == 1 })
	waitFor(t, 30*time.Second, "api suppressed by the silence", func() bool {
		_, b := get(t, r.url+"/api/v1/alerts")
		return strings.Contains(b, `"suppressed": "silence `+sl.ID+`"`)
	})
	time.Sleep(time.Second)
	if got := hook.Alerts(); len(got) != 1 || got[0] != "firing web" {
		t.Fatalf("alerts = %v, want web's only", got)
	}
	waitFor(t, 30*time.Second, "the page shows api suppressed and web alerting", func() bool {
		_, page := get(t, r.url+"/")
		return strings.Contains(page, `class="alert a-suppressed" title="incident api/1 open since`) &&
			strings.Contains(page, `class="alert a-alerting" title="incident web/1 open since`)
	})

	for _, tc := range []struct {
		method, path, body string
		want               int
	}{
		{"DELETE", "/api/v1/silences/" + sl.ID, "", http.StatusNoContent},
		{"DELETE", "/api/v1/silences/" + sl.ID, "", http.StatusNotFound},
		{"DELETE", "/api/v1/silences/config-0", "", http.StatusConflict},
		{"POST", "/api/v1/silences", `not json`, http.StatusBadRequest},
		{"POST", "/api/v1/silences", `{"targets":["a"],"ends":"` + ends + `","extra":1}`, http.StatusBadRequest},
		{"POST", "/api/v1/silences", `{"targets":["a"],"ends":"2001-01-01T00:00:00Z"}`, http.StatusBadRequest},
		{"POST", "/api/v1/silences", `{"ends":"` + ends + `"}`, http.StatusBadRequest},
		{"POST", "/api/v1/silences", `{"targets":["[a"],"ends":"` + ends + `"}`, http.StatusBadRequest},
		{"POST", "/api/v1/silences", `{"comment":"` + strings.Repeat("x", 70<<10) + `"}`, http.StatusRequestEntityTooLarge},
	} {
		code, body := do(t, tc.method, r.url+tc.path, token, tc.body)
		if code != tc.want {
			t.Errorf("%s %s %.40q: %d %s, want %d", tc.method, tc.path, tc.body, code, body, tc.want)
		}
		if code >= 400 && !strings.Contains(body, `"error"`) {
			t.Errorf("%s %s: a %d without a JSON error: %s", tc.method, tc.path, code, body)
		}
	}
}

// Without credentials configured, nobody can change silences.
func TestSilencesNeedAuth(t *testing.T) {
	hook := monitortest.NewWebhook(t, "")
	r := serve(t, alertYAML(hook, "", httpTarget(newToggles(t), "api", "")), "")
	code, body := do(t, "POST", r.url+"/api/v1/silences", "", `{"targets":["api"],"ends":"2099-01-01T00:00:00Z"}`)
	if code != http.StatusForbidden || !strings.Contains(body, "auth.token") {
		t.Errorf("POST with no auth configured: %d %s", code, body)
	}
}

// A one-off maintenance window made through the API quiets the target's
// incident and is counted apart in its uptime.
func TestMaintenanceAPI(t *testing.T) {
	const token = "admin-t0ken-0123456789"
	tg := newToggles(t)
	hook := monitortest.NewWebhook(t, "hook-secret-123")
	r := serve(t, alertYAML(hook, "auth: {token: "+token+"}\n", httpTarget(tg, "db", ", notify: [ops], alert_after: 1")), "")
	starts := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	ends := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	code, body := do(t, "POST", r.url+"/api/v1/silences", token, `{"targets":["db"],"starts":"`+starts+`","ends":"`+ends+`","maintenance":true,"comment":"disk swap"}`)
	if code != http.StatusCreated || !strings.Contains(body, `"maintenance": true`) {
		t.Fatalf("POST: %d %s", code, body)
	}
	var sl struct{ ID string }
	_ = json.Unmarshal([]byte(body), &sl)
	tg.set("/db", true)
	waitFor(t, 30*time.Second, "db's incident quiet for maintenance", func() bool {
		_, b := get(t, r.url+"/api/v1/alerts")
		return strings.Contains(b, `"suppressed": "maintenance `+sl.ID+`"`)
	})
	waitFor(t, 60*time.Second, "maintenance counted apart in db's uptime", func() bool {
		_, b := get(t, r.url+"/api/v1/targets/db/uptime?window=2h")
		return strings.Contains(b, `"maintenance_ms":`) && strings.Contains(b, `"down_ms":0,`)
	})
	if got := hook.Alerts(); len(got) != 0 {
		t.Fatalf("alerts during maintenance: %v", got)
	}
}
