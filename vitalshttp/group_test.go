package vitalshttp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/compat"
)

// A group mounted at a path of the application's choosing, directly or
// under http.StripPrefix, answers for the group at the mount point, for
// one check below it, and a JSON 404 for a check it does not have.
func TestGroupMountedAnywhere(t *testing.T) {
	_, h := fixture(t, true)
	g := h.Group(vitals.Readiness)
	mounts := map[string]func(*http.ServeMux){
		"prefix":           func(mux *http.ServeMux) { mux.Handle("/internal/ready/", g) },
		"StripPrefix":      func(mux *http.ServeMux) { mux.Handle("/internal/ready/", http.StripPrefix("/internal/ready", g)) },
		"StripPrefix /":    func(mux *http.ServeMux) { mux.Handle("/internal/ready/", http.StripPrefix("/internal/ready/", g)) },
		"wildcard pattern": func(mux *http.ServeMux) { mux.Handle("GET /internal/ready/{check...}", g) },
	}
	for name, mount := range mounts {
		t.Run(name, func(t *testing.T) {
			mux := http.NewServeMux()
			mount(mux)
			tests := []struct {
				target   string
				code     int
				contains string
			}{
				{"/internal/ready/", 503, `"db":{"status":"fail"}`},
				{"/internal/ready/?verbose", 503, "[+]cache ok (warn)\n[-]db failed: reason withheld\n"},
				{"/internal/ready/?verbose&exclude=db", 200, "[+]db excluded: ok"},
				{"/internal/ready/?format=ietf", 503, `"status":"fail"`},
				{"/internal/ready/db", 503, `{"name":"db","status":"fail"}`},
				{"/internal/ready/cache?format=text", 200, "ok"},
				{"/internal/ready/nope", 404, `{"error":"no check named \"nope\"","status":404}`},
				{"/internal/ready/goroutines", 404, `in group \"readiness\"`},
			}
			for _, tt := range tests {
				w := do(mux, "GET", tt.target)
				if w.Code != tt.code || !strings.Contains(w.Body.String(), tt.contains) {
					t.Errorf("GET %s = %d %q, want %d containing %q", tt.target, w.Code, w.Body, tt.code, tt.contains)
				}
			}
			// The same answer as /readyz, with the token's details.
			want := do(h, "GET", "/readyz?verbose", "Authorization", "Bearer "+token).Body.String()
			if got := do(mux, "GET", "/internal/ready/?verbose", "Authorization", "Bearer "+token).Body.String(); got != want {
				t.Errorf("group body %q, /readyz %q", got, want)
			}
			w := do(mux, "GET", "/internal/ready/")
			if c := do(mux, "GET", "/internal/ready/", "If-None-Match", w.Header().Get("Etag")); c.Code != http.StatusNotModified {
				t.Errorf("If-None-Match = %d", c.Code)
			}
		})
	}
}

// GET /internal/ready (no slash) reaches the group: a ServeMux redirects
// it to the mount point, and a client follows.
func TestGroupWithoutTrailingSlash(t *testing.T) {
	_, h := fixture(t, false)
	mux := http.NewServeMux()
	mux.Handle("/internal/ready/", h.Group(vitals.Readiness))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	resp, err := client.Get(srv.URL + "/internal/ready?verbose")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || !strings.HasSuffix(string(body), "readyz check passed\n") {
		t.Errorf("GET /internal/ready?verbose = %d %q (%v)", resp.StatusCode, body, err)
	}
	// Registered under both patterns, it answers without a redirect.
	mux2 := http.NewServeMux()
	g := h.Group(vitals.Readiness)
	mux2.Handle("/internal/ready", g)
	mux2.Handle("/internal/ready/", g)
	if w := do(mux2, "GET", "/internal/ready"); w.Code != 200 || !strings.Contains(w.Body.String(), `"disk":{"status":"pass"}`) {
		t.Errorf("GET /internal/ready = %d %s", w.Code, w.Body)
	}
}

// A custom group answers with its own name in the last line of ?verbose.
func TestCustomGroup(t *testing.T) {
	_, h := fixture(t, false)
	mux := http.NewServeMux()
	mux.Handle("/all/", h.Group(""))
	if w := do(mux, "GET", "/all/?verbose"); w.Code != 200 || !strings.HasSuffix(w.Body.String(), "healthz check passed\n") {
		t.Errorf("Group(\"\") = %d %q", w.Code, w.Body)
	}
	if w := do(mux, "GET", "/all/goroutines"); w.Code != 200 {
		t.Errorf("a check of any group = %d", w.Code)
	}
}

