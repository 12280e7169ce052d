// Package vitalsgrpc serves a [vitals.Monitor] as the standard gRPC health
// service, grpc.health.v1.Health.
//
// # Server
//
// [Register] puts a health server on a *grpc.Server; every answer is read
// from the monitor's current snapshot, so load balancers, Kubernetes gRPC
// probes and grpc_health_probe see what the HTTP endpoints show.
//
//	m := vitals.New(nil)
//	m.Add("db", vitals.CheckFunc(db.PingContext))
//	m.Start()
//	gs := grpc.NewServer()
//	health := vitalsgrpc.Register(gs, m)
//	// on SIGTERM: health.Shutdown(); gs.GracefulStop(); m.Close()
//
// Service names map to the monitor's groups and checks:
//
//	""            readiness: Starting until startup completes, Stopping during shutdown
//	"liveness"    the liveness group
//	"readiness"   the readiness group (the same as "")
//	"startup"     the startup group
//	"<group>"     any custom group
//	"<check>"     one enabled check by name (a group of the same name wins)
//	anything else Check: NotFound; Watch: SERVICE_UNKNOWN
//
// StatusPass and StatusWarn are SERVING; StatusFail, StatusUnknown (not run
// yet), StatusStarting and StatusStopping are NOT_SERVING, by the one table
// of status words that vitalshttp and client use too.
//
// Check runs expired on-demand checks first, bounded by the call's
// deadline, as an HTTP probe does. List answers every service above, up to
// [Options.MaxListServices].
//
// # Watch
//
// Watch sends the status at once, then each change, driven by the
// monitor's snapshots ([vitals.Snapshot.Changed]), never by polling, on
// the goroutine gRPC runs the stream on; it starts none of its own. A slow
// client gets only the latest status: after a Send held up by flow control
// the stream reads the newest snapshot and skips the ones in between. An
// unknown service is sent SERVICE_UNKNOWN and the stream stays open; when
// a check or group of that name appears, its status follows.
//
// Snapshots are published by the monitor's scheduler, by RunOnce and by
// readers; a monitor that is neither started nor probed publishes nothing,
// so its watchers see changes only when something reads it.
//
// # Shutdown
//
// When the monitor shuts down ([vitals.Monitor.Shutdown] or Close), every
// known service answers NOT_SERVING, and every Watch stream is sent
// NOT_SERVING and ends with status OK. [Server.Shutdown] does the same
// without the monitor, like grpc-go's health.Server.Shutdown; call it
// before GracefulStop so clients move away first. [Server.Resume] undoes
// it.
//
// # Checking other servers
//
// The checker that calls Health/Check on another server, as a dependency
// of this one, is package grpccheck (module
// github.com/vitalsgo/vitals/checks/grpc), with the contract of every
// other checker.
package vitalsgrpc
