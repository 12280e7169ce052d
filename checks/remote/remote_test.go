package remote_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/internal/httpfault"
	"github.com/vitalsgo/vitals/checks/remote"
	"github.com/vitalsgo/vitals/client"
)

// service is another service's health endpoint, served for real.
func service(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/health+json")
		io.WriteString(w, `{"status":"pass"}`)
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"status":"fail","output":"connect postgres://svc:hunter2@db:5432/app: refused"}`+strings.Repeat(" pad", 200))
	})
	mux.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer t0ken" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	})
	mux.HandleFunc("/private", func(w http.ResponseWriter, r *http.Request) {
		if _, pw, _ := r.BasicAuth(); pw != "right" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	})
	// Bodies that say unhealthy under a 200, in the formats of the systems
	// vitals replaces.
	for path, body := range map[string]string{
		"/tabby":  `{"status":"unhealthy","issues":[{"time":"2025-03-01T13:00:00Z","description":"CUDA out of memory"}]}`,
		"/axway":  `{"result":"FAIL","details":"gateway: connection refused"}`,
		"/spring": `{"status":"DOWN","components":{"db":{"status":"DOWN","details":{"error":"refused"}},"disk":{"status":"UP"}}}`,
		"/vitals": `{"status":"warn","checks":{"cache":{"status":"warn","message":"slow"},"db":{"status":"pass"}}}`,
		"/garble": `{"status":`,
	} {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
		})
	}
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("y", 16<<10))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func TestHealthy(t *testing.T) {
	s := service(t)
	r := checktest.CheckNew(t, remote.New, s.URL+"/readyz", nil)
	if r.Status != vitals.StatusPass || r.Details["status_code"] != 200 || r.Details["body_excerpt"] != `{"status":"pass"}` ||
		r.Details["remote_status"] != "pass" || r.Observed != 0 || r.Unit != "issues" {
		t.Fatalf("result = %v %q %v", r.Status, r.Message, r.Details)
	}
}

// A 200 whose body says unhealthy is the remote status, in every format the
// client reads; the failing sub-checks and issues are in Details, and their
// count is the observed value. A body that claims JSON and is not fails.
func TestRemoteStatusFromTheBody(t *testing.T) {
	s := service(t)
	tests := []struct {
		path    string
		status  vitals.Status
		failing []string
		issues  int
	}{
		{"/tabby", vitals.StatusFail, nil, 1},
		{"/axway", vitals.StatusFail, nil, 0},
		{"/spring", vitals.StatusFail, []string{"db fail"}, 0},
		{"/vitals", vitals.StatusWarn, []string{"cache warn"}, 0},
	}
	for _, tt := range tests {
		r := checktest.CheckNew(t, remote.New, s.URL+tt.path, nil)
		failing, _ := r.Details["failing"].([]string)
		if r.Status != tt.status || r.Details["remote_status"] != tt.status.String() || strings.Join(failing, ",") != strings.Join(tt.failing, ",") ||
			r.Observed != len(tt.failing)+tt.issues || !strings.Contains(r.Message, "200 OK") || !strings.Contains(r.Message, "remote status "+tt.status.String()) {
			t.Errorf("%s: %v %q observed %v details %v", tt.path, r.Status, r.Message, r.Observed, r.Details)
		}
	}
	if r := checktest.CheckNew(t, remote.New, s.URL+"/garble", nil); r.Status != vitals.StatusFail || !strings.Contains(r.Message, "not a health report") {
		t.Errorf("/garble: %v %q", r.Status, r.Message)
	}
}

func TestUnhealthy(t *testing.T) {
	s := service(t)
	r := checktest.CheckNew(t, remote.New, s.URL+"/broken", nil)
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "503 Service Unavailable") || r.Details["status_code"] != 503 {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
	ex := r.Details["body_excerpt"].(string)
	if !strings.Contains(ex, `"status":"fail"`) || strings.Contains(ex, "hunter2") || len(ex) > 210 {
		t.Fatalf("excerpt = %q, want short and redacted", ex)
	}
}

func TestHeader(t *testing.T) {
	s := service(t)
	if r := checktest.CheckNew(t, remote.New, s.URL+"/auth", nil); r.Status != vitals.StatusFail || r.Details["status_code"] != 401 {
		t.Fatalf("without: %v %q", r.Status, r.Message)
	}
	if r := checktest.CheckNew(t, remote.New, s.URL+"/auth", &remote.Options{Header: http.Header{"Authorization": {"Bearer t0ken"}}}); r.Status != vitals.StatusPass {
		t.Fatalf("with: %v %q", r.Status, r.Message)
	}
}

func TestEndlessBodyIsCapped(t *testing.T) {
	s := service(t)
	ct := httpfault.NewCountingTransport()
	const limit = 256 << 10
	r := checktest.CheckNew(t, remote.New, s.URL+"/endless", &remote.Options{MaxBodyBytes: limit, Client: &http.Client{Transport: ct}})
	if r.Status != vitals.StatusPass {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
	if n := ct.Read(); n > limit {
		t.Fatalf("read %d body bytes, cap %d", n, limit)
	}
	if ex := r.Details["body_excerpt"].(string); len(ex) > 210 {
		t.Fatalf("excerpt of %d bytes", len(ex))
	}
}

// TestConformance runs the checker suite against the test service; the
// password is a URL's, sent as basic authentication.
func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name: "the test service",
		Addr: service(t).Listener.Addr().String(),
		NewWithPassword: func(addr, password string) (vitals.Checker, error) {
			return remote.New("http://app:"+password+"@"+addr+"/private", nil)
		},
		New: func(addr string) (vitals.Checker, error) {
			return remote.New("http://"+addr+"/readyz", nil)
		},
		Details: []string{"status_code", "response_ms", "body_excerpt", "remote_status", "format"},
	})
}

func TestInvalid(t *testing.T) {
	checktest.WantRefusals(t, remote.New, "pa55word", []checktest.Refusal[remote.Options]{
		{Name: "negative MaxBodyBytes", Arg: "http://x/", Opts: &remote.Options{MaxBodyBytes: -1}, Want: "negative MaxBodyBytes"},
		{Name: "no scheme", Arg: "://x", Want: "remote: "},
		{Name: "tcp", Arg: "tcp://host:1", Want: "remote: "},
		{Name: "no host", Arg: "http://", Want: "remote: "},
		{Name: "space in host", Arg: "http://u:pa55word@ho st/", Want: "remote: "},
	})
}

// With SubChecks, Details list every sub-check of the endpoint, passing
// ones too, with their messages.
func TestSubChecks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"warn","checks":{"db":{"status":"pass"},"cache":{"status":"warn","message":"slow"}}}`)
	}))
	defer srv.Close()
	c, err := remote.New(srv.URL, &remote.Options{SubChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	r := c.Check(context.Background())
	subs, _ := r.Details["checks"].([]client.Check)
	got := map[string]string{}
	for _, s := range subs {
		got[s.Name] = s.Status.String() + " " + s.Message
	}
	if r.Status != vitals.StatusWarn || got["db"] != "pass " || got["cache"] != "warn slow" {
		t.Errorf("status %v, sub-checks %v", r.Status, got)
	}
	c, _ = remote.New(srv.URL, nil)
	if _, listed := c.Check(context.Background()).Details["checks"]; listed {
		t.Error("without SubChecks the details list every sub-check")
	}
}
