package remote_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/remote"
	"github.com/vitalsgo/vitals/internal/testproxy"
	"github.com/vitalsgo/vitals/internal/testservice"
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

func check(t *testing.T, url string, o *remote.Options) vitals.Result {
	t.Helper()
	c, err := remote.New(url, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.Check(ctx)
}

func TestHealthy(t *testing.T) {
	s := service(t)
	r := check(t, s.URL+"/readyz", nil)
	if r.Status != vitals.StatusPass || r.Details["status_code"] != 200 || r.Details["body_excerpt"] != `{"status":"pass"}` || r.Unit != "ms" {
		t.Fatalf("result = %v %q %v", r.Status, r.Message, r.Details)
	}
}

func TestUnhealthy(t *testing.T) {
	s := service(t)
	r := check(t, s.URL+"/broken", nil)
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
	if r := check(t, s.URL+"/auth", nil); r.Status != vitals.StatusFail || r.Details["status_code"] != 401 {
		t.Fatalf("without: %v %q", r.Status, r.Message)
	}
	if r := check(t, s.URL+"/auth", &remote.Options{Header: http.Header{"Authorization": {"Bearer t0ken"}}}); r.Status != vitals.StatusPass {
		t.Fatalf("with: %v %q", r.Status, r.Message)
	}
}

// countingTransport counts the body bytes a client reads.
type countingTransport struct {
	rt   http.RoundTripper
	read atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(req)
	if err == nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &c.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

func TestEndlessBodyIsCapped(t *testing.T) {
	s := service(t)
	ct := &countingTransport{rt: &http.Transport{DisableKeepAlives: true}}
	const limit = 256 << 10
	r := check(t, s.URL+"/endless", &remote.Options{MaxBodyBytes: limit, Client: &http.Client{Transport: ct}})
	if r.Status != vitals.StatusPass {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
	if n := ct.read.Load(); n > limit {
		t.Fatalf("read %d body bytes, cap %d", n, limit)
	}
	if ex := r.Details["body_excerpt"].(string); len(ex) > 210 {
		t.Fatalf("excerpt of %d bytes", len(ex))
	}
}

func TestConnectionFaults(t *testing.T) {
	closed := "http://" + testservice.ClosedAddr(t) + "/readyz"
	if r := check(t, closed, nil); r.Status != vitals.StatusFail || !strings.Contains(r.Message, "connection refused") {
		t.Fatalf("closed port: %v %q", r.Status, r.Message)
	}

	// Accepts and never answers.
	c, err := remote.New("http://"+testservice.BlackholeAddr(t)+"/readyz", nil)
	if err != nil {
		t.Fatal(err)
	}
	const timeout = 300 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	r := c.Check(ctx)
	if el := time.Since(start); el > timeout+time.Second {
		t.Fatalf("blackhole: returned after %v, past the %v timeout", el, timeout)
	}
	if r.Status != vitals.StatusFail || !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Fatalf("blackhole: %v %q", r.Status, r.Message)
	}
}

func TestCutAndRestore(t *testing.T) {
	s := service(t)
	p := testproxy.Start(t, s.Listener.Addr().String())
	url := "http://" + p.Addr() + "/readyz"
	if r := check(t, url, nil); r.Status != vitals.StatusPass {
		t.Fatalf("through the proxy: %v %q", r.Status, r.Message)
	}
	p.Cut()
	if r := check(t, url, nil); r.Status != vitals.StatusFail {
		t.Fatalf("cut: %v %q", r.Status, r.Message)
	}
	p.Restore()
	if r := check(t, url, nil); r.Status != vitals.StatusPass {
		t.Fatalf("restored: %v %q", r.Status, r.Message)
	}
}

func TestInvalid(t *testing.T) {
	for _, u := range []string{"://x", "tcp://host:1", "http://", "http://u:pa55word@ho st/"} {
		_, err := remote.New(u, nil)
		if err == nil || strings.Contains(err.Error(), "pa55word") {
			t.Errorf("New(%q) = %v, want an error without the password", u, err)
		}
	}
	if _, err := remote.New("http://x/", &remote.Options{MaxBodyBytes: -1}); err == nil {
		t.Error("negative MaxBodyBytes: no error")
	}
}
