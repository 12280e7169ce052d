package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalsgrpc"
	"github.com/vitalsgo/vitals/vitalshttp"
	"google.golang.org/grpc"
)

// targets is what every probe in a run asks: one monitor with a passing
// check, served over HTTP (vitalshttp) and gRPC (vitalsgrpc) on loopback.
// The servers run in this process: they answer from a cached snapshot, so
// the time a probe takes is its own start-up and one round trip.
type targets struct {
	HTTP string // http://127.0.0.1:PORT/readyz
	GRPC string // 127.0.0.1:PORT

	m       *vitals.Monitor
	httpSrv *http.Server
	grpcSrv *grpc.Server
	done    chan error // one value per server when it stops serving
}

func startTargets() (*targets, error) {
	m := vitals.New(nil)
	ok := vitals.CheckFunc(func(context.Context) error { return nil })
	if err := m.Add("self", ok, vitals.Interval(time.Minute)); err != nil {
		return nil, err
	}
	if err := m.Start(); err != nil {
		m.Close()
		return nil, err
	}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		m.Close()
		return nil, err
	}
	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		hl.Close()
		m.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	vitalshttp.New(m, nil).Install(mux)
	t := &targets{
		HTTP:    fmt.Sprintf("http://%s/readyz", hl.Addr()),
		GRPC:    gl.Addr().String(),
		m:       m,
		httpSrv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second},
		grpcSrv: grpc.NewServer(),
		done:    make(chan error, 2),
	}
	vitalsgrpc.Register(t.grpcSrv, m)
	go func() { t.done <- ignoreClosed(t.httpSrv.Serve(hl)) }()
	go func() { t.done <- t.grpcSrv.Serve(gl) }()
	if err := t.ready(10 * time.Second); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// ready waits until the HTTP target answers 200: the first run of the
// check has been recorded.
func (t *targets) ready(within time.Duration) error {
	deadline := time.Now().Add(within)
	c := &http.Client{Timeout: time.Second}
	for {
		resp, err := c.Get(t.HTTP)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready within %v (last: %v)", t.HTTP, within, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Close stops both servers and waits for their Serve calls to return.
func (t *targets) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := t.httpSrv.Shutdown(ctx)
	t.grpcSrv.Stop()
	err = errors.Join(err, <-t.done, <-t.done)
	t.m.Close()
	return err
}

func ignoreClosed(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
