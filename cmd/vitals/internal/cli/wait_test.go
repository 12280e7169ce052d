package cli

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/vitalsgo/vitals/internal/testservice"
)

// A wait that starts while every target is down ends with exit 0 once they
// come up, whatever their scheme.
func TestWaitSucceedsWhenTargetsComeUp(t *testing.T) {
	t.Parallel()
	svc := startService(t, false)
	closed := testservice.ClosedAddr(t)
	targets := []string{svc.url + "/readyz", "grpc://" + svc.grpcAddr, "tcp://" + closed}

	cmd, stdout, stderr := startPiped(t, append([]string{"wait", "--interval", "100ms", "--timeout", "50s"}, targets...)...)

	// Bring the targets up only once the command has seen each down.
	var out strings.Builder
	down := map[string]bool{}
	sc := bufio.NewScanner(stdout)
	for len(down) < len(targets) && sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		for _, tg := range targets {
			if strings.HasPrefix(line, tg+": unhealthy") || strings.HasPrefix(line, tg+": unreachable") {
				down[tg] = true
			}
		}
	}
	svc.healthy.Store(true)
	ln, err := net.Listen("tcp", closed)
	if err != nil {
		t.Fatalf("listen on %s: %v", closed, err)
	}
	defer ln.Close()
	rest, _ := io.ReadAll(stdout)
	out.Write(rest)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("wait failed: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), stderr.String())
	}
	for _, tg := range targets {
		if !strings.Contains(out.String(), tg+": healthy after") {
			t.Errorf("output does not report %s healthy:\n%s", tg, out.String())
		}
	}
	if !strings.Contains(out.String(), "all 3 targets healthy after") {
		t.Errorf("no summary line:\n%s", out.String())
	}
}

func TestWaitTimesOut(t *testing.T) {
	t.Parallel()
	svc := startService(t, false)
	healthy := startService(t, true)
	closed := testservice.ClosedAddr(t)
	r := vitalsRun(t, "wait", "--timeout", "1s", "--interval", "100ms",
		"tcp://"+closed, svc.url+"/readyz", healthy.url+"/readyz")
	if r.code != 1 {
		t.Fatalf("want exit 1, got %s", r)
	}
	assertOneLine(t, "stderr", r.stderr)
	for _, want := range []string{"timed out after 1s", "tcp://" + closed + " (unreachable", svc.url + "/readyz (unhealthy"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q: %q", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, healthy.url) {
		t.Errorf("stderr names a healthy target: %q", r.stderr)
	}
}

func TestWaitUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"wait"},
		{"wait", "--interval", "0s", "tcp://a:1"},
		{"wait", "tcp://a:1", "db:5432"},
	} {
		r := vitalsRun(t, args...)
		if r.code != 2 {
			t.Errorf("%v: want exit 2, got %s", args, r)
		}
	}
}

// On a terminal, the lines are redrawn in place.
func TestWaitOnTerminal(t *testing.T) {
	t.Parallel()
	svc := startService(t, true)
	closed := testservice.ClosedAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "wait", "--timeout", "1s", "--interval", "200ms", svc.url+"/readyz", "tcp://"+closed)
	cmd.Env = append(cmd.Environ(), "TERM=xterm")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 100})
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	var out strings.Builder
	var wg sync.WaitGroup
	wg.Go(func() { io.Copy(&out, tty) }) // ends with EIO when the command exits
	err = cmd.Wait()
	tty.Close()
	wg.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("want exit 1, got %v\n%q", err, out.String())
	}
	s := out.String()
	for _, want := range []string{"\x1b[2A", "\r\x1b[2K", "✓ " + svc.url + "/readyz", "✗ tcp://" + closed, "unreachable", "attempts"} {
		if !strings.Contains(s, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, s)
		}
	}
	for _, line := range strings.Split(s, "\n") {
		line = strings.NewReplacer("\x1b[2K", "", "\x1b[2A", "", "\r", "").Replace(line)
		if strings.HasPrefix(line, "vitals wait:") {
			continue // stderr, which is not redrawn
		}
		if len([]rune(line)) >= 100 {
			t.Errorf("line wider than the terminal: %q", line)
		}
	}
}

// Ctrl-C ends a wait at once, as a failure that names what was missing.
func TestWaitInterrupted(t *testing.T) {
	t.Parallel()
	closed := testservice.ClosedAddr(t)
	cmd, stdout, stderr := startPiped(t, "wait", "--interval", "100ms", "tcp://"+closed)
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		t.Fatal("no progress line")
	}
	cmd.Process.Signal(os.Interrupt)
	io.Copy(io.Discard, stdout)
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("want exit 1, got %v", err)
	}
	if !strings.Contains(stderr.String(), "interrupted; still failing: tcp://"+closed) {
		t.Errorf("stderr: %q", stderr.String())
	}
}

// More targets than the terminal has rows cannot be redrawn in place: the
// output falls back to plain lines.
func TestWaitOnShortTerminal(t *testing.T) {
	t.Parallel()
	svc := startService(t, true)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "wait", "tcp://"+svc.grpcAddr, "grpc://"+svc.grpcAddr, svc.url+"/readyz")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 3, Cols: 100})
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	var out strings.Builder
	var wg sync.WaitGroup
	wg.Go(func() { io.Copy(&out, tty) })
	err = cmd.Wait()
	tty.Close()
	wg.Wait()
	if err != nil {
		t.Fatalf("wait: %v\n%q", err, out.String())
	}
	if strings.Contains(out.String(), "\x1b[") || !strings.Contains(out.String(), svc.url+"/readyz: healthy after") {
		t.Errorf("want plain lines:\n%q", out.String())
	}
}

// startPiped starts the binary with args, its stdout on a pipe for the
// test to read and its stderr collected; the test waits for it, and a run
// still going a minute later is killed.
func startPiped(t *testing.T, args ...string) (*exec.Cmd, io.ReadCloser, *strings.Builder) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, binary, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := new(strings.Builder)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stdout, stderr
}
