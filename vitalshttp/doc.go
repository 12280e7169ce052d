// Package vitalshttp serves a [vitals.Monitor] over HTTP: Kubernetes-style
// probe endpoints, the IETF health+json format, and the endpoint shapes of
// the libraries vitals replaces — all read from the monitor's one snapshot.
// A probe request never runs a periodic check and never waits for one; the
// encoded body is cached per snapshot, so a probe is an atomic load and a
// write of bytes.
//
// # Endpoints
//
// Kubernetes style (200 when Pass or Warn, 503 otherwise):
//
//	/livez /readyz /startupz /healthz      group status; ?verbose, ?exclude=NAME (repeatable)
//	/livez/NAME /readyz/NAME …              one check of that group; 404 for an unknown name
//
// They answer vitals JSON by default, IETF application/health+json when the
// Accept header asks for it or ?format=ietf, and Kubernetes text with
// ?verbose, Accept: text/plain or ?format=text, line for line as the
// Kubernetes apiserver writes it — a bare "ok" when passing without
// ?verbose, and otherwise:
//
//	[+]disk ok
//	[+]db excluded: ok
//	[-]queue failed: reason withheld
//	warn: some health checks cannot be excluded: no matches for "nope"
//	readyz check failed
//
// Anonymous callers always read "reason withheld"; an authorised caller
// reads the check's message instead. Kubernetes has no word for a degraded
// check: it is "[+]cache ok (warn)", which Kubernetes parsers read as ok.
// Shutdown and an unfinished startup show as the failing pseudo-checks
// "[-]shutdown" and "[-]startup". On /livez/NAME, as in /livez, a check that
// has not run yet passes: a process is not restarted for a check it has
// not had the time to run.
//
// Compatible shapes, for consumers of the libraries vitals replaces:
//
//	/health /health/ready /health/live /health/checks    CHORUS health manager
//	/alive /ready (also under /.well-known/)              regiocom healthchecker
//	/status /status/NAME                                   Axway agent-sdk healthcheck
//	Handler.Backend(check, backend)                        KiviGo per-backend health
//
// # Details and secrets
//
// Unauthenticated callers see statuses and check names only. Messages,
// errors, details and durations go to callers authorised by
// [Options.Token] (a bearer token) or [Options.Authorize]. Whatever is
// shown has secrets removed, once, by the monitor before the result reaches
// a snapshot: URL passwords, DSN passwords, tokens and Authorization values
// (see package redact).
//
// # Caching
//
// Every answer carries an ETag derived from the snapshot version and
// Cache-Control: no-cache; If-None-Match gets 304 while nothing changed.
// HEAD is supported; other methods get 405.
//
// # Serving
//
// Mount the handler on any mux with [Handler.Install], serve it on its own
// port with [Serve], and run a service with graceful shutdown with [Run]:
// on SIGTERM readiness turns 503 at once, the server keeps serving through
// the drain delay, then it shuts down.
package vitalshttp
