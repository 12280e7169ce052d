package monitor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/access"
	"github.com/vitalsgo/vitals/monitor/alert"
	"github.com/vitalsgo/vitals/monitor/api"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/config"
	"github.com/vitalsgo/vitals/monitor/lease"
	"github.com/vitalsgo/vitals/monitor/notify"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/web"
	"github.com/vitalsgo/vitals/vitalshttp"
)

// Builder builds the checker a configured check describes; the closer, if
// any, is closed when the target is removed or the server stops. The
// vitals command passes the builder that knows every driver.
type Builder func(c *config.Check) (vitals.Checker, io.Closer, error)

// Options configure a Server.
type Options struct {
	// Build builds the checkers of targets; push targets are built by the
	// server itself. Required.
	Build Builder
	// Logger receives the server's log lines. Default slog.Default().
	Logger *slog.Logger
	// Listen, when set, overrides the configuration's listen address
	// (e.g. "127.0.0.1:0" in tests). Default the file's, else :8080.
	Listen string
	// DrainDelay is how long /readyz answers 503 before the server stops
	// listening at shutdown. Default 0.
	DrainDelay time.Duration
	// UptimeEvery is how often the cached uptimes are recomputed from the
	// store. Default 30s.
	UptimeEvery time.Duration
	// Writer configures the store's write queue.
	Writer *store.WriterOptions
	// Dispatch configures the delivery of notifications; its Logger is
	// the server's, and its Lease defaults to the longest channel
	// timeout + 5s.
	Dispatch *alert.DispatcherOptions
}

// DefaultListen is the address the server listens on when neither the
// file nor Options.Listen name one.
const DefaultListen = ":8080"

// Server is a running `vitals serve`.
type Server struct {
	o      Options
	log    *slog.Logger
	st     store.Store
	writer *store.Writer
	board  *board.Board
	// targets runs the configured targets; self runs the server's own
	// checks (the store), which /livez and /readyz answer for.
	targets *vitals.Monitor
	self    *vitals.Monitor
	pushes  *pushes
	// alerts decides alerts in the store's transactions; dispatch
	// delivers them from the outbox.
	alerts   *alert.Engine
	dispatch *alert.Dispatcher
	reg      *prometheus.Registry
	metrics  *metrics
	// handler is rebuilt when a reload changes the auth block, so every
	// request sees one policy.
	handler atomic.Pointer[http.ServeMux]
	// pages is the page handler of the current routes: its event streams
	// end at shutdown, which http.Server.Shutdown alone would wait for.
	pages atomic.Pointer[web.Handler]

	sum     atomic.Pointer[[]byte]   // SHA-256 of the file ReloadFile last read
	watched atomic.Pointer[[]string] // include patterns of the file last loaded

	// cl shares the targets with the other replicas of a PostgreSQL
	// store; nil on SQLite, where this process runs every target.
	cl   *cluster
	runs inflight // the runs of targets in flight, which a release waits for

	bannerMu      sync.Mutex // guards the parts of the page's banner
	reloadBanner  string     // a refused reload
	deadBanner    string     // dead-lettered notifications
	clusterBanner string     // replicas that run different configurations

	mu      sync.Mutex // guards cfg and live, and serialises Reload
	cfg     *config.Config
	live    map[string]*target
	stopped bool
}

