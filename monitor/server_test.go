package monitor_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	httpcheck "github.com/vitalsgo/vitals/checks/http"
	"github.com/vitalsgo/vitals/checks/tcp"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor"
	"github.com/vitalsgo/vitals/monitor/config"
	"github.com/vitalsgo/vitals/monitor/store"
)

// build is the builder of the tests: the real stdlib checkers of the types
// the tests use (the vitals command's builder knows every type).
func build(c *config.Check) (vitals.Checker, io.Closer, error) {
	switch c.Type {
	case "tcp":
		chk, err := tcp.New(c.Params.String("address"), nil)
		return chk, nil, err
	case "http":
		chk, err := httpcheck.New(c.Params.String("url"), nil)
		return chk, nil, err
	}
	return nil, nil, c.Errorf("type", "the tests build no %s checker", c.Type)
}

// running is a Server serving on a loopback port.
type running struct {
	*monitor.Server
	url  string
	file string
	dir  string
	stop func() error            // cancels Run and returns its error
	logs *testservice.SyncBuffer // the server's log
}

// serve writes yaml (with %s for the store's path) to a file and serves it
// until the test ends.
func serve(t *testing.T, yaml string, dir string) *running {
	t.Helper()
	return serveWith(t, yaml, dir, nil)
}

// serveWith is serve with the server's options edited by edit, when it is
// not nil, after the tests' defaults are set.
func serveWith(t *testing.T, yaml string, dir string, edit func(*monitor.Options)) *running {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	file := filepath.Join(dir, "vitals.yaml")
	if strings.Contains(yaml, "%s") {
		yaml = fmt.Sprintf(yaml, filepath.Join(dir, "vitals.db"))
	}
	writeFile(t, file, yaml)
	cfg, err := config.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	logs := &testservice.SyncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	opts := &monitor.Options{Build: build, Logger: log, Writer: &store.WriterOptions{Every: 20 * time.Millisecond}}
	if edit != nil {
		edit(opts)
	}
	srv, err := monitor.New(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	r := &running{Server: srv, url: "http://" + ln.Addr().String(), file: file, dir: dir, logs: logs}
	var stopped bool
	var runErr error
	r.stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("Run did not return within 30s of its context ending")
			}
		}
		return runErr
	}
	t.Cleanup(func() { r.stop() })
	return r
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func post(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// status returns a target's status on the board.
func status(r *running, name string) vitals.Status {
	st, ok := r.Board().State(name)
	if !ok {
		return vitals.StatusUnknown
	}
	return st.Status
}

// A target's results reach the store while the server runs; shutdown
// flushes what is queued, and a new server on the same file keeps the
// history.
func TestServeKeepsHistoryAcrossRestart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	yaml := "storage: %s\nchecks:\n  - {name: port, type: tcp, address: \"" + ln.Addr().String() + "\", interval: 50ms}\n"
	dir := t.TempDir()
	r := serve(t, yaml, dir)
	monitortest.Eventually(t, "the target passing", func() bool { return status(r, "port") == vitals.StatusPass })
	// Ready once the store's first check ran ("starting" until then).
	monitortest.Poll(t, 20*time.Millisecond, "/readyz passing", func() bool {
		code, _ := get(t, r.url+"/readyz")
		return code == 200
	})
	if err := r.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}

	st, err := store.Open(context.Background(), filepath.Join(dir, "vitals.db"))
	if err != nil {
		t.Fatal(err)
	}
	before, err := st.Results(context.Background(), "port", time.Now().Add(-time.Hour), time.Now().Add(time.Hour), 0)
	st.Close()
	if err != nil || len(before) == 0 {
		t.Fatalf("after shutdown the store holds %d results of port (%v)", len(before), err)
	}

	r2 := serve(t, yaml, dir)
	monitortest.Eventually(t, "more results after the restart", func() bool {
		rs, err := r2.Board().Store().Results(context.Background(), "port", time.Now().Add(-time.Hour), time.Now().Add(time.Hour), 0)
		return err == nil && len(rs) > len(before)
	})
	ivs, err := r2.Board().Store().Intervals(context.Background(), "port", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil || len(ivs) == 0 || ivs[0].Since.After(before[len(before)-1].At) {
		t.Errorf("status intervals after the restart do not reach back to the first run: %v %v", ivs, err)
	}
}

// A push target waits for its first push, passes on a push, takes the
// status a push reports, and fails when none came within every + grace.
func TestPush(t *testing.T) {
	const token = "push-token-0123456789"
	yaml := "storage: %s\nchecks:\n  - {name: job, type: push, token: " + token + ", every: 200ms, grace: 100ms, interval: 20ms}\n"
	r := serve(t, yaml, "")
	monitortest.Eventually(t, "the push target failing without a push", func() bool { return status(r, "job") == vitals.StatusFail })

	if code, body := post(t, r.url+"/api/v1/push/"+token+"?msg=backup+done"); code != 200 {
		t.Fatalf("push = %d %s", code, body)
	}
	monitortest.Eventually(t, "the push target passing after a push", func() bool { return status(r, "job") == vitals.StatusPass })
	if st, _ := r.Board().State("job"); !strings.Contains(st.Last.Message, "backup done") {
		t.Errorf("message %q does not carry the push's", st.Last.Message)
	}
	monitortest.Eventually(t, "the push target failing once pushes stop", func() bool { return status(r, "job") == vitals.StatusFail })

	post(t, r.url+"/api/v1/push/"+token+"?status=warn")
	monitortest.Eventually(t, "a pushed warn", func() bool { return status(r, "job") == vitals.StatusWarn })

	code, body := post(t, r.url+"/api/v1/push/not-the-token")
	if code != 404 || strings.Contains(body, "not-the-token") || !strings.Contains(body, `"error"`) {
		t.Errorf("unknown token: %d %s", code, body)
	}
	if code, body := post(t, r.url+"/api/v1/push/"+token+"?status=maybe"); code != 400 {
		t.Errorf("bad status: %d %s", code, body)
	}
	if code, _ := get(t, r.url+"/api/v1/push/"+token); code != http.StatusMethodNotAllowed {
		t.Errorf("GET of a push URL = %d, want 405", code)
	}
}
