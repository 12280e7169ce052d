package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/child"
	"github.com/vitalsgo/vitals/bench/internal/load"
	"github.com/vitalsgo/vitals/bench/internal/procstat"
)

// errDNF is returned by start when a server did not finish registering its
// checks within the limit.
var errDNF = child.ErrNotReady

// server is one running benchserver process.
type server struct {
	Lib  string
	c    *child.Child
	Pid  int
	Addr string // probe endpoint host:port
	Side string // stats endpoint host:port
	Reg  time.Duration
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
	argv := append([]string{bin, "--lib", a.Lib}, a.Args...)
	if a.CPUList != "" {
		argv = append([]string{"taskset", "-c", a.CPUList}, argv...)
	}
	limit := a.Register
	if limit <= 0 {
		limit = 30 * time.Second
	}
	var r struct {
		Addr       string `json:"addr"`
		Side       string `json:"side"`
		RegisterNS int64  `json:"register_ns"`
	}
	c, err := child.Start(context.Background(), "benchserver "+a.Lib, argv, a.Env, &r, limit)
	if err != nil {
		return nil, err
	}
	return &server{Lib: a.Lib, c: c, Pid: c.Pid, Addr: r.Addr, Side: r.Side, Reg: time.Duration(r.RegisterNS)}, nil
}

// URL returns the probe URL.
func (s *server) URL() string { return "http://" + s.Addr + "/readyz" }

// stop ends the process: SIGTERM, then SIGKILL if it has not exited within
// two seconds (a library blocked in a hung check may never return).
func (s *server) stop() { s.c.Stop(2 * time.Second) }

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