// New opens the configuration's store, applying missing migrations, and
// builds its targets. It starts nothing: call Run.
func New(ctx context.Context, cfg *config.Config, opts *Options) (*Server, error) {
	if opts == nil || opts.Build == nil {
		return nil, errors.New("monitor: Options.Build is required")
	}
	s := &Server{o: *opts, live: map[string]*target{}}
	// What WatchFile compares the file with: what was loaded, so a change
	// made before the watcher starts is not missed.
	s.watched.Store(&cfg.IncludePatterns)
	s.sum.Store(fileSum(cfg.File, cfg.IncludePatterns))
	s.log = opts.Logger
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.o.UptimeEvery <= 0 {
		s.o.UptimeEvery = 30 * time.Second
	}
	st, err := store.Open(ctx, cfg.Storage)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	s.st = st
	s.writer, err = store.NewWriter(st, opts.Writer)
	if err != nil {
		st.Close()
		return nil, err
	}
	s.board = board.New(st)
	s.pushes = newPushes()
	s.cl, err = openCluster(ctx, cfg, s.log, s.releaseShards)
	if err != nil {
		s.closeStore(ctx)
		return nil, fmt.Errorf("cluster: %w", err)
	}
	if s.cl != nil {
		st.SetFencer(s.cl)
		st.SetNotify(true)
		s.pushes.tell = s.tellPush
	}
	ac, err := alertConfig(cfg, s.log)
	if err != nil {
		s.closeStore(ctx)
		return nil, err
	}
	s.alerts = alert.NewEngine(ac)
	s.alerts.SetOwner(s.owns)
	var do alert.DispatcherOptions
	if opts.Dispatch != nil {
		do = *opts.Dispatch
	}
	do.Logger = s.log
	if do.Lease <= 0 {
		// A claim outlasts the slowest channel's delivery.
		longest := time.Duration(0)
		for _, c := range cfg.Notify {
			longest = max(longest, cmp.Or(c.Timeout, notify.DefaultTimeout))
		}
		do.Lease = cmp.Or(longest, notify.DefaultTimeout) + 5*time.Second
	}
	s.dispatch = alert.NewDispatcher(st, s.alerts, &do)
	st.SetAlerter(s.alerts)
	s.board.SetMaintenance(s.alerts.InMaintenance)
	s.targets = vitals.New(&vitals.Options{Info: cfg.Service.Info(), HistorySize: 1})
	s.self = vitals.New(&vitals.Options{Info: cfg.Service.Info(), DrainDelay: opts.DrainDelay})
	if err := s.self.Add("store", vitals.ResultFunc(s.writer.Check), vitals.Interval(2*time.Second), vitals.Timeout(time.Second)); err != nil {
		s.closeStore(ctx)
		return nil, err
	}
	s.targets.Observe(s.observe)
	if err := s.initMetrics(); err != nil {
		s.closeStore(ctx)
		return nil, err
	}
	if err := s.apply(cfg); err != nil {
		s.closeTargets()
		s.closeStore(ctx)
		return nil, err
	}
	// The page shows what the store knows until the targets' next results.
	if open, err := st.Current(ctx); err == nil {
		s.board.Seed(open, time.Now())
	}
	return s, nil
}

// observe records every result of a target: to the board, and to the
// store's queue. It runs in the goroutine that recorded the result, so it
// only copies.
func (s *Server) observe(cs *vitals.CheckState) {
	var l lease.Lease
	if s.cl != nil {
		s.runs.end(cs.Name)
		if errors.Is(cs.Last.Err, errNotOwned) {
			// A run that fell due while its shard is being given back
			// started nothing: no result of the target's.
			return
		}
		var ok bool
		if l, ok = s.cl.m.Holds(cs.Name); !ok {
			// Another replica runs it now (see guarded); its results
			// reach the board from there.
			return
		}
	}
	if r, ok := s.board.Record(cs); ok {
		// Written only while this lease is the shard's (store.Result.Epoch).
		r.Epoch = l.Epoch
		s.writer.Add(r)
	}
}

// serveWith makes the routes of pol the server's. The event streams of the
// routes they replace end, so their pages reconnect under the new policy.
func (s *Server) serveWith(pol *access.Policy) {
	mux, page := s.routes(pol)
	s.handler.Store(mux)
	if old := s.pages.Swap(page); old != nil {
		old.Close()
	}
}

