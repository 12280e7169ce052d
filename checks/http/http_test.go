package httpcheck_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	httpcheck "github.com/vitalsgo/vitals/checks/http"
	"github.com/vitalsgo/vitals/checks/internal/httpfault"
)

func TestPass(t *testing.T) {
	s := server(t)
	r := checktest.CheckNew(t, httpcheck.New, s.URL+"/ok", nil)
	if r.Status != vitals.StatusPass || !strings.Contains(r.Message, "200 OK") || r.Unit != "ms" {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
	if r.Details["status_code"] != 200 || r.Details["bytes_read"] != len("all good") || r.Details["method"] != "GET" {
		t.Fatalf("details = %v", r.Details)
	}
	if ms, ok := r.Observed.(float64); !ok || ms <= 0 {
		t.Fatalf("observed = %v", r.Observed)
	}
}

func TestStatus(t *testing.T) {
	s := server(t)
	tests := []struct {
		path   string
		want   []int
		status vitals.Status
		msg    string
	}{
		{"/status/204", nil, vitals.StatusPass, "204"},
		{"/status/201", []int{200, 204}, vitals.StatusFail, "status 201 Created, want 200 or 204"},
		{"/status/503", []int{503}, vitals.StatusPass, "503"},
		{"/status/404", nil, vitals.StatusFail, "status 404 Not Found, want 2xx"},
	}
	for _, tt := range tests {
		r := checktest.CheckNew(t, httpcheck.New, s.URL+tt.path, &httpcheck.Options{Status: tt.want})
		if r.Status != tt.status || !strings.Contains(r.Message, tt.msg) {
			t.Errorf("%s: %v %q, want %v containing %q", tt.path, r.Status, r.Message, tt.status, tt.msg)
		}
	}
}

func TestUnexpectedStatusShowsRedactedExcerpt(t *testing.T) {
	s := server(t)
	r := checktest.CheckNew(t, httpcheck.New, s.URL+"/down", nil)
	if r.Status != vitals.StatusFail || r.Details["status_code"] != 503 {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
	ex, _ := r.Details["body_excerpt"].(string)
	if !strings.Contains(ex, `"status":"DOWN"`) || strings.Contains(ex, "hunter2") || strings.Contains(ex, "abc123") {
		t.Fatalf("excerpt = %q, want the body with secrets redacted", ex)
	}
}

func TestBodyContains(t *testing.T) {
	s := server(t)
	if r := checktest.CheckNew(t, httpcheck.New, s.URL+"/ok", &httpcheck.Options{BodyContains: "good"}); r.Status != vitals.StatusPass {
		t.Fatalf("present: %v %q", r.Status, r.Message)
	}
	r := checktest.CheckNew(t, httpcheck.New, s.URL+"/ok", &httpcheck.Options{BodyContains: "bad"})
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, `the body does not contain "bad"`) {
		t.Fatalf("absent: %v %q", r.Status, r.Message)
	}
}

func TestJSONField(t *testing.T) {
	s := server(t)
	tests := []struct {
		path, value string
		ok          bool
		msg         string
	}{
		{"status", "UP", true, ""},
		{"details.db.status", "DOWN", true, ""},
		{"details.db.latency", "12", true, ""},
		{"checks.0.ok", "true", true, ""},
		{"extra", "null", true, ""},
		{"details.db.status", "UP", false, `JSON field details.db.status is "DOWN", want "UP"`},
		{"details.cache.status", "UP", false, "JSON field details.cache is missing"},
		{"checks.3.ok", "true", false, "JSON field checks.3 is missing (array of 1)"},
		{"status.code", "UP", false, "status is not an object"},
		{"details", "UP", false, "is an object or array"},
	}
	for _, tt := range tests {
		r := checktest.CheckNew(t, httpcheck.New, s.URL+"/health", &httpcheck.Options{JSONPath: tt.path, JSONValue: tt.value})
		if (r.Status == vitals.StatusPass) != tt.ok || !strings.Contains(r.Message, tt.msg) {
			t.Errorf("%s == %s: %v %q", tt.path, tt.value, r.Status, r.Message)
		}
	}
	r := checktest.CheckNew(t, httpcheck.New, s.URL+"/ok", &httpcheck.Options{JSONPath: "status", JSONValue: "UP"})
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "body is not JSON") {
		t.Fatalf("not JSON: %v %q", r.Status, r.Message)
	}
}

