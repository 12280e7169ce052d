package remote_test

import (
	"crypto/tls"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/remote"
	"github.com/vitalsgo/vitals/internal/testcert"
)

// Expect sees the response as the check read it, with the remote status.
func TestExpectSeesTheResponse(t *testing.T) {
	s := service(t)
	var got *remote.Response
	keep := func(resp *remote.Response) error { got = resp; return nil }
	r := checktest.CheckNew(t, remote.New, s.URL+"/readyz", &remote.Options{Expect: keep})
	if r.Status != vitals.StatusPass || got == nil {
		t.Fatalf("result = %v %q, Expect called: %v", r.Status, r.Message, got != nil)
	}
	if got.Code != 200 || got.Header.Get("Content-Type") != "application/health+json" || string(got.Body) != `{"status":"pass"}` ||
		got.Status != vitals.StatusPass || got.Truncated || !got.CertExpiry.IsZero() || got.Latency <= 0 {
		t.Fatalf("Response = %+v", got)
	}
	if r := checktest.CheckNew(t, remote.New, s.URL+"/vitals", &remote.Options{Expect: keep}); r.Status != vitals.StatusWarn || got.Status != vitals.StatusWarn {
		t.Fatalf("a remote warn: %v %q, Expect saw %v", r.Status, r.Message, got.Status)
	}
	got = nil
	checktest.CheckNew(t, remote.New, s.URL+"/endless", &remote.Options{MaxBodyBytes: 1000, Expect: keep})
	if got == nil || len(got.Body) != 1000 || !got.Truncated {
		t.Fatalf("a capped body: %+v", got)
	}
}

// Expect's error fails the check: its text, redacted, is in the message,
// the error itself in Err; what the remote said stays in Details.
func TestExpectFails(t *testing.T) {
	s := service(t)
	errSlow := errors.New("status == pass: was warn (token=t0psecret)")
	r := checktest.CheckNew(t, remote.New, s.URL+"/vitals", &remote.Options{Expect: func(*remote.Response) error { return errSlow }})
	if want := "GET " + s.URL + "/vitals: status == pass: was warn (token=***)"; r.Status != vitals.StatusFail || r.Message != want || !errors.Is(r.Err, errSlow) {
		t.Fatalf("result = %v %q %v, want fail %q", r.Status, r.Message, r.Err, want)
	}
	if r.Details["remote_status"] != "warn" || r.Observed != 1 {
		t.Fatalf("details = %v, observed %v", r.Details, r.Observed)
	}
}

// A remote fail, or an answer that is no health report, fails the check
// on its own: Expect is not asked.
func TestExpectNotCalledOnFailure(t *testing.T) {
	s := service(t)
	called := 0
	o := &remote.Options{Expect: func(*remote.Response) error { called++; return nil }}
	for _, path := range []string{"/spring", "/broken", "/auth", "/garble"} {
		if r := checktest.CheckNew(t, remote.New, s.URL+path, o); r.Status != vitals.StatusFail || called != 0 {
			t.Fatalf("%s: %v %q, Expect called %d times", path, r.Status, r.Message, called)
		}
	}
}

// CertExpiry is the NotAfter of the leaf the server presented.
func TestExpectCertExpiry(t *testing.T) {
	ca := testcert.NewCA(t, "vitals test CA")
	notAfter := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Second)
	s := ca.Server(t, notAfter)

	var got time.Time
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}, DisableKeepAlives: true}}
	r := checktest.CheckNew(t, remote.New, s.URL, &remote.Options{Client: client, Expect: func(resp *remote.Response) error {
		got = resp.CertExpiry
		return nil
	}})
	if r.Status != vitals.StatusPass || !got.Equal(notAfter) {
		t.Fatalf("result %v %q, CertExpiry = %v, want %v", r.Status, r.Message, got, notAfter)
	}
}
