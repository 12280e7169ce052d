package redis_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/testservice"
)

// startRedisServer runs a private redis-server on a free loopback port with
// the extra arguments, for tests that must configure a server (a password,
// replication) without touching the shared one. It is killed at cleanup.
// serverDeadline bounds the life of a server a test starts.
const serverDeadline = 10 * time.Minute

func startRedisServer(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skipf("redis-server not installed (scripts/services installs it): %v", err)
	}
	addr := testservice.ClosedAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	logfile := filepath.Join(dir, "redis.log")
	args = append([]string{"--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", logfile}, args...)
	// The deadline kills a server a test forgot, should cleanup not run.
	ctx, cancel := context.WithTimeout(context.Background(), serverDeadline)
	cmd := exec.CommandContext(ctx, bin, args...)
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); ; {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return addr
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logfile)
			t.Fatalf("redis-server %v did not listen on %s: %v\n%s", args, addr, err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