func TestSlowResponse(t *testing.T) {
	s := server(t)
	r := checktest.CheckNew(t, httpcheck.New, s.URL+"/slow/100", &httpcheck.Options{MaxResponseTime: 20 * time.Millisecond})
	if r.Status != vitals.StatusWarn || !strings.Contains(r.Message, "slow response") {
		t.Fatalf("over MaxResponseTime: %v %q, want warn", r.Status, r.Message)
	}
	if ms := r.Observed.(float64); ms < 100 {
		t.Fatalf("observed %vms, want at least the server's 100ms", ms)
	}

	r = checktest.WantTimeout(t, checktest.MustNew(t, httpcheck.New, s.URL+"/slow/10000", nil), 300*time.Millisecond)
	if !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Fatalf("past the deadline: %v %q, want a deadline failure", r.Status, r.Message)
	}
}

func TestEndlessBodyIsCapped(t *testing.T) {
	s := server(t)
	// The default cap, over a real connection.
	r := checktest.CheckNew(t, httpcheck.New, s.URL+"/endless", &httpcheck.Options{BodyContains: "needle"})
	if r.Status != vitals.StatusFail || r.Details["bytes_read"] != httpcheck.DefaultMaxBodyBytes || r.Details["body_truncated"] != true {
		t.Fatalf("result = %v %q %v", r.Status, r.Message, r.Details["bytes_read"])
	}
	if !strings.Contains(r.Message, "in its first 1048576 bytes") {
		t.Fatalf("message = %q", r.Message)
	}

	// Count what the client actually takes off the connection.
	const limit = 64 << 10
	for _, o := range []httpcheck.Options{
		{MaxBodyBytes: limit},
		{MaxBodyBytes: limit, JSONPath: "status", JSONValue: "UP"},
	} {
		ct := httpfault.NewCountingTransport()
		o.Client = &http.Client{Transport: ct}
		r := checktest.CheckNew(t, httpcheck.New, s.URL+"/endless", &o)
		if got := ct.Read(); got > limit {
			t.Fatalf("read %d body bytes, cap %d", got, limit)
		}
		if o.JSONPath == "" && r.Status != vitals.StatusPass {
			t.Fatalf("status only: %v %q", r.Status, r.Message)
		}
		if o.JSONPath != "" && (r.Status != vitals.StatusFail || !strings.Contains(r.Message, "byte limit")) {
			t.Fatalf("JSON of a capped body: %v %q", r.Status, r.Message)
		}
	}
}

func TestRedirects(t *testing.T) {
	s := server(t)
	r := checktest.CheckNew(t, httpcheck.New, s.URL+"/redirect", nil)
	if r.Status != vitals.StatusPass || r.Details["final_url"] != s.URL+"/ok" {
		t.Fatalf("followed: %v %q %v", r.Status, r.Message, r.Details)
	}
	if r := checktest.CheckNew(t, httpcheck.New, s.URL+"/redirect", &httpcheck.Options{NoRedirects: true}); r.Status != vitals.StatusFail || r.Details["status_code"] != 302 {
		t.Fatalf("not followed: %v %q", r.Status, r.Message)
	}
	if r := checktest.CheckNew(t, httpcheck.New, s.URL+"/redirect", &httpcheck.Options{NoRedirects: true, Status: []int{302}}); r.Status != vitals.StatusPass {
		t.Fatalf("302 expected: %v %q", r.Status, r.Message)
	}
	r = checktest.CheckNew(t, httpcheck.New, s.URL+"/loop", &httpcheck.Options{MaxRedirects: 3})
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "stopped after 3 redirects") {
		t.Fatalf("loop: %v %q", r.Status, r.Message)
	}
}

func TestHeadersAndHEAD(t *testing.T) {
	s := server(t)
	r := checktest.CheckNew(t, httpcheck.New, s.URL+"/headers", &httpcheck.Options{Header: http.Header{"X-Probe": {"1"}}, BodyContains: "ua=vitals-healthcheck probe=1"})
	if r.Status != vitals.StatusPass {
		t.Fatalf("headers: %v %q", r.Status, r.Message)
	}
	r = checktest.CheckNew(t, httpcheck.New, s.URL+"/headers", &httpcheck.Options{Header: http.Header{"User-Agent": {"mine"}}, BodyContains: "ua=mine"})
	if r.Status != vitals.StatusPass {
		t.Fatalf("own User-Agent: %v %q", r.Status, r.Message)
	}
	r = checktest.CheckNew(t, httpcheck.New, s.URL+"/ok", &httpcheck.Options{Method: http.MethodHead})
	if r.Status != vitals.StatusPass || r.Details["method"] != "HEAD" || r.Details["bytes_read"] != 0 {
		t.Fatalf("HEAD: %v %q %v", r.Status, r.Message, r.Details)
	}
}

