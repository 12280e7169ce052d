package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/load"
	"github.com/vitalsgo/vitals/bench/internal/procstat"
)

// errDNF is returned by start when a server did not finish registering its
// checks within the limit.
var errDNF = errors.New("did not finish registering within the limit")

// server is one running benchserver process.
type server struct {
	Lib   string
	cmd   *exec.Cmd
	Pid   int
	Addr  string // probe endpoint host:port
	Side  string // stats endpoint host:port
	Reg   time.Duration
	tail  *procstat.Tail
	waitc chan error
}

// serverArgs describes a benchserver to start.
type serverArgs struct {
	Lib      string
	Args     []string // benchserver flags after --lib
	CPUList  string   // taskset CPU list, "" for no pinning
	Env      []string
	Register time.Duration // how long registration may take
}

// start runs the benchserver binary and waits for its ready line.
func start(bin string, a serverArgs) (*server, error) {
	args := append([]string{"--lib", a.Lib}, a.Args...)
	name := bin
	if a.CPUList != "" {
		args = append([]string{"-c", a.CPUList, bin}, args...)
		name = "taskset"
	}
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), a.Env...)
	tail := &procstat.Tail{Max: 4 << 10}
	cmd.Stderr = tail
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{Lib: a.Lib, cmd: cmd, Pid: cmd.Process.Pid, tail: tail, waitc: make(chan error, 1)}
	lines := make(chan []byte, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- bytes.Clone(sc.Bytes())
		}
		close(lines)
		io.Copy(io.Discard, stdout)
		s.waitc <- cmd.Wait()
	}()
	limit := a.Register
	if limit <= 0 {
		limit = 30 * time.Second
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case line, ok := <-lines:
		if !ok {
			s.stop()
			return nil, fmt.Errorf("benchserver %s exited: %s", a.Lib, tail.String())
		}
		var r struct {
			Addr       string `json:"addr"`
			Side       string `json:"side"`
			RegisterNS int64  `json:"register_ns"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			s.stop()
			return nil, fmt.Errorf("benchserver %s: ready line %q: %w", a.Lib, line, err)
		}
		s.Addr, s.Side, s.Reg = r.Addr, r.Side, time.Duration(r.RegisterNS)
		return s, nil
	case <-timer.C:
		s.stop()
		return nil, errDNF
	}
}

// URL returns the probe URL.
func (s *server) URL() string { return "http://" + s.Addr + "/readyz" }

// stop ends the process: SIGTERM, then SIGKILL if it has not exited within
// two seconds (a library blocked in a hung check may never return).
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.waitc:
		return
	case <-time.After(2 * time.Second):
	}
	s.cmd.Process.Kill()
	<-s.waitc
}

// sample reads the process's CPU time, RSS and threads.
func (s *server) sample() (procstat.Sample, error) { return procstat.Read(s.Pid) }

// sideStats is what the benchserver's side endpoint reports.
type sideStats struct {
	Goroutines int   `json:"goroutines"`
	Calls      int64 `json:"calls"`
}

var sideClient = load.NewClient(4, 10*time.Second)

// stats asks the side endpoint for goroutines and dependency calls.
func (s *server) stats() (sideStats, error) {
	var st sideStats
	resp, err := sideClient.Get("http://" + s.Side + "/stats")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(&st)
	return st, err
}

// startHealthy is start, then waitStatus(200, limit): a server that does
// not pass within limit is stopped.
func startHealthy(bin string, a serverArgs, limit time.Duration) (*server, error) {
	s, err := start(bin, a)
	if err != nil {
		return nil, err
	}
	if err := s.waitStatus(200, limit); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// waitStatus polls the probe until it answers want, or limit passes.
func (s *server) waitStatus(want int, limit time.Duration) error {
	c := load.NewClient(1, 5*time.Second)
	deadline := time.Now().Add(limit)
	last := 0
	for time.Now().Before(deadline) {
		code, _ := load.Get(context.Background(), c, s.URL())
		if code == want {
			return nil
		}
		last = code
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s: probe answered %d, not %d, for %v", s.Lib, last, want, limit)
}

// fetch gets url once and returns its body.
func fetch(url string) ([]byte, error) {
	resp, err := sideClient.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// bodySize fetches url once and returns the length of its body.
func bodySize(url string) int {
	b, _ := fetch(url)
	return len(b)
}
