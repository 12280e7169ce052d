package libs

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

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// get probes /readyz of h until it answers want (periodic checks may not
// have run yet) and returns the body.
func get(t *testing.T, h http.Handler, want int) string {
	t.Helper()
	var last *httptest.ResponseRecorder
	for range 100 {
		last = httptest.NewRecorder()
		h.ServeHTTP(last, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		if last.Code == want {
			b, _ := io.ReadAll(last.Body)
			return string(b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("/readyz answered %d, want %d: %s", last.Code, want, last.Body)
	return ""
}

func TestEveryLibraryServesEveryCheck(t *testing.T) {
	for _, lib := range Names {
		for _, mode := range append(Modes(lib), "") {
			if lib != "bare" && mode == "" {
				continue
			}
			t.Run(lib+"/"+string(mode), func(t *testing.T) {
				var calls atomic.Int64
				s, err := New(lib, Spec{
					Checks: 3, Mode: mode, Interval: time.Hour, TTL: time.Hour, Timeout: time.Second,
					Check: func(context.Context) error { calls.Add(1); return nil },
				})
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				body := get(t, s.Handler, http.StatusOK)
				// hellofresh lists failures only; every other output names each check.
				if lib != "hellofresh" {
					for i := range 3 {
						if !strings.Contains(body, `"`+Name(i)+`"`) {
							t.Errorf("body does not name %s: %s", Name(i), body)
						}
					}
				}
				if lib != "bare" && calls.Load() < 3 {
					t.Errorf("%d check calls after a passing probe, want at least 3", calls.Load())
				}
			})
		}
	}
}

func TestFailingCheckAnswers503(t *testing.T) {
	for _, lib := range Names[:4] {
		mode := Modes(lib)[0]
		t.Run(lib, func(t *testing.T) {
			s, err := New(lib, Spec{
				Checks: 2, Mode: mode, Interval: time.Hour, TTL: time.Hour, Timeout: time.Second,
				Check: func(context.Context) error { return errors.New("down") },
			})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			get(t, s.Handler, http.StatusServiceUnavailable)
		})
	}
}

func TestUnsupportedMode(t *testing.T) {
	tests := []struct {
		lib  string
		mode Mode
	}{
		{"hellofresh", Periodic},
		{"hellofresh", OnDemand},
		{"sundheit", OnDemand},
		{"sundheit", PerRequest},
		{"vitals", PerRequest},
	}
	for _, tt := range tests {
		_, err := New(tt.lib, Spec{Checks: 1, Mode: tt.mode, Interval: time.Second, Timeout: time.Second,
			Check: func(context.Context) error { return nil }})
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("New(%s, %s) = %v, want ErrUnsupported", tt.lib, tt.mode, err)
		}
	}
	if _, err := New("nope", Spec{}); err == nil {
		t.Error("New of an unknown library returned no error")
	}
}

func TestBareBody(t *testing.T) {
	got := string(BareBody(2))
	want := `{"status":"pass","checks":{"check-0":{"status":"pass"},"check-1":{"status":"pass"}}}` + "\n"
	if got != want {
		t.Errorf("BareBody(2) = %s, want %s", got, want)
	}
}

func TestSpreadDelay(t *testing.T) {
	s := Spec{Checks: 4, Interval: 8 * time.Second, Spread: true}
	for i, want := range []time.Duration{0, 2 * time.Second, 4 * time.Second, 6 * time.Second} {
		if got := s.delay(i); got != want {
			t.Errorf("delay(%d) = %v, want %v", i, got, want)
		}
	}
	s.Spread = false
	if got := s.delay(3); got != 0 {
		t.Errorf("delay without Spread = %v, want 0", got)
	}
}
