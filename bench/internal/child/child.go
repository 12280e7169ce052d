// Package child starts the processes of a process-level benchmark: each
// dies by its context's deadline (SIGTERM, SIGKILL 10 s later) and with
// the benchmark (Pdeathsig), and keeps the tail of its stderr for errors.
package child

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/procstat"
)

// ErrNotReady is wrapped by Start's error when the child printed no ready
// line within its limit.
var ErrNotReady = errors.New("not ready within the limit")

// Child is a process a benchmark started.
type Child struct {
	Name string
	Pid  int
	Tail *procstat.Tail // the end of its stderr

	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // Wait's, once done is closed
}

// Start starts argv under ctx. When ready is not nil, the first line the
// child prints to stdout is decoded into it, within limit. env, when not
// nil, is added to this process's environment.
func Start(ctx context.Context, name string, argv []string, env []string, ready any, limit time.Duration) (*Child, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	c := &Child{Name: name, cmd: cmd, Tail: &procstat.Tail{Max: 8 << 10}, done: make(chan struct{})}
	cmd.Stderr = c.Tail
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c.Pid = cmd.Process.Pid
	lines := make(chan []byte, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- bytes.Clone(sc.Bytes())
		}
		close(lines)
		io.Copy(io.Discard, stdout)
		c.err = cmd.Wait()
		close(c.done)
	}()
	if ready == nil {
		return c, nil
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case line, ok := <-lines:
		if !ok {
			_, err := c.Stop(time.Second)
			return nil, fmt.Errorf("%s exited before it was ready: %v: %s", name, err, c.Tail)
		}
		if err := json.Unmarshal(line, ready); err != nil {
			c.Stop(time.Second)
			return nil, fmt.Errorf("%s: ready line %q: %w", name, line, err)
		}
		return c, nil
	case <-timer.C:
		c.Stop(time.Second)
		return nil, fmt.Errorf("%s %w (%v): %s", name, ErrNotReady, limit, c.Tail)
	}
}

// Stop sends SIGTERM and waits up to grace for the process to exit, then
// kills it. It returns how long the process took to exit and Wait's error.
func (c *Child) Stop(grace time.Duration) (time.Duration, error) {
	t0 := time.Now()
	select {
	case <-c.done:
		return 0, c.err
	default:
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
		return time.Since(t0), c.err
	case <-time.After(grace):
	}
	c.cmd.Process.Kill()
	<-c.done
	return time.Since(t0), fmt.Errorf("%s killed: not stopped %v after SIGTERM", c.Name, grace)
}

// Signal sends sig to the process.
func (c *Child) Signal(sig os.Signal) error { return c.cmd.Process.Signal(sig) }

// Kill sends SIGKILL and waits for the process to be gone.
func (c *Child) Kill() {
	c.cmd.Process.Kill()
	<-c.done
}

// Exited reports whether the process has exited.
func (c *Child) Exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Done is closed when the process has exited.
func (c *Child) Done() <-chan struct{} { return c.done }

// Err is Wait's error, once the process has exited.
func (c *Child) Err() error {
	<-c.done
	return c.err
}

// BuildVitalsFull builds vitals-full, the binary `vitals serve` runs in,
// into out from the vitals command's module in dir (../cmd/vitals from
// the bench module).
func BuildVitalsFull(ctx context.Context, out, dir string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./vitals-full")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build ./vitals-full in %s: %w", dir, err)
	}
	return nil
}

// FreeAddr returns a loopback address that was free a moment ago, for a
// child to listen on.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