// Install registers only the Kubernetes paths, so it does not panic on a
// ServeMux where the application already has /status, /ready and /health;
// the application's routes keep answering.
func TestInstallNextToApplicationRoutes(t *testing.T) {
	_, h := fixture(t, false)
	mux := http.NewServeMux()
	for _, p := range []string{"/status", "/status/", "/ready", "/health", "/health/live", "/alive"} {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("app")) })
	}
	h.Install(mux) // a ServeMux panics on a pattern registered twice
	for _, p := range []string{"/status", "/ready", "/health"} {
		if w := do(mux, "GET", p); w.Body.String() != "app" {
			t.Errorf("GET %s = %q, want the application's answer", p, w.Body)
		}
	}
	if w := do(mux, "GET", "/readyz/db"); w.Code != 200 {
		t.Errorf("GET /readyz/db = %d", w.Code)
	}
}

// Each compatible system mounts on its own: it registers its paths only,
// answers them, and leaves the others to the application.
func TestEachCompatSystemOnItsOwn(t *testing.T) {
	_, h := fixture(t, false)
	systems := []struct {
		name    string
		install func(vitalshttp.Mux)
		serves  []string
	}{
		{"chorus", compat.Chorus(h).Install, []string{"/health", "/health/ready", "/health/live", "/health/checks"}},
		{"regiocom", compat.Regiocom(h).Install, []string{"/alive", "/ready", "/.well-known/alive", "/.well-known/ready"}},
		{"axway", compat.Axway(h).Install, []string{"/status", "/status/db"}},
	}
	all := []string{"/health", "/health/ready", "/alive", "/ready", "/status", "/status/db", "/readyz"}
	for _, s := range systems {
		t.Run(s.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("app")) })
			s.install(mux)
			for _, p := range all {
				w := do(mux, "GET", p)
				mine := false
				for _, q := range s.serves {
					mine = mine || q == p
				}
				switch {
				case mine && (w.Code != 200 || !json.Valid(w.Body.Bytes()) || w.Header().Get("Etag") == ""):
					t.Errorf("GET %s = %d %q, want a 200 JSON answer with an ETag", p, w.Code, w.Body)
				case !mine && w.Body.String() != "app":
					t.Errorf("GET %s = %d %q: answered by %s", p, w.Code, w.Body, s.name)
				}
			}
			for _, p := range s.serves {
				if w := do(mux, "GET", p); w.Code != 200 {
					t.Errorf("GET %s = %d", p, w.Code)
				}
			}
		})
	}
}

// pprof is for authorised callers only, wherever it is mounted.
func TestPprofRefusesAnonymousCallers(t *testing.T) {
	_, h := fixture(t, false)
	mux := http.NewServeMux()
	mux.Handle("/debug/pprof/", h.Pprof())
	mux.Handle("/ops/pprof/", h.Pprof())
	for _, p := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/heap", "/ops/pprof/goroutine"} {
		if w := do(mux, "GET", p); w.Code != http.StatusForbidden || strings.Contains(w.Body.String(), "vitalshttp.test") {
			t.Errorf("anonymous GET %s = %d %q", p, w.Code, w.Body)
		}
		if w := do(mux, "GET", p, "Authorization", "Bearer wrong"); w.Code != http.StatusForbidden {
			t.Errorf("GET %s with a wrong token = %d", p, w.Code)
		}
		if w := do(mux, "GET", p+"?debug=1", "Authorization", "Bearer "+token); w.Code != 200 || w.Body.Len() == 0 {
			t.Errorf("GET %s with the token = %d", p, w.Code)
		}
	}
}

// PublicPprof serves anyone, as Axway's NewServer(true) does when asked.
func TestPublicPprofServesAnyone(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/debug/pprof/", vitalshttp.PublicPprof())
	for _, p := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/goroutine?debug=1"} {
		if w := do(mux, "GET", p); w.Code != 200 || w.Body.Len() == 0 {
			t.Errorf("anonymous GET %s = %d", p, w.Code)
		}
	}
}

// A CPU profile longer than the server's WriteTimeout is served: no
// server timeout has to leave room for pprof.
func TestPprofProfileOutlivesWriteTimeout(t *testing.T) {
	_, h := fixture(t, false)
	srv := httptest.NewUnstartedServer(h.Pprof())
	srv.Config.WriteTimeout = 200 * time.Millisecond
	srv.Start()
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/debug/pprof/profile?seconds=1", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || len(body) == 0 {
		t.Errorf("profile = %d, %d bytes, %v: %.200s", resp.StatusCode, len(body), err, body)
	}
}
