package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/access"
	"github.com/vitalsgo/vitals/monitor/api"
)

// every path the API and the badges serve, for tests that hold for all.
var allPaths = []string{
	"/api/v1/targets", "/api/v1/targets/api", "/api/v1/targets/api/results", "/api/v1/targets/api/uptime",
	"/badge/api/status.svg", "/badge/api/status.json", "/badge/api/latency.svg", "/badge/api/latency.json",
	"/badge/api/uptime/24h.svg", "/badge/api/uptime/7d.json",
}

func TestETagNotModified(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureSeries(), defaultPolicy())
	for _, path := range allPaths {
		first := f.get(t, path)
		etag := first.Header().Get("ETag")
		if first.Code != http.StatusOK || !strings.HasPrefix(etag, `"`) {
			t.Fatalf("%s: %d, ETag %q", path, first.Code, etag)
		}
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			w := f.get(t, path, "If-None-Match", inm)
			if w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("ETag") != etag {
				t.Errorf("%s If-None-Match %s: %d, ETag %q, %d bytes", path, inm, w.Code, w.Header().Get("ETag"), w.Body.Len())
			}
			if w.Header().Get("Cache-Control") != first.Header().Get("Cache-Control") {
				t.Errorf("%s: 304 without the 200's Cache-Control", path)
			}
		}
		if w := f.get(t, path, "If-None-Match", `"stale"`); w.Code != http.StatusOK {
			t.Errorf("%s with a stale tag: %d", path, w.Code)
		}
		// A caller who sees details gets another answer, with another tag.
		if strings.HasPrefix(path, "/api/v1/targets/api") && !strings.HasSuffix(path, "/uptime") {
			if w := f.get(t, path, "If-None-Match", etag, "Authorization", bearer); w.Code != http.StatusOK {
				t.Errorf("%s with details: %d for the anonymous tag", path, w.Code)
			}
		}
	}
}

// A new result changes the tag of what it changes, and only that.
func TestETagFollowsChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureSeries(), defaultPolicy())
	tag := func(path string) string { return f.get(t, path).Header().Get("ETag") }
	apiBadge, dbBadge, list := tag("/badge/api/status.svg"), tag("/badge/db/status.svg"), tag("/api/v1/targets")

	info := &vitals.CheckInfo{Name: "db"}
	f.board.Record(&vitals.CheckState{CheckInfo: info, Status: vitals.StatusPass, Since: now,
		Last: vitals.Result{Status: vitals.StatusPass, Time: now, Duration: time.Millisecond}})

	if tag("/badge/db/status.svg") == dbBadge {
		t.Error("db's status badge kept its tag after db recovered")
	}
	if tag("/api/v1/targets") == list {
		t.Error("the target list kept its tag after db recovered")
	}
	if tag("/badge/api/status.svg") != apiBadge {
		t.Error("api's status badge changed tag when only db changed")
	}
	if w := f.get(t, "/badge/db/status.json"); !strings.Contains(w.Body.String(), `"message":"up"`) {
		t.Errorf("db's badge after recovery: %s", w.Body)
	}
}

func TestDetailsOnlyForAuthorised(t *testing.T) {
	t.Parallel()
	secret := "connection refused"
	tests := []struct {
		name   string
		policy *access.Policy
		auth   bool
		want   bool
	}{
		{"anonymous", defaultPolicy(), false, false},
		{"token", defaultPolicy(), true, true},
		{"public details", &access.Policy{PublicDetails: true}, false, true},
		{"nil policy", nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, fixtureSeries(), tt.policy)
			var hdr []string
			if tt.auth {
				hdr = []string{"Authorization", bearer}
			}
			for _, path := range []string{"/api/v1/targets", "/api/v1/targets/db", "/api/v1/targets/db/results?limit=1"} {
				w := f.get(t, path, hdr...)
				if got := strings.Contains(w.Body.String(), secret); got != tt.want {
					t.Errorf("%s: message shown %v, want %v\n%s", path, got, tt.want, w.Body)
				}
			}
			w := f.get(t, "/api/v1/targets/billing", hdr...)
			if got := strings.Contains(w.Body.String(), "consumer lag"); got != tt.want {
				t.Errorf("billing: sub-check message shown %v, want %v", got, tt.want)
			}
			// Codes and statuses are no details.
			if !strings.Contains(w.Body.String(), `"code":200`) || !strings.Contains(w.Body.String(), `"status":"warn"`) {
				t.Errorf("billing lacks its code or status: %s", w.Body)
			}
		})
	}
}

