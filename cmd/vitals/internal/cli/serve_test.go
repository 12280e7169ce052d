package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/monitortest"
)

func TestServeUsage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("storage: "+filepath.Join(dir, "v.db")+"\nchecks:\n  - {name: a, type: tcp, address: \"x:1\", timeout: 2x}\n  - {name: b, type: http, url: \"http://b/\", expect: [\"latncy < 1s\"]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		binary string
		args   []string
		want   string
	}{
		{"no config", binary, []string{"serve"}, "--config FILE is required"},
		{"bad file", binary, []string{"serve", "--config", bad}, bad + ":3: checks[0].timeout: \"2x\" is not a duration"},
		{"bad condition", binary, []string{"serve", "--config", bad}, bad + ":4: checks[1].expect[0]: col 1: unknown field \"latncy\""},
		{"no vitals-full", loneBinary, []string{"serve", "--config", bad}, "vitals serve runs in vitals-full (it links the drivers and the store), which is not installed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runBinary(t, tt.binary, runLimit, nil, tt.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("want exit 2 and %q; got %s", tt.want, r)
			}
		})
	}
}

// vitals serve, run as a user runs it — vitals handing over to vitals-full
// — serves, applies a changed file on SIGHUP, and on SIGTERM stops with
// exit 0 after writing its results.
func TestServeLifecycle(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "vitals.yaml")
	db := filepath.Join(dir, "vitals.db")
	target := httpTarget(t)
	write := func(checks string) {
		if err := os.WriteFile(file, []byte("storage: "+db+"\nchecks:\n"+checks), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("  - {name: api, type: http, url: \"" + target + "\", interval: 100ms, expect: [\"code == 200\"]}\n")
	addr := freeAddr(t)

	srv := startServe(t, file, addr)

	base := "http://" + addr
	monitortest.PollFor(t, time.Minute, 20*time.Millisecond, "the monitor ready", func() bool {
		return body(base+"/readyz") == "ok" || strings.Contains(body(base+"/readyz"), `"status":"pass"`)
	})
	monitortest.PollFor(t, time.Minute, 20*time.Millisecond, "api passing in the metrics", func() bool {
		return strings.Contains(body(base+"/metrics"), `vitals_check_status{check="api",status="pass"} 1`)
	})

	write("  - {name: api, type: http, url: \"" + target + "\", interval: 100ms}\n  - {name: port, type: tcp, address: \"" + strings.TrimPrefix(target, "http://") + "\", interval: 100ms}\n")
	if err := srv.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	monitortest.PollFor(t, time.Minute, 20*time.Millisecond, "the target added by the reload running", func() bool {
		return strings.Contains(body(base+"/metrics"), `vitals_check_status{check="port",status="pass"} 1`)
	})

	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-srv.exited:
		var exit *exec.ExitError
		if errors.As(err, &exit) || err != nil {
			t.Fatalf("vitals serve exited with %v after SIGTERM; stderr:\n%s", err, srv.stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatalf("vitals serve still running a minute after SIGTERM; stderr:\n%s", srv.stderr.String())
	}
	srv.exited <- nil // for the cleanup's wait
	if fi, err := os.Stat(db); err != nil || fi.Size() == 0 {
		t.Errorf("the store %s is missing or empty after the shutdown: %v", db, err)
	}
	t.Logf("log:\n%s", srv.stderr.String())
	if !strings.Contains(srv.stderr.String(), "configuration reloaded") {
		t.Errorf("the log does not say the file was reloaded:\n%s", srv.stderr.String())
	}
}

func httpTarget(t *testing.T) string {
	t.Helper()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// freeAddr returns a loopback address no one listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func body(url string) string {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// An alert whose delivery was under way when the monitor was killed
// (kill -9: the receiver had the request, the monitor never heard back) is
// delivered again after the restart, with the same idempotency key: a
// receiver that honours the key processes it exactly once.
func TestServeAlertSurvivesKill9(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "vitals.yaml")
	hook := monitortest.NewWebhook(t, "kill9-secret-123")
	held := hook.Hold()
	cfg := "storage: " + filepath.Join(dir, "vitals.db") + "\n" +
		"alerting: {group_wait: 0s}\n" +
		"notify:\n  - {name: ops, type: webhook, url: \"" + hook.URL() + "\", secret: kill9-secret-123, timeout: 2s}\n" +
		"checks:\n  - {name: gone, type: tcp, address: \"" + freeAddr(t) + "\", interval: 200ms, notify: [ops], alert_after: 1}\n"
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	first := startServe(t, file, freeAddr(t))
	var key string
	select {
	case key = <-held:
	case <-time.After(time.Minute):
		t.Fatal("no delivery reached the receiver within a minute")
	}
	// The receiver has the request; the monitor is killed before it hears.
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-first.exited
	first.exited <- nil // for the cleanup's wait
	hook.Release()
	if n := len(hook.Processed()); n != 0 {
		t.Fatalf("the held delivery was processed (%d)", n)
	}

	killed := time.Now()
	stderr := startServe(t, file, freeAddr(t)).stderr
	monitortest.PollFor(t, time.Minute, 50*time.Millisecond, "the alert delivered after the restart", func() bool {
		return len(hook.Processed()) == 1
	})
	t.Logf("delivered %v after the restart (the claim's lease is the channel timeout + 5s)", time.Since(killed).Round(time.Millisecond))
	time.Sleep(2 * time.Second)
	got := hook.Processed()
	if len(got) != 1 || got[0].Key != key || len(got[0].Alerts) != 1 || got[0].Alerts[0].Target != "gone" || got[0].Alerts[0].Kind != "firing" {
		t.Fatalf("processed %+v, want the one held firing alert with key %q; log:\n%s", got, key, stderr.String())
	}
	if hook.Requests() < 2 {
		t.Errorf("%d requests: the alert was not sent again", hook.Requests())
	}
}

// served is a vitals serve process a test started, killed and waited for
// when the test ends.
type served struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	// exited receives Wait's error; a test that takes it sends nil back
	// for the cleanup's wait.
	exited chan error
}

// startServe starts vitals serve on file, listening on addr.
func startServe(t *testing.T, file, addr string) served {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runLimit)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, binary, "serve", "--config", file, "--listen", addr)
	stderr := new(bytes.Buffer)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	return served{cmd: cmd, stderr: stderr, exited: exited}
}
