package target

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/cmd/vitals/internal/dropaddr"
	"github.com/vitalsgo/vitals/internal/testservice"
)

func TestNewRejects(t *testing.T) {
	tests := []struct {
		url  string
		opts Options
		want string
	}{
		{url: "localhost:8080", want: "is not a URL"},
		{url: "udp://x:1", want: `unknown scheme "udp"`},
		{url: "tcp://x", want: "needs a port"},
		{url: "tcp://x:1/path", want: "want host:port"},
		{url: "tcp://u:pw@x:1", want: "want host:port"},
		{url: "grpc://x", want: "needs a port"},
		{url: "grpc://:9090?x=1", want: "want host:port"},
		{url: "tcp://x:1", opts: Options{Service: "s"}, want: "do not apply to tcp://"},
		{url: "tcp://x:1", opts: Options{Insecure: true}, want: "--insecure does not apply"},
		{url: "tcp://x:1", opts: Options{Header: http.Header{"A": {"b"}}}, want: "do not apply to tcp://"},
		{url: "https://x/", opts: Options{Service: "s"}, want: "grpc:// targets only"},
		{url: "http://u:sekrit@[::1", want: "u:***@"},
	}
	for _, tt := range tests {
		_, err := New(tt.url, &tt.opts)
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%q) = %v, want a UsageError saying %q", tt.url, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "sekrit") {
			t.Errorf("New(%q) leaks the password: %v", tt.url, err)
		}
	}
}

func TestTCPProbe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	up, err := New("tcp://"+ln.Addr().String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if out := up.Probe(context.Background()); out.Status != Healthy {
		t.Errorf("listening port: %+v", out)
	}
	down, err := New("tcp://"+testservice.ClosedAddr(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if out := down.Probe(context.Background()); out.Status != Unreachable || !strings.Contains(out.Reason, "refused") {
		t.Errorf("closed port: %+v", out)
	}
}

// Wait reports every attempt and returns ctx's error when ctx ends first.
func TestPollAttempts(t *testing.T) {
	tg, err := New("tcp://"+testservice.ClosedAddr(t), &Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []int
	err = tg.Wait(ctx, time.Millisecond, func(a Attempt) {
		got = append(got, a.N)
		if a.N == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || len(got) != 3 || got[2] != 3 {
		t.Errorf("Wait = %v after attempts %v", err, got)
	}
}

// A reason says what went wrong once, without the URL the caller shows
// beside it, and a timeout says how long the target had.
func TestReasons(t *testing.T) {
	hole := dropaddr.New(t)
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	tests := []struct {
		url  string
		want Status
		// reason is the whole reason, or its start when it ends in "…"
		reason string
	}{
		{"http://" + hole + "/readyz", Unreachable, "no answer within 150ms"},
		{"tcp://" + hole, Unreachable, "no connection to " + hole + " within 150ms"},
		// The checker names the timeout it was given, not what was left
		// of a deadline set before it (149ms on a loaded machine).
		{"grpc://" + hole, Unreachable, "grpc health " + hole + ": no answer within 150ms (DeadlineExceeded)"},
		{"http://" + testservice.ClosedAddr(t) + "/readyz", Unreachable, "dial tcp …"},
		{notFound.URL + "/readyz", Unhealthy, "HTTP 404: 404 page not found"},
	}
	for _, tt := range tests {
		tg, err := New(tt.url, &Options{Timeout: 150 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		out := tg.Probe(context.Background())
		tg.Close()
		prefix, cut := strings.CutSuffix(tt.reason, "…")
		if out.Status != tt.want || !cut && out.Reason != tt.reason || cut && !strings.HasPrefix(out.Reason, prefix) {
			t.Errorf("%s: %s %q, want %s %q", tt.url, out.Status, out.Reason, tt.want, tt.reason)
		}
	}
}

// Pauses between attempts vary around the interval, within a tenth of it.
func TestJitter(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 100 {
		d := jitter(time.Second)
		if d < 900*time.Millisecond || d > 1100*time.Millisecond {
			t.Fatalf("jitter(1s) = %v", d)
		}
		seen[d] = true
	}
	if len(seen) < 2 {
		t.Error("100 pauses were all equal")
	}
	if d := jitter(time.Nanosecond); d != time.Nanosecond {
		t.Errorf("jitter(1ns) = %v", d)
	}
}
