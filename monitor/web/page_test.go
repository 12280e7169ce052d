package web_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/monitor/access"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/web"
)

func TestDetailsByPolicy(t *testing.T) {
	f := scene(t)
	const msg = "dial tcp 10.0.0.5:6379: connect: connection refused"
	const child = "replication lag 3.2s"
	tests := []struct {
		name       string
		policy     *access.Policy
		authorised bool
		want       bool
	}{
		{"public", public, false, false},
		{"token", public, true, true},
		{"public details", &access.Policy{PublicDetails: true}, false, true},
		{"nil policy", nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, mux := serve(f, tt.policy, nil)
			for _, c := range []struct{ path, text string }{
				{"/", msg},
				{"/targets/redis", msg},
				{"/targets/postgres", child},
			} {
				rec := get(t, mux, c.path, tt.authorised)
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s = %d", c.path, rec.Code)
				}
				if got := strings.Contains(body(t, rec), c.text); got != tt.want {
					t.Errorf("GET %s shows %q: %v, want %v", c.path, c.text, got, tt.want)
				}
			}
		})
	}
}

func TestPrivate(t *testing.T) {
	f := scene(t)
	_, mux := serve(f, &access.Policy{Private: true, Token: token}, nil)
	for _, path := range []string{"/", "/targets/api", "/targets/nope", "/api/v1/events"} {
		rec := get(t, mux, path, false)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("GET %s without credentials = %d, want 401", path, rec.Code)
		}
		if got := rec.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
			t.Errorf("GET %s: WWW-Authenticate = %q", path, got)
		}
		if strings.Contains(body(t, rec), "api") && path != "/targets/api" {
			t.Errorf("GET %s without credentials names a target", path)
		}
	}
	for _, path := range []string{"/", "/targets/api"} {
		if rec := get(t, mux, path, true); rec.Code != http.StatusOK {
			t.Errorf("GET %s with the token = %d, want 200", path, rec.Code)
		}
	}
	// The style sheet holds no data.
	if rec := get(t, mux, "/static/style.css", false); rec.Code != http.StatusOK {
		t.Errorf("GET /static/style.css = %d, want 200", rec.Code)
	}
}

