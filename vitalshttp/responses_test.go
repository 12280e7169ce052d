package vitalshttp_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
)

func TestServeStopTwice(t *testing.T) {
	_, h := fixture(t, false)
	_, stop, err := vitalshttp.Serve("127.0.0.1:0", h)
	if err != nil {
		t.Fatal(err)
	}
	if err := stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := stop(context.Background()); err != nil { // must not hang
		t.Fatal(err)
	}
}

type dbConfig struct {
	Host     string
	Password string
	DSN      string
}

// Details of any type are redacted, and values JSON cannot carry do not
// break the body.
func TestDetailsOfAnyTypeAreSafe(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db", vitals.ResultFunc(func(context.Context) vitals.Result {
		return vitals.Result{Status: vitals.StatusPass, Observed: math.NaN(), Details: map[string]any{
			"cfg":   dbConfig{Host: "db", Password: "hunter2", DSN: "postgres://u:s3cret@db/x"},
			"raw":   []byte("token=abc123"),
			"ratio": math.Inf(1),
			"urls":  []string{"amqp://guest:guest@mq/"},
		}}
	}))
	m.RunOnce(context.Background())
	h := everything(vitalshttp.New(m, &vitalshttp.Options{PublicDetails: true}))
	for _, target := range []string{"/readyz", "/readyz/db", "/readyz?format=ietf", "/health"} {
		w := do(h, "GET", target)
		body := w.Body.String()
		if w.Code != 200 {
			t.Errorf("%s = %d: %s", target, w.Code, body)
		}
		for _, secret := range []string{"hunter2", "s3cret", "abc123", "guest@"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s leaked %q: %s", target, secret, body)
			}
		}
	}
}

func TestExcludeIgnoredOnCompatEndpoints(t *testing.T) {
	_, vh := fixture(t, true)
	h := everything(vh)
	a, b := do(h, "GET", "/health"), do(h, "GET", "/health?exclude=db")
	if a.Body.String() != b.Body.String() {
		t.Error("?exclude changed a CHORUS body")
	}
	if w := do(h, "GET", "/readyz?"+strings.Repeat("exclude=x&", 40)); w.Code != 400 {
		t.Errorf("40 excludes = %d, want 400", w.Code)
	}
}

func TestNoETagOnErrors(t *testing.T) {
	_, h := fixture(t, false)
	if w := do(h, "GET", "/readyz/nope"); w.Header().Get("Etag") != "" {
		t.Errorf("404 has an ETag")
	}
	if w := do(h, "GET", "/readyz", "Authorization", "Bearer "+token); w.Header().Get("Cache-Control") != "private, no-cache" {
		t.Errorf("details response Cache-Control = %q", w.Header().Get("Cache-Control"))
	}
}
