// Package vitals is health checking for Go services: it runs checks on a
// service's dependencies and keeps one immutable snapshot of their state
// that every consumer reads — Kubernetes probes, Docker HEALTHCHECK, load
// balancers, gRPC health clients, Prometheus and people.
//
// The package has no dependencies outside the standard library. Everything
// that serves or reads the snapshot lives in a package of its own:
//
//   - vitalshttp: the Kubernetes endpoints (/livez, /readyz, /startupz,
//     /healthz), a handler per group that mounts on any path, and a server
//     helper that drains on SIGTERM.
//   - vitalshttp/compat: the endpoint shapes of the systems vitals replaces,
//     opted into one at a time.
//   - vitalsgrpc: the grpc.health.v1 service (Check, Watch, List); its own
//     module.
//   - vitalsprom and vitalsotel: Prometheus and OpenTelemetry metrics, from
//     listeners; scraping never runs a check. Their own modules.
//   - client: reads any service's health endpoint; probe: a service binary
//     checks itself (Docker HEALTHCHECK without curl).
//   - redact: the secret redaction applied to every result.
//   - vitalstest: a fake clock for tests.
//   - checks/...: checkers for real dependencies, one module per
//     third-party driver.
//
// # Quick start
//
//	m := vitals.New(nil)
//	m.Add("db", vitals.CheckFunc(db.PingContext), vitals.Timeout(2*time.Second))
//	m.Add("disk", diskChecker, vitals.Groups(vitals.Liveness, vitals.Readiness))
//	m.Start()
//	defer m.Close()
//	vitalshttp.New(m, nil).Install(http.DefaultServeMux)
//
// # Which call do I use
//
// Reading state:
//
//	Snapshot()     every check and group at one moment, an atomic load:
//	               what a surface serves; never runs a check
//	Current(ctx)   Snapshot after running the on-demand checks whose
//	               result has expired: what a probe handler calls
//	State(name)    one check's live state, counters up to the moment
//	               (a snapshot may show them up to a second late)
//
// Being told of changes:
//
//	Subscribe(fn)          every status transition, in order, on a goroutine
//	                       the monitor owns; a slow fn only loses old events
//	Observe(fn)            every result, synchronously under the check's
//	                       lock, for metrics; fn must be fast
//	Options.OnCriticalFailure
//	                       a critical check crossed its failure threshold;
//	                       may call Shutdown
//
// Stopping:
//
//	Drain(ctx)     readiness turns Stopping and the drain delay passes;
//	               checks keep running and surfaces keep serving
//	Shutdown(ctx)  Drain, then Close, bounded by ctx: on SIGTERM
//	Close()        stop now and wait for every goroutine: in tests and
//	               after Shutdown
//
// Without a monitor:
//
//	Err(ctx, c)    run one checker once; nil when it passes or warns: for
//	               code whose health is a Go error
//	FromError(err) the other way: an error as a Result
//
// # Checks
//
// A [Checker] returns a [Result]; [CheckFunc] adapts any func(ctx) error, so
// db.PingContext is a check as it stands, and [ResultFunc] any
// func(ctx) Result. Return [Warn](err) to report a
// degradation instead of a failure. Options set per check:
//
//   - [Interval]: run every d > 0 in the background (default 10s), or
//     [OnDemand]: run when probed, cached for a ttl; concurrent probes share
//     one run. A check is one or the other: [Monitor.Add] refuses
//     Interval(0), both together, and an option that means nothing for the
//     mode ([InitialDelay] or [Jitter] on an on-demand check).
//   - [Timeout] (default 5s), [InitialDelay], [Jitter].
//   - [Critical]: a failing critical check fails its groups; a non-critical
//     one degrades them to Warn.
//   - [Groups]: [Liveness], [Readiness] (the default), [Startup], or custom.
//   - [FailureThreshold], [SuccessThreshold]: consecutive results needed to
//     flip.
//   - [MaxAge]: a result older than this counts as Fail.
//   - [Enabled], [Description], [ComponentType], [Measurement], [HistorySize].
//
// # Execution
//
// One scheduler goroutine keeps a min-heap of due times and hands runs to a
// bounded worker pool; no goroutine is started per check, so 100,000 checks
// cost a heap entry each. A check has at most one run in flight. A run that
// outlives its timeout is abandoned: its result is Fail ("timed out after
// 2s"), the timeout is counted, and the check is not started again until
// the abandoned run returns — a hung dependency costs one goroutine, never
// more. A panic in a check is recovered and reported as Fail.
//
// Slow dependencies never starve other checks. A run that outlasts the
// monitor's tick (1 % of its shortest interval, 1–100ms) hands its worker
// over (after a millisecond while other runs wait for a worker, as at
// Start, when nothing yet tells a hung check from a healthy one): a
// replacement joins the pool while the run goes on, and the check's next
// runs start on a goroutine of their own until one returns within a tick. A due check so starts within its tick of its slot, plus at most one
// tick of the monitor's while a worker is handed over, however many
// dependencies time out or never answer; goroutines stay the workers plus
// at most one per run in flight.
//
// # Status and aggregation
//
// [Status] is [StatusUnknown] (not run yet), [StatusPass], [StatusWarn] or
// [StatusFail] for a check; groups and the service can also be
// [StatusStarting] and [StatusStopping]. A group fails when a critical
// member fails, is Starting while a member has not run yet (except
// liveness, which ignores checks not run yet), and is Warn when a member
// warns or a non-critical member fails. The startup group is Starting until
// each of its checks has passed once, then stays Pass. The surface packages
// write a status in the words of their formats (IETF, CHORUS, gRPC, Axway,
// …) and package client reads them back, all from one table.
//
// # Snapshots
//
// Every result updates the check's state (thresholds, history, counters);
// a new [Snapshot] is published through an atomic pointer when a status
// changes, and at most once a second for counters and timestamps. A
// snapshot caches encoded bodies ([Snapshot.Cache]), so serving a probe is
// an atomic load and a write of bytes. [Monitor.Current] additionally runs
// expired on-demand checks.
//
// # Lifecycle
//
// [Monitor.Start] starts the scheduler; [Monitor.Close] stops it and waits
// for every goroutine it started. [Monitor.RunOnce] runs every check once
// without Start. [Monitor.WaitReady] blocks until readiness passes.
// [Monitor.Shutdown] turns readiness to Stopping at once (liveness stays as
// it is), waits [Options.DrainDelay], then stops. [Options.OnCriticalFailure]
// fires when a critical check crosses its failure threshold, for services
// that should stop rather than limp on.
//
// # Listeners
//
// [Monitor.Subscribe] delivers every status transition, in order, from a
// goroutine the monitor owns. A slow listener never blocks the monitor: its
// queue is bounded, the oldest events are dropped when it overflows, and the
// next delivered [Event] reports how many were missed.
//
// # Secrets
//
// Messages, error texts and details are passed through package redact
// ([redact.String], [redact.Error], [redact.Details]) once, before anything
// else sees them: URL passwords, DSN passwords, tokens, Authorization and
// cookie values, PEM private keys and the tokens of well-known providers
// become "***", also inside []byte details; a redacted Err still unwraps to
// the checker's error. Check descriptions are redacted when set, and [Monitor.Add]
// refuses a check or group name that redaction would change, since names
// are shown as given on every surface.
//
// # Testing
//
// [Options.Clock] takes a fake clock (package vitalstest), so intervals,
// timeouts, thresholds, max age and drain delays can be tested without
// sleeping.
package vitals