func TestNotFound(t *testing.T) {
	f := scene(t)
	_, mux := serve(f, public, nil)

	rec := get(t, mux, "/targets/nope", false)
	b := body(t, rec)
	if rec.Code != http.StatusNotFound || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /targets/nope = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !strings.Contains(b, "There is no target named <code>nope</code>") || !strings.Contains(b, `href="/"`) {
		t.Errorf("the 404 page does not say what is missing:\n%s", b)
	}

	rec = get(t, mux, "/api/v1/events?target=nope", false)
	var e struct{ Error string }
	if rec.Code != http.StatusNotFound || rec.Header().Get("Content-Type") != "application/json" ||
		json.Unmarshal(rec.Body.Bytes(), &e) != nil || !strings.Contains(e.Error, "nope") {
		t.Errorf("events of an unknown target = %d %s %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	rec = get(t, mux, "/api/v1/events?version=x", false)
	if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error == "" {
		t.Errorf("events from a bad version = %d %q", rec.Code, rec.Body)
	}

	if rec := get(t, mux, "/static/nope.css", false); rec.Code != http.StatusNotFound {
		t.Errorf("GET /static/nope.css = %d", rec.Code)
	}
}

func TestStatic(t *testing.T) {
	f := newFixture(t)
	_, mux := serve(f, public, nil)
	page := body(t, get(t, mux, "/", false))
	for _, c := range []struct{ name, ctype string }{
		{"style.css", "text/css; charset=utf-8"},
		{"live.js", "text/javascript; charset=utf-8"},
	} {
		i := strings.Index(page, "/static/"+c.name+"?v=")
		if i < 0 {
			t.Fatalf("the page does not link %s", c.name)
		}
		url := page[i : i+strings.IndexByte(page[i:], '"')]
		rec := get(t, mux, url, false)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != c.ctype || rec.Body.Len() == 0 {
			t.Errorf("GET %s = %d %q, %d bytes", url, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
		if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: Cache-Control = %q; a versioned URL can be kept", url, cc)
		}
	}
}

// TestEscaping feeds names, messages and a banner that are HTML: the
// pages show them as text.
func TestEscaping(t *testing.T) {
	f := newFixture(t)
	const name = "<script>alert(1)</script>"
	const msg = `<img src=x onerror="alert(2)">`
	f.b.SetTitle("<b>Acme</b>")
	f.b.SetBanner(`reload refused: <a href="javascript:alert(3)">x</a>`)
	f.b.SetTargets([]board.Target{{Name: name, Group: "<i>g</i>", Description: `"><svg onload=alert(4)>`, Interval: time.Minute}})
	f.result(t, name, vitals.StatusFail, now.Add(-time.Minute), time.Millisecond, msg, map[string]any{
		"checks": []client.Check{{Name: "<u>child</u>", Status: vitals.StatusFail, Message: msg}},
	})
	_, mux := serve(f, public, nil)
	for _, path := range []string{"/", "/targets/%3Cscript%3Ealert%281%29%3C%2Fscript%3E"} {
		rec := get(t, mux, path, true)
		b := body(t, rec)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d\n%s", path, rec.Code, b)
		}
		for _, raw := range []string{"<script>alert", "<img", "<b>Acme", `<a href="javascript`, "<i>g", "<svg onload", "<u>child"} {
			if strings.Contains(b, raw) {
				t.Errorf("GET %s holds %q unescaped", path, raw)
			}
		}
		for _, shown := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;"} {
			if !strings.Contains(b, shown) {
				t.Errorf("GET %s does not show %q as text", path, shown)
			}
		}
	}
	page := body(t, get(t, mux, "/", false))
	if !strings.Contains(page, `href="/targets/%3Cscript%3Ealert%281%29%3C%2Fscript%3E"`) {
		t.Errorf("the row does not link the target page by its escaped name")
	}
}

func TestGroups(t *testing.T) {
	f := newFixture(t)
	f.b.SetTargets([]board.Target{
		{Name: "a", Group: "B"}, {Name: "b"}, {Name: "c", Group: "A"}, {Name: "d", Group: "B"},
	})
	_, mux := serve(f, public, nil)
	page := body(t, get(t, mux, "/", false))
	var order []string
	for _, part := range strings.Split(page, "<h2>")[1:] {
		order = append(order, part[:strings.Index(part, "</h2>")])
	}
	if got := strings.Join(order, ","); got != "B,Other,A" {
		t.Errorf("groups in order %s, want B,Other,A (first appearance)", got)
	}
	if i, j := strings.Index(page, `id="t-a"`), strings.Index(page, `id="t-d"`); i < 0 || j < i || strings.Index(page, "<h2>Other") < j {
		t.Errorf("targets of group B are not together under its heading")
	}
	if !strings.Contains(page, `<b data-count="unknown">4</b> no data`) {
		t.Errorf("the summary does not count 4 targets without data")
	}

	f.b.SetTargets([]board.Target{{Name: "a"}})
	if page := body(t, get(t, mux, "/", false)); strings.Contains(page, "<h2>") {
		t.Errorf("a board without groups shows a group heading")
	}
}

// TestStoreDown shows a target's live state when its history cannot be
// read, and says so.
func TestStoreDown(t *testing.T) {
	f := scene(t)
	var log bytes.Buffer
	_, mux := serve(f, public, &web.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	f.st.Close()
	rec := get(t, mux, "/targets/redis", false)
	b := body(t, rec)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /targets/redis with the store down = %d", rec.Code)
	}
	for _, want := range []string{"History is unavailable", `data-status="fail"`, "50.00%"} {
		if !strings.Contains(b, want) {
			t.Errorf("the target page lacks %q", want)
		}
	}
	if !strings.Contains(log.String(), "target=redis") {
		t.Errorf("the store's error was not logged: %q", log.String())
	}
}
