package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
)

// hostileNames are names a configuration may hold (the core accepts each)
// that break careless HTML, XML, JSON or URL handling.
var hostileNames = []string{
	`<script>alert("x")`,
	`it's"quoted"&<b>`,
	`]]>&amp;<!--`,
	"статус-✓-サービス",
	"\u202eevil", // right-to-left override
	"🔥db",
	"..name..",
	"..", // a dot segment: addressable only percent-encoded
	".",
	strings.Repeat("long-", 40), // 200 bytes, the most a name may have
}

// segment writes a name as one path segment, as a client must: escaped,
// and a dot segment in %2E, which no client or mux resolves as a step up.
func segment(name string) string {
	if name == "." || name == ".." {
		return strings.Repeat("%2E", len(name))
	}
	return url.PathEscape(name)
}

func hostileFixture(t *testing.T) *fixture {
	t.Helper()
	m := vitals.New(nil)
	defer m.Close()
	all := make([]series, len(hostileNames))
	for i, name := range hostileNames {
		if err := m.Add(name, vitals.CheckFunc(func(context.Context) error { return nil })); err != nil {
			t.Fatalf("the core refuses %q, so no configuration holds it: %v", name, err)
		}
		all[i] = series{target: board.Target{Name: name, Description: name, Interval: time.Minute}}
		all[i].runs = []vitals.Result{{Time: now.Add(-time.Minute), Status: vitals.StatusFail, Duration: time.Millisecond,
			Message: `<img src=x onerror=alert(1)> "` + name + `"`}}
	}
	return newFixture(t, all, defaultPolicy())
}

func TestHostileNames(t *testing.T) {
	t.Parallel()
	f := hostileFixture(t)
	for _, name := range hostileNames {
		esc := segment(name)

		w := f.get(t, "/api/v1/targets/"+esc, "Authorization", bearer)
		var target struct{ Name, Description string }
		if err := json.Unmarshal(w.Body.Bytes(), &target); err != nil || w.Code != http.StatusOK || target.Name != name {
			t.Errorf("%q: %d %v %s", name, w.Code, err, w.Body)
		}
		if strings.ContainsAny(w.Body.String(), "<>&") {
			t.Errorf("%q: JSON holds raw <, > or &: %s", name, w.Body)
		}

		w = f.get(t, "/badge/"+esc+"/status.svg")
		if w.Code != http.StatusOK {
			t.Fatalf("%q badge: %d %s", name, w.Code, w.Body)
		}
		checkSVG(t, w.Body.Bytes(), name, "down")
		if strings.Contains(w.Body.String(), "<script") || strings.Contains(w.Body.String(), "<b>") || strings.Contains(w.Body.String(), "<!--") {
			t.Errorf("%q: SVG holds markup from the name:\n%s", name, w.Body)
		}

		w = f.get(t, "/badge/"+esc+"/status.json")
		var ep endpoint
		if err := json.Unmarshal(w.Body.Bytes(), &ep); err != nil || ep.Label != name {
			t.Errorf("%q endpoint: %v %s", name, err, w.Body)
		}
	}
	// The whole list decodes, names intact.
	w := f.get(t, "/api/v1/targets")
	var list struct{ Targets []struct{ Name string } }
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list.Targets) != len(hostileNames) {
		t.Fatalf("list: %v %s", err, w.Body)
	}
	for i, tg := range list.Targets {
		if tg.Name != hostileNames[i] {
			t.Errorf("list[%d] = %q, want %q", i, tg.Name, hostileNames[i])
		}
	}
}

// Names asked for but not configured come back quoted, cut to a bound, and
// as valid UTF-8.
func TestHostileUnknownNames(t *testing.T) {
	t.Parallel()
	f := hostileFixture(t)
	tests := []struct {
		path, want string
	}{
		{"/api/v1/targets/" + url.PathEscape(`<script>x"`), `unknown target "<script>x\""`},
		{"/badge/" + url.PathEscape(`<script>x"`) + "/status.json", `unknown target "<script>x\""`},
		{"/api/v1/targets/%FF%FE", `unknown target "\xff\xfe"`},
		{"/api/v1/targets/" + strings.Repeat("%C3%A9", 5000), `unknown target "` + strings.Repeat("é", 100) + `"…`},
		{"/api/v1/targets/" + strings.Repeat("a", 201), `unknown target "` + strings.Repeat("a", 200) + `"…`},
	}
	for _, tt := range tests {
		w := f.get(t, tt.path)
		var body struct{ Error string }
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != http.StatusNotFound {
			t.Errorf("%.60s: %d %v", tt.path, w.Code, err)
			continue
		}
		if body.Error != tt.want || !utf8.ValidString(body.Error) {
			t.Errorf("%.60s: error %.300q, want %.300q", tt.path, body.Error, tt.want)
		}
	}
}
