package vitalshttp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/vitalsgo/vitals"
)

// NewServer returns an *http.Server for handler with the timeouts a server
// exposed to probes and load balancers needs (a client that sends headers
// slowly cannot hold a connection open).
func NewServer(addr string, handler http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second, // a reader that stalls cannot hold a connection longer

		IdleTimeout:    60 * time.Second,
		MaxHeaderBytes: 64 << 10,
	}
}

// Serve listens on addr and serves handler in the background: probes on a
// port of their own, apart from the service's traffic. It returns the
// address actually bound (useful with ":0") and a function that shuts the
// server down gracefully within ctx and waits for it.
func Serve(addr string, handler http.Handler) (bound string, stop func(context.Context) error, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("vitalshttp: listen %s: %w", addr, err)
	}
	srv := NewServer(addr, handler)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	var once sync.Once
	var stopErr error
	stop = func(ctx context.Context) error {
		once.Do(func() {
			stopErr = srv.Shutdown(ctx)
			if serr := <-done; !errors.Is(serr, http.ErrServerClosed) && stopErr == nil {
				stopErr = serr
			}
		})
		return stopErr
	}
	return ln.Addr().String(), stop, nil
}

// DefaultBackgroundAddr is where [Background] listens when addr is "":
// port 8080 on every interface, as regiocom's healthchecker does.
const DefaultBackgroundAddr = ":8080"

// Background serves handler on addr ("" means [DefaultBackgroundAddr]) in
// the background, with [NewServer]'s timeouts, and returns the function
// that stops it, for a one-line probe port in main:
//
//	defer vitalshttp.Background("", vitalshttp.New(m, nil))()
//
// It does not fail: an address that cannot be listened on, a server that
// stops with an error and a shutdown that takes over 5 s are logged with
// slog.Default(), as regiocom's ServeHTTPBackground logs them. Use [Serve]
// to handle those errors, or [Run] for a graceful shutdown on SIGTERM.
func Background(addr string, handler http.Handler) (stop func()) {
	if addr == "" {
		addr = DefaultBackgroundAddr
	}
	bound, stopCtx, err := Serve(addr, handler)
	if err != nil {
		slog.Default().Error("vitalshttp: health server not started", "addr", addr, "err", err)
		return func() {}
	}
	slog.Default().Info("vitalshttp: serving health endpoints", "addr", bound)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stopCtx(ctx); err != nil {
			slog.Default().Error("vitalshttp: health server stopped with an error", "addr", bound, "err", err)
		}
	}
}

// RunOptions configure [Run]. A nil *RunOptions means defaults.
type RunOptions struct {
	// Signals that start the shutdown. Default SIGTERM and SIGINT.
	Signals []os.Signal
	// ShutdownTimeout bounds the whole shutdown after the drain delay.
	// Default 30s.
	ShutdownTimeout time.Duration
	// Listener, when set, is served instead of listening on srv.Addr.
	Listener net.Listener
}

// Run serves srv until ctx ends or a signal arrives, then shuts down in the
// order that loses no request: readiness turns Stopping (503) at once while
// the server keeps serving; after the monitor's drain delay
// ([vitals.Options.DrainDelay]) srv.Shutdown finishes in-flight requests;
// then the monitor stops its checks. Each step has its own
// RunOptions.ShutdownTimeout. It returns nil after a clean shutdown.
func Run(ctx context.Context, srv *http.Server, m *vitals.Monitor, opts *RunOptions) error {
	var o RunOptions
	if opts != nil {
		o = *opts
	}
	if len(o.Signals) == 0 {
		o.Signals = []os.Signal{syscall.SIGTERM, os.Interrupt}
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 30 * time.Second
	}
	ln := o.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", srv.Addr); err != nil {
			return fmt.Errorf("vitalshttp: listen %s: %w", srv.Addr, err)
		}
	}
	sigCtx, stopSignals := signal.NotifyContext(ctx, o.Signals...)
	defer stopSignals()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("vitalshttp: serve: %w", err)
	case <-sigCtx.Done():
	}
	stopSignals() // a second signal kills the process the default way

	// Readiness 503 at once; keep serving through the drain delay.
	dctx, dcancel := context.WithTimeout(context.Background(), m.DrainDelay()+o.ShutdownTimeout)
	derr := m.Drain(dctx)
	dcancel()
	// Then stop taking requests and finish the ones in flight, with the
	// whole budget: a hung check must not eat the server's time.
	sctx, scancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer scancel()
	serr := srv.Shutdown(sctx)
	<-served
	// Last, stop the checks, bounded separately.
	mctx, mcancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer mcancel()
	merr := m.Shutdown(mctx)
	return errors.Join(derr, serr, merr)
}
