package testservice

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/monitortest"
)

// ProcessLimit bounds the life of a process [StartMailpit] or
// [StartAlertmanager] starts: a test that hangs still ends it.
const ProcessLimit = 3 * time.Minute

// startLimit bounds how long a started process has to answer.
const startLimit = 30 * time.Second

// SyncBuffer is a bytes.Buffer safe for concurrent writes: the output of
// a process, written by exec's goroutines, or a logger's.
type SyncBuffer struct {
	mu sync.Mutex // protects b
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startProcess runs bin with args until the test ends (or ProcessLimit):
// then it is interrupted, killed if it lingers, and waited for. Its output
// is logged if the test failed.
func startProcess(t testing.TB, name, bin string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ProcessLimit)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	var out SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// mailpit reads MP_* settings from the environment; the test's
	// flags are all it should see.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MP_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("testservice: start %s: %v", name, err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait() // interrupted: an error is expected
		if t.Failed() {
			t.Logf("%s output:\n%s", name, out.String())
		}
	})
}

// waitFor polls cond every 50ms until it holds, failing the test after
// limit. The limit only stops a hung test; it is no timing assertion.
func waitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	monitortest.PollFor(t, limit, 50*time.Millisecond, what, cond)
}

// HTTPClient returns a client with a 10s timeout whose idle connections
// are closed when the test ends, so that goleak finds none of their
// goroutines.
func HTTPClient(t testing.TB) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// getJSON reads the answer to req into v, failing the test on any error
// or a status other than 200.
func getJSON(t testing.TB, c *http.Client, req *http.Request, v any) {
	t.Helper()
	url := req.URL.Redacted()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v in %s", url, err, body)
	}
}

// httpOK reports whether req answers 200.
func httpOK(c *http.Client, req *http.Request) bool {
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// tcpOpen reports whether addr accepts connections.
func tcpOpen(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// writeFile writes a file of the test's, readable by it only.
func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatalf("testservice: %v", err)
	}
}
