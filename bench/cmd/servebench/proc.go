package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/procstat"
)

// child is a process this command started. It dies by its context's
// deadline (SIGTERM, SIGKILL 10 s later) and with this process (Pdeathsig).
type child struct {
	name string
	cmd  *exec.Cmd
	Pid  int
	tail *procstat.Tail
	done chan struct{} // closed when the process has exited
	err  error         // Wait's, once done is closed
}

// startChild starts argv under ctx. When ready is not nil, the first line
// the child prints to stdout is decoded into it, within limit.
func startChild(ctx context.Context, name string, argv []string, ready any, limit time.Duration) (*child, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	c := &child{name: name, cmd: cmd, tail: &procstat.Tail{Max: 8 << 10}, done: make(chan struct{})}
	cmd.Stderr = c.tail
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
			_, err := c.stop(time.Second)
			return nil, fmt.Errorf("%s exited before it was ready: %v: %s", name, err, c.tail)
		}
		if err := json.Unmarshal(line, ready); err != nil {
			c.stop(time.Second)
			return nil, fmt.Errorf("%s: ready line %q: %w", name, line, err)
		}
		return c, nil
	case <-timer.C:
		c.stop(time.Second)
		return nil, fmt.Errorf("%s not ready within %v: %s", name, limit, c.tail)
	}
}

// stop sends SIGTERM and waits up to grace for the process to exit, then
// kills it. It returns how long the process took to exit and Wait's error.
func (c *child) stop(grace time.Duration) (time.Duration, error) {
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
	return time.Since(t0), fmt.Errorf("%s killed: not stopped %v after SIGTERM", c.name, grace)
}

// exited reports whether the process has exited.
func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// self returns the path of this program, to start its roles.
func self() (string, error) { return os.Executable() }
