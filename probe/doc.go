// Package probe lets a service binary check its own health, so a Docker
// HEALTHCHECK needs no curl, no wget and no second binary — the usual
// problem in a distroless or scratch image.
//
// # Use
//
// Call [IfRequested] first thing in main. Run as "myservice healthcheck",
// the binary requests its own health endpoint on loopback and exits 0
// when it answers pass or warn, 1 otherwise; run any other way, it starts
// as usual:
//
//	func main() {
//		probe.IfRequested("healthcheck", ":8080", nil)
//
//		m := vitals.New(nil)
//		…
//	}
//
// In the Dockerfile:
//
//	FROM scratch
//	COPY myservice /myservice
//	HEALTHCHECK --interval=10s --timeout=3s CMD ["/myservice", "healthcheck"]
//	ENTRYPOINT ["/myservice"]
//
// A failed probe writes one line saying why to stderr, which Docker keeps
// in the container's health log (docker inspect), secrets redacted.
//
// # Target
//
// The address is the one the service listens on: ":8080" and
// "0.0.0.0:8080" are probed at 127.0.0.1:8080, "[::]:8080" at [::1]:8080.
// The path is [Options.Path], "/readyz" by default. One argument after the
// command changes the target without a rebuild: "healthcheck /livez" takes
// another path, "healthcheck :9090" or "healthcheck http://127.0.0.1:9090/health"
// another address. Any health format the [client] package reads will do.
//
// # Exit codes
//
// Docker reads 0 as healthy and 1 as unhealthy, and reserves 2. So [Run]
// returns only [ExitHealthy] or [ExitUnhealthy]: a probe that cannot even be
// set up (a malformed address) is a failing one, and says so on stderr.
//
// # Without exiting
//
// [Run] returns the exit code instead of exiting, for a service with its
// own command-line handling; [Check] returns an error, for anything else.
package probe