func TestPrivate(t *testing.T) {
	t.Parallel()
	p := &access.Policy{Private: true, Token: token, Users: map[string]string{"ops": "pw"}}
	f := newFixture(t, fixtureSeries(), p)
	for _, path := range append(allPaths, "/api/v1/targets/nope", "/badge/nope/status.svg") {
		w := f.get(t, path)
		if w.Code != http.StatusUnauthorized || w.Body.String() != `{"error":"unauthorized"}`+"\n" ||
			len(w.Header().Values("WWW-Authenticate")) != 2 {
			t.Errorf("%s without credentials: %d %v %s", path, w.Code, w.Header(), w.Body)
		}
		// Unknown targets stay unknown to those who may not view.
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.SetBasicAuth("ops", "pw")
		rec := httptest.NewRecorder()
		f.mux.ServeHTTP(rec, r)
		want := http.StatusOK
		if strings.Contains(path, "nope") {
			want = http.StatusNotFound
		}
		if rec.Code != want {
			t.Errorf("%s with basic auth: %d, want %d", path, rec.Code, want)
		}
		if rec.Code == http.StatusOK && !strings.HasPrefix(rec.Header().Get("Cache-Control"), "private") {
			t.Errorf("%s: private answer with Cache-Control %q", path, rec.Header().Get("Cache-Control"))
		}
	}
}

func TestUnknownTarget(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureSeries(), defaultPolicy())
	for _, path := range []string{
		"/api/v1/targets/nope", "/api/v1/targets/nope/results", "/api/v1/targets/nope/uptime?window=7d",
		"/badge/nope/status.json", "/badge/nope/latency.json", "/badge/nope/uptime/24h.json",
		// %2F decodes to a slash, which no name holds.
		"/api/v1/targets/api%2Fx", "/badge/api%2Fx/status.json",
	} {
		w := f.get(t, path)
		var body struct{ Error string }
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != http.StatusNotFound ||
			!strings.HasPrefix(body.Error, `unknown target "`) {
			t.Errorf("%s: %d %s", path, w.Code, w.Body)
		}
		if w.Header().Get("ETag") != "" {
			t.Errorf("%s: a 404 with an ETag", path)
		}
	}
	for _, path := range []string{"/badge/nope/status.svg", "/badge/nope/latency.svg", "/badge/nope/uptime/24h.svg"} {
		w := f.get(t, path)
		if w.Code != http.StatusNotFound || !strings.HasPrefix(w.Header().Get("Content-Type"), "image/svg+xml") {
			t.Errorf("%s: %d %s", path, w.Code, w.Header().Get("Content-Type"))
		}
		if strings.Contains(w.Body.String(), "nope") {
			t.Errorf("%s: the not-found badge draws the name asked for", path)
		}
	}
	if w := f.get(t, "/badge/api/uptime/24h.png"); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "unknown badge") {
		t.Errorf("24h.png: %d %s", w.Code, w.Body)
	}
}

func TestBadParameters(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureSeries(), defaultPolicy())
	tests := []struct{ query, param string }{
		{"since=yesterday", "since"},
		{"since=", "since"},
		{"since=-1h", "since"},
		{"since=1.5h", "since"},
		{"since=401d", "since"},
		{"since=2025-13-01T00:00:00Z", "since"},
		{"since=2025-06-01", "since"},
		{"since=99999999999999", "since"},
		{"until=soon", "until"},
		{"until=1h&since=30m", "since"}, // since after until
		{"since=now", "since"},          // empty span
		{"limit=0", "limit"},
		{"limit=-5", "limit"},
		{"limit=10001", "limit"},
		{"limit=ten", "limit"},
		{"limit=%zz", "query"},
	}
	for _, tt := range tests {
		w := f.get(t, "/api/v1/targets/api/results?"+tt.query)
		var body struct{ Error string }
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != http.StatusBadRequest ||
			!strings.Contains(body.Error, tt.param) {
			t.Errorf("results?%s: %d %s, want 400 naming %s", tt.query, w.Code, w.Body, tt.param)
		}
	}
	for _, window := range []string{"", "0s", "7", "7x", "1w1", "401d", "9999999999999999999s", "24H", "+1h"} {
		w := f.get(t, "/api/v1/targets/api/uptime?window="+window)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `bad window`) {
			t.Errorf("uptime?window=%s: %d %s", window, w.Code, w.Body)
		}
	}
}

// The forms of a time name the same instant.
func TestTimeForms(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureSeries(), defaultPolicy())
	body := func(query string) string {
		t.Helper()
		w := f.get(t, "/api/v1/targets/db/results?"+query)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", query, w.Code, w.Body)
		}
		return w.Body.String()
	}
	want := body("since=2025-06-01T11:30:00Z&until=2025-06-01T11:45:00Z")
	for _, q := range []string{
		"since=1748777400&until=1748778300",
		"since=30m&until=15m",
		"since=2025-06-01T13:30:00%2B02:00&until=2025-06-01T11:45:00.000Z",
		"since=2025-06-01T13:30:00+02:00&until=15m", // + read back from a space
	} {
		if got := body(q); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", q, got, want)
		}
	}
}

