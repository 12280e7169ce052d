package httpcheck_test

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	httpcheck "github.com/vitalsgo/vitals/checks/http"
	"github.com/vitalsgo/vitals/internal/testcert"
)

// Expect sees the response as the check read it: status, header, body,
// the latency the check reports, no certificate without TLS.
func TestExpectSeesTheResponse(t *testing.T) {
	s := server(t)
	var got *httpcheck.Response
	r := checktest.CheckNew(t, httpcheck.New, s.URL+"/health", &httpcheck.Options{Expect: func(resp *httpcheck.Response) error {
		got = resp
		return nil
	}})
	if r.Status != vitals.StatusPass || got == nil {
		t.Fatalf("result = %v %q, Expect called: %v", r.Status, r.Message, got != nil)
	}
	if got.Code != 200 || got.Header.Get("Content-Type") != "application/json" || !strings.HasPrefix(string(got.Body), `{"status":"UP"`) ||
		got.Truncated || !got.CertExpiry.IsZero() {
		t.Fatalf("Response = %d %v %q truncated %v cert %v", got.Code, got.Header, got.Body, got.Truncated, got.CertExpiry)
	}
	if ms := float64(got.Latency.Microseconds()) / 1000; got.Latency <= 0 || ms != r.Observed {
		t.Fatalf("Latency %v, observed %v ms: want the same", got.Latency, r.Observed)
	}

	got = nil
	checktest.CheckNew(t, httpcheck.New, s.URL+"/endless", &httpcheck.Options{MaxBodyBytes: 1000, Expect: func(resp *httpcheck.Response) error {
		got = resp
		return nil
	}})
	if got == nil || len(got.Body) != 1000 || !got.Truncated {
		t.Fatalf("a capped body: %+v", got)
	}
	got = nil
	checktest.CheckNew(t, httpcheck.New, s.URL+"/ok", &httpcheck.Options{Method: http.MethodHead, Expect: func(resp *httpcheck.Response) error {
		got = resp
		return nil
	}})
	if got == nil || len(got.Body) != 0 || got.Code != 200 {
		t.Fatalf("HEAD: %+v", got)
	}
}

// Expect's error fails the check: its text, redacted, is in the message,
// and the error itself in Err.
func TestExpectFails(t *testing.T) {
	s := server(t)
	errDown := errors.New(`body.status == "DOWN": was "UP" (seen with password=hunter2)`)
	r := checktest.CheckNew(t, httpcheck.New, s.URL+"/health", &httpcheck.Options{Expect: func(*httpcheck.Response) error { return errDown }})
	want := fmt.Sprintf(`GET %s/health: body.status == "DOWN": was "UP" (seen with password=***)`, s.URL)
	if r.Status != vitals.StatusFail || r.Message != want || !errors.Is(r.Err, errDown) {
		t.Fatalf("result = %v %q %v, want fail %q", r.Status, r.Message, r.Err, want)
	}
	if r.Details["status_code"] != 200 || r.Observed == nil {
		t.Fatalf("details = %v, observed %v", r.Details, r.Observed)
	}
}

// Expect judges only a response that met the other conditions; one that
// it accepts still warns when slow.
func TestExpectAfterTheOtherConditions(t *testing.T) {
	s := server(t)
	called := 0
	count := func(*httpcheck.Response) error { called++; return nil }
	for _, tt := range []struct {
		path string
		o    httpcheck.Options
	}{
		{"/status/503", httpcheck.Options{}},
		{"/ok", httpcheck.Options{BodyContains: "bad"}},
		{"/health", httpcheck.Options{JSONPath: "status", JSONValue: "DOWN"}},
	} {
		tt.o.Expect = count
		if r := checktest.CheckNew(t, httpcheck.New, s.URL+tt.path, &tt.o); r.Status != vitals.StatusFail || called != 0 {
			t.Fatalf("%s: %v %q, Expect called %d times", tt.path, r.Status, r.Message, called)
		}
	}
	r := checktest.CheckNew(t, httpcheck.New, s.URL+"/slow/50", &httpcheck.Options{MaxResponseTime: 10 * time.Millisecond, Expect: count})
	if r.Status != vitals.StatusWarn || called != 1 {
		t.Fatalf("slow: %v %q, Expect called %d times", r.Status, r.Message, called)
	}
}

// CertExpiry is the NotAfter of the leaf the server presented.
func TestExpectCertExpiry(t *testing.T) {
	ca := testcert.NewCA(t, "vitals test CA")
	notAfter := time.Now().Add(10 * 24 * time.Hour).Truncate(time.Second)
	s := ca.Server(t, notAfter)

	var got time.Time
	r := checktest.CheckNew(t, httpcheck.New, s.URL, &httpcheck.Options{TLSConfig: &tls.Config{RootCAs: ca.Pool()}, Expect: func(resp *httpcheck.Response) error {
		got = resp.CertExpiry
		if left := time.Until(resp.CertExpiry); left < 14*24*time.Hour {
			return fmt.Errorf("cert_expiry > 14d: was %v", left.Round(24*time.Hour))
		}
		return nil
	}})
	if !got.Equal(notAfter) {
		t.Fatalf("CertExpiry = %v, want %v", got, notAfter)
	}
	if r.Status != vitals.StatusFail || !strings.HasSuffix(r.Message, "cert_expiry > 14d: was 240h0m0s") {
		t.Fatalf("result = %v %q", r.Status, r.Message)
	}
}
