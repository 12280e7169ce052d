package vitalshttp_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/vitalshttp"
)

// Background serves the probe endpoints on their own port in one line and
// stops them with the function it returns; an address it cannot listen on
// is logged, not a panic or an exit. Not parallel: it sets slog's default.
func TestBackground(t *testing.T) {
	var logs testservice.SyncBuffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	m := vitals.New(nil)
	t.Cleanup(func() { m.Close() })
	m.Add("db", vitals.CheckFunc(func(context.Context) error { return nil }))
	m.RunOnce(context.Background())
	addr := testservice.ClosedAddr(t)
	stop := vitalshttp.Background(addr, vitalshttp.New(m, nil))
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /readyz = %d", resp.StatusCode)
	}
	stop()
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Error("the port still accepts after stop")
	}
	stop() // twice is fine

	// The port is taken: logged, and the stop function does nothing.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	vitalshttp.Background(ln.Addr().String(), vitalshttp.New(m, nil))()
	if !strings.Contains(logs.String(), "health server not started") || !strings.Contains(logs.String(), "address already in use") {
		t.Errorf("logs: %s", logs.String())
	}
}