func TestResultsDefaults(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureSeries(), defaultPolicy())
	var got struct {
		Since, Until time.Time
		Limit        int
		More         bool
		Results      []struct{ At time.Time }
	}
	w := f.get(t, "/api/v1/targets/api/results")
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Since.Equal(now.Add(-24*time.Hour)) || !got.Until.Equal(now) || got.Limit != 100 || !got.More || len(got.Results) != 100 {
		t.Errorf("defaults: since %v until %v limit %d more %v, %d results", got.Since, got.Until, got.Limit, got.More, len(got.Results))
	}
	for i := 1; i < len(got.Results); i++ {
		if !got.Results[i].At.Before(got.Results[i-1].At) {
			t.Fatalf("results not newest first at %d", i)
		}
	}
	// Paging with until = the last at reads on without a gap.
	last := got.Results[len(got.Results)-1].At
	w = f.get(t, "/api/v1/targets/api/results?limit=1&until="+last.Format(time.RFC3339))
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || len(got.Results) != 1 || !got.Results[0].At.Equal(last.Add(-5*time.Minute)) {
		t.Errorf("next page: %s", w.Body)
	}
	// The whole history fits in MaxLimit.
	w = f.get(t, "/api/v1/targets/api/results?since=400d&limit=10000")
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.More || len(got.Results) != 840 {
		t.Errorf("all: more %v, %d results", got.More, len(got.Results))
	}
}

func TestMethodsAndHead(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureSeries(), defaultPolicy())
	srv := httptest.NewServer(f.mux)
	defer srv.Close()
	for _, path := range allPaths {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			req, _ := http.NewRequest(method, srv.URL+path, nil)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d", method, path, resp.StatusCode)
			}
		}
		resp, err := srv.Client().Head(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.Header.Get("ETag") == "" || resp.ContentLength <= 0 {
			t.Errorf("HEAD %s: %d, %d bytes, ETag %q, length %d", path, resp.StatusCode, len(body), resp.Header.Get("ETag"), resp.ContentLength)
		}
	}
}

// A store that fails is a 503 that names no database.
func TestStoreDown(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureSeries(), defaultPolicy())
	f.store.Close()
	for _, path := range []string{"/api/v1/targets/api/results", "/api/v1/targets/api/uptime?window=36h"} {
		w := f.get(t, path)
		if w.Code != http.StatusServiceUnavailable || w.Body.String() != `{"error":"history unavailable"}`+"\n" {
			t.Errorf("%s: %d %s", path, w.Code, w.Body)
		}
	}
	// What the board holds is still served.
	for _, path := range []string{"/api/v1/targets", "/api/v1/targets/api/uptime?window=7d", "/badge/api/uptime/7d.svg"} {
		if w := f.get(t, path); w.Code != http.StatusOK {
			t.Errorf("%s: %d", path, w.Code)
		}
	}
}

// The routes sit beside the status page's on one mux: ServeMux panics on
// a conflicting pattern, and each request reaches its own handler.
func TestRoutesBesideStatusPage(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Header().Set("X-Page", "yes") })
	for _, pattern := range []string{"GET /{$}", "GET /targets/{name}", "GET /api/v1/events", "GET /static/"} {
		mux.Handle(pattern, page)
	}
	f := newFixture(t, fixtureSeries(), defaultPolicy())
	api.New(f.board, nil, nil).Register(mux)
	for path, isPage := range map[string]bool{
		"/": true, "/targets/api": true, "/api/v1/events": true, "/static/app.css": true,
		"/api/v1/targets": false, "/api/v1/targets/api": false, "/badge/api/status.svg": false,
	} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if got := w.Header().Get("X-Page") == "yes"; got != isPage || w.Code != http.StatusOK {
			t.Errorf("%s: %d, served by the page %v, want %v", path, w.Code, got, isPage)
		}
	}
}

func TestBadgeCacheControl(t *testing.T) {
	t.Parallel()
	tests := []struct {
		opts   *api.Options
		policy *access.Policy
		want   string
	}{
		{nil, nil, "public, max-age=30, must-revalidate"},
		{&api.Options{BadgeMaxAge: 5 * time.Minute}, nil, "public, max-age=300, must-revalidate"},
		{&api.Options{BadgeMaxAge: -1}, nil, "public, no-cache"},
		{nil, &access.Policy{Private: true}, "private, max-age=30, must-revalidate"},
	}
	f := newFixture(t, fixtureSeries(), nil)
	for _, tt := range tests {
		mux := http.NewServeMux()
		api.New(f.board, tt.policy, tt.opts).Register(mux)
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/badge/api/status.svg", nil)
		r.Header.Set("Authorization", "Basic b3BzOnB3") // ops:pw, for the private policy
		if tt.policy != nil {
			tt.policy.Users = map[string]string{"ops": "pw"}
		}
		mux.ServeHTTP(w, r)
		if got := w.Header().Get("Cache-Control"); got != tt.want {
			t.Errorf("%+v %+v: Cache-Control %q, want %q", tt.opts, tt.policy, got, tt.want)
		}
	}
}