func (s *Server) routes(pol *access.Policy) (*http.ServeMux, *web.Handler) {
	mux := http.NewServeMux()
	page := web.New(s.board, pol, &web.Options{Logger: s.log})
	page.Register(mux)
	api.New(s.board, pol, &api.Options{Logger: s.log}).Register(mux)
	mux.HandleFunc("POST /api/v1/push/{token}", s.pushes.serveHTTP)
	s.alertRoutes(mux, pol)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	vitalshttp.New(s.self, nil).Install(mux)
	return mux, page
}

// ServeHTTP serves the page, the API, badges, pushes, /metrics, /livez
// and /readyz.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.Load().ServeHTTP(w, r)
}

// Targets returns the core monitor that runs the targets, e.g. to
// Subscribe to their transitions.
func (s *Server) Targets() *vitals.Monitor { return s.targets }

// Board returns the read model the page and the API show.
func (s *Server) Board() *board.Board { return s.board }

// Run serves until ctx ends, then shuts down in the order that loses
// nothing: /readyz turns 503 at once, the server keeps serving through
// the drain delay and finishes in-flight requests, the targets stop, and
// the store's queue is flushed. It returns nil after a clean shutdown.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	if ln == nil {
		addr := s.listenAddr()
		var err error
		if ln, err = net.Listen("tcp", addr); err != nil {
			s.closeTargets()
			return errors.Join(fmt.Errorf("listen: %w", err), s.closeStore(context.Background()))
		}
	}
	s.log.Info("vitals serve listening", "addr", ln.Addr().String(), "targets", len(s.board.States()))
	if err := errors.Join(s.targets.Start(), s.self.Start()); err != nil {
		ln.Close()
		s.closeTargets()
		return errors.Join(err, s.closeStore(context.Background()))
	}
	bg, stopBG := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { s.refreshUptimes(bg) })
	wg.Go(func() { s.prune(bg) })
	wg.Go(func() { s.dispatch.Run(bg) })
	wg.Go(func() { s.refreshAlerts(bg) })
	if s.cl != nil {
		wg.Go(func() { s.followCluster(bg) })
	}

	srv := vitalshttp.NewServer(ln.Addr().String(), s)
	srv.RegisterOnShutdown(func() { s.pages.Load().Close() })
	err := vitalshttp.Run(ctx, srv, s.self, &vitalshttp.RunOptions{Listener: ln})
	// The shards go back to the peers first, while the leases are still
	// renewed and trusted (the dispatcher's drain below may take its
	// time), and then the targets stop. The Release hook starts no run,
	// waits for those in flight and writes their results: closing the
	// targets first cancelled a run in flight, whose probe the target had
	// seen but whose result was never written, and the peer that took the
	// target over probed it again at once (TestReplicasShareTargets).
	if cerr := s.closeCluster(context.Background()); cerr != nil {
		s.log.Warn("giving the shards back; the peers take them when the leases expire", "err", cerr)
	}
	s.closeTargets()
	stopBG()
	wg.Wait()
	cerr := s.closeStore(context.Background())
	st := s.writer.Stats()
	s.log.Info("vitals serve stopped", "results_written", st.Written, "results_dropped", st.Dropped, "results_lost", st.Queued)
	if err == nil {
		err = cerr
	}
	return err
}

func (s *Server) listenAddr() string {
	if s.o.Listen != "" {
		return s.o.Listen
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.Listen != "" {
		return s.cfg.Listen
	}
	return DefaultListen
}

// closeStore writes what is queued and closes the store.
func (s *Server) closeStore(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// The shards go to the peers first, once what is queued of their
	// targets is written (the Release hook).
	if err := s.closeCluster(ctx); err != nil {
		s.log.Warn("giving the shards back; the peers take them when the leases expire", "err", err)
	}
	err := s.writer.Close(ctx)
	if s.cl != nil {
		s.cl.db.Close()
	}
	s.self.Close()
	if cerr := s.st.Close(); err == nil {
		err = cerr
	}
	return err
}
