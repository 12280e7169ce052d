package httpbody_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/hostile"
	"github.com/vitalsgo/vitals/internal/httpbody"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const hangGuard = 10 * time.Second

// readAll reads body on a goroutine and fails the test when it has not
// returned within hangGuard.
func readAll(t *testing.T, body io.Reader) ([]byte, error) {
	t.Helper()
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(body)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-time.After(hangGuard):
		t.Fatalf("the body read has not returned %v after its deadline", hangGuard)
		return nil, nil
	}
}

// A body that no context reaches, as a caller's transport may return,
// ends when the context does, with the context's error.
func TestBoundEndsABodyThatIgnoresTheContext(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	resp := &http.Response{StatusCode: http.StatusOK, Body: pr}
	release := httpbody.Bound(ctx, resp)
	_, err := readAll(t, resp.Body)
	release()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("read error = %v, want context.DeadlineExceeded", err)
	}
}

// net/http returns the upgraded connection as the body of a 101, which
// the request's context does not reach: Bound drops it at once.
func TestBoundDropsAnUpgradedConnection(t *testing.T) {
	for _, s := range hostile.Shapes {
		if !strings.HasPrefix(s.Name, "101 upgrade") {
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			srv := hostile.Serve(t, s)
			hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusSwitchingProtocols {
				t.Fatalf("status %d, want 101", resp.StatusCode)
			}
			release := httpbody.Bound(ctx, resp)
			defer release()
			b, err := readAll(t, resp.Body)
			if err != nil || len(b) != 0 {
				t.Fatalf("body %q, %v; want empty", b, err)
			}
		})
	}
}

// An ordinary body reads to its end, and release leaves nothing behind
// (goleak checks).
func TestBoundReadsAnOrdinaryBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"status":"pass"}`)
	}))
	defer srv.Close()
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	release := httpbody.Bound(req.Context(), resp)
	b, err := readAll(t, resp.Body)
	release()
	if err != nil || string(b) != `{"status":"pass"}` {
		t.Fatalf("body %q, %v", b, err)
	}
}
