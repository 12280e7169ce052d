// Package vitalsgrpc serves a [vitals.Monitor] as the standard gRPC health
// service, grpc.health.v1.Health, and checks other gRPC servers through it.
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
// [NewChecker] is a [vitals.Checker] that calls Health/Check on a target:
//
//	c, err := vitalsgrpc.NewChecker("payments:9090", &vitalsgrpc.CheckerOptions{
//		Service:  "payments.v1.Payments",
//		Insecure: true, // plaintext; the default is TLS with the system roots
//	})
//	if err != nil { … }
//	defer c.Close()
//	m.Add("payments", c, vitals.Timeout(2*time.Second))
//
// SERVING passes; NOT_SERVING, an unknown service (NotFound), a server
// without the health service, an unreachable server (Unavailable) and no
// answer by the deadline fail, each with a message that says which.
// Observed is the round-trip time in ms. The call always goes out: a
// connection that is idle, because it was dialled lazily or has not been
// used for a while, is connected on demand and never counts as a failure.
// After a failure below the RPC the next run dials afresh, so a recovered
// server is seen at once rather than after gRPC's reconnect backoff.
// [New] checks over a connection the caller already has.
package vitalsgrpc