func TestTLS(t *testing.T) {
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(s.Close)

	r := checktest.CheckNew(t, httpcheck.New, s.URL, nil)
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "certificate") {
		t.Fatalf("verification on by default: %v %q, want an untrusted certificate", r.Status, r.Message)
	}
	if r := checktest.CheckNew(t, httpcheck.New, s.URL, &httpcheck.Options{InsecureSkipVerify: true}); r.Status != vitals.StatusPass {
		t.Fatalf("InsecureSkipVerify: %v %q", r.Status, r.Message)
	}
	roots := x509.NewCertPool()
	roots.AddCert(s.Certificate())
	if r := checktest.CheckNew(t, httpcheck.New, s.URL, &httpcheck.Options{TLSConfig: &tls.Config{RootCAs: roots}}); r.Status != vitals.StatusPass {
		t.Fatalf("private root: %v %q", r.Status, r.Message)
	}
	if r := checktest.CheckNew(t, httpcheck.New, s.URL, &httpcheck.Options{Client: s.Client()}); r.Status != vitals.StatusPass {
		t.Fatalf("caller's client: %v %q", r.Status, r.Message)
	}
}

// TestConformance runs the checker suite against the test server; the
// password is a URL's, sent as basic authentication.
func TestConformance(t *testing.T) {
	addr := server(t).Listener.Addr().String()
	checktest.Run(t, checktest.Config{
		Name:    "the test HTTP server",
		Details: []string{"status_code", "response_ms", "bytes_read"},
		Addr:    addr,
		New: func(addr string) (vitals.Checker, error) {
			return httpcheck.New("http://"+addr+"/ok", nil)
		},
		NewWithPassword: func(addr, password string) (vitals.Checker, error) {
			return httpcheck.New("http://app:"+password+"@"+addr+"/private", nil)
		},
	})
}

func TestInvalid(t *testing.T) {
	checktest.WantRefusals(t, httpcheck.New, "s3cret", []checktest.Refusal[httpcheck.Options]{
		{Name: "no scheme", Arg: "://bad", Want: "httpcheck: "},
		{Name: "ftp", Arg: "ftp://example.com/", Want: "httpcheck: "},
		{Name: "no host", Arg: "http://", Want: "httpcheck: "},
		{Name: "relative", Arg: "example.com/health", Want: "httpcheck: "},
		{Name: "space in host", Arg: "http://app:s3cret-pw@exa mple.com/", Want: "httpcheck: "},
		{Name: "POST", Arg: "http://example.com/", Opts: &httpcheck.Options{Method: "POST"}, Want: "POST"},
		{Name: "HEAD with a body match", Arg: "http://example.com/", Opts: &httpcheck.Options{Method: "HEAD", BodyContains: "x"}, Want: "HEAD"},
		{Name: "status 42", Arg: "http://example.com/", Opts: &httpcheck.Options{Status: []int{42}}, Want: "42"},
		{Name: "empty JSONPath segment", Arg: "http://example.com/", Opts: &httpcheck.Options{JSONPath: "a..b"}, Want: "empty segment"},
		{Name: "JSONValue alone", Arg: "http://example.com/", Opts: &httpcheck.Options{JSONValue: "UP"}, Want: "JSONPath"},
		{Name: "negative MaxResponseTime", Arg: "http://example.com/", Opts: &httpcheck.Options{MaxResponseTime: -1}, Want: "negative MaxResponseTime"},
		{Name: "negative MaxBodyBytes", Arg: "http://example.com/", Opts: &httpcheck.Options{MaxBodyBytes: -1}, Want: "negative MaxBodyBytes"},
		{Name: "negative MaxRedirects", Arg: "http://example.com/", Opts: &httpcheck.Options{MaxRedirects: -1}, Want: "negative MaxRedirects"},
		{Name: "Client with InsecureSkipVerify", Arg: "http://example.com/", Opts: &httpcheck.Options{Client: http.DefaultClient, InsecureSkipVerify: true}, Want: "cannot be used with Client"},
	})
}

// server is a real HTTP server on loopback with a few endpoints.
func server(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "all good")
	})
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"UP","details":{"db":{"status":"DOWN","latency":12}},"checks":[{"name":"cache","ok":true}],"extra":null}`)
	})
	mux.HandleFunc("/down", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"status":"DOWN","error":"dial postgres://app:hunter2@db/app failed","token=abc123":1}`)
	})
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		var code int
		fmt.Sscan(r.PathValue("code"), &code)
		w.WriteHeader(code)
	})
	mux.HandleFunc("/slow/{ms}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("ms"), &n)
		select {
		case <-time.After(time.Duration(n) * time.Millisecond):
			io.WriteString(w, "late")
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 32<<10))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ok", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/private", func(w http.ResponseWriter, r *http.Request) {
		if _, pw, _ := r.BasicAuth(); pw != "right" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	})
	mux.HandleFunc("/headers", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "ua=%s probe=%s", r.UserAgent(), r.Header.Get("X-Probe"))
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}
