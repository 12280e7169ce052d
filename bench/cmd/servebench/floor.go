package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vitalsgo/vitals/bench/internal/child"
	"github.com/vitalsgo/vitals/bench/internal/procstat"
	"github.com/vitalsgo/vitals/bench/internal/targetsrv"
)

// The floor is what the probes cost with nothing but the probes: a bare
// loop (this program's floor role) asks the same n paths at the same
// interval the way a check without keep-alive does (a new connection, the
// request with "Connection: close", the response read with
// [http.ReadResponse], the connection reset), and nothing else: no
// scheduler, no results, no store. Its CPU per probe, measured in the same
// way right after the monitor's run, is the part of the monitor's that the
// machine sets (most of it the kernel's TCP work of both ends of each
// loopback connection); the rest is the monitor's own. The machine's speed
// changes from day to day by more than the monitor's changes do, so the
// two are shown side by side.

// floorSlot is how often the floor loop hands out the probes that fell
// due, to floorWorkers goroutines.
const (
	floorSlot    = 10 * time.Millisecond
	floorWorkers = 32
)

// runFloor is the floor role: it probes n target paths at addr every
// interval, spread evenly over it, until SIGTERM or its deadline, and
// prints how many probes failed when it stops.
func runFloor(args []string) error {
	fs := flag.NewFlagSet("servebench floor", flag.ContinueOnError)
	addr := fs.String("addr", "", "target server address")
	n := fs.Int("n", 1000, "number of target paths")
	interval := fs.Duration("interval", 10*time.Second, "interval of every target")
	timeout := fs.Duration("timeout", 5*time.Second, "timeout of a probe")
	deadline := fs.Duration("deadline", 10*time.Minute, "exit after this long whatever happens")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *addr == "" || *n < 1 || *interval <= 0 || *timeout <= 0 {
		return fmt.Errorf("floor: -addr, a positive -n, -interval and -timeout are needed")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *deadline)
	defer cancel()
	requests := make([][]byte, *n)
	for i := range requests {
		requests[i] = []byte("GET /t/" + strconv.Itoa(i) + " HTTP/1.1\r\nHost: " + *addr +
			"\r\nUser-Agent: servebench-floor\r\nConnection: close\r\n\r\n")
	}
	dialer := &net.Dialer{KeepAlive: -1}
	readers := sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 1<<10) }}
	var failed atomic.Int64
	probe := func(i int) {
		ctx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		if err := floorProbe(ctx, dialer, *addr, requests[i], &readers); err != nil {
			failed.Add(1)
		}
	}
	// A pool of workers, as the monitor runs its checks on. One goroutine
	// running the probes one after another keeps up too, but costs more:
	// its thread sleeps and is woken at every wait of every probe (0.196
	// and 0.199 ms a probe against 0.139 and 0.153, three quarters of it in
	// the kernel); a goroutine a probe grows a new stack every time.
	due := make(chan int, *n)
	var wg sync.WaitGroup
	for range floorWorkers {
		wg.Go(func() {
			for i := range due {
				probe(i)
			}
		})
	}
	defer func() {
		close(due)
		wg.Wait()
		fmt.Fprintf(os.Stderr, "floor: %d probes failed\n", failed.Load())
	}()
	t0 := time.Now()
	step := *interval / time.Duration(*n) // between two targets' probes
	tick := time.NewTicker(floorSlot)
	defer tick.Stop()
	for k := 0; ; {
		for now := time.Now(); t0.Add(time.Duration(k) * step).Before(now); k++ {
			select {
			case due <- k % *n:
			case <-ctx.Done():
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// floorProbe sends one request on a new connection, reads the response
// to its end and resets the connection.
func floorProbe(ctx context.Context, d *net.Dialer, addr string, request []byte, readers *sync.Pool) error {
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	conn.(*net.TCPConn).SetLinger(0) // closed with a reset, as the checks close theirs
	defer conn.Close()
	dl, _ := ctx.Deadline()
	conn.SetDeadline(dl)
	if _, err := conn.Write(request); err != nil {
		return err
	}
	br := readers.Get().(*bufio.Reader)
	br.Reset(conn)
	defer func() { br.Reset(nil); readers.Put(br) }()
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return err
}

// measureFloor runs the floor loop over n targets for one interval of
// warm-up and o.window, and puts its CPU per probe in r.
func measureFloor(ctx context.Context, o options, r *row) error {
	limit := o.interval + o.window + time.Minute
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	bin, err := self()
	if err != nil {
		return err
	}
	var ready struct{ Addr string }
	tgt, err := child.Start(ctx, "target server", []string{bin, "target", "-n", strconv.Itoa(r.Targets), "-deadline", limit.String()}, nil, &ready, 10*time.Second)
	if err != nil {
		return err
	}
	defer tgt.Stop(5 * time.Second)
	fl, err := child.Start(ctx, "floor", []string{bin, "floor", "-addr", ready.Addr, "-n", strconv.Itoa(r.Targets),
		"-interval", o.interval.String(), "-timeout", o.timeout.String(), "-deadline", limit.String()}, nil, nil, 0)
	if err != nil {
		return err
	}
	defer fl.Stop(5 * time.Second)
	if err := sleepUntil(ctx, time.Now().Add(o.interval)); err != nil {
		return err
	}
	s0, err := targetsrv.Fetch(ready.Addr, false)
	if err != nil {
		return err
	}
	p0, err := procstat.Read(fl.Pid)
	if err != nil {
		return err
	}
	if err := sleepUntil(ctx, p0.Time.Add(o.window)); err != nil {
		return err
	}
	p1, err := procstat.Read(fl.Pid)
	if err != nil {
		return fmt.Errorf("floor: %w: %s", err, fl.Tail)
	}
	s1, err := targetsrv.Fetch(ready.Addr, false)
	if err != nil {
		return err
	}
	r.FloorProbes = s1.Total - s0.Total
	r.FloorCPUS = (p1.CPU - p0.CPU).Seconds()
	r.FloorSystemS = (p1.System - p0.System).Seconds()
	if r.FloorProbes > 0 {
		r.FloorPerProbeMS = 1e3 * r.FloorCPUS / float64(r.FloorProbes)
	}
	if _, err := fl.Stop(10 * time.Second); err != nil {
		return fmt.Errorf("floor did not stop cleanly: %w: %s", err, fl.Tail)
	}
	return nil
}
