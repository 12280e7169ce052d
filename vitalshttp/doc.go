// Package vitalshttp serves a [vitals.Monitor] over HTTP: Kubernetes-style
// probe endpoints and the IETF health+json format, read from the monitor's
// one snapshot. The endpoint shapes of the libraries vitals replaces are in
// package vitalshttp/compat, opted into one system at a time.
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
// ?verbose, Accept: text/plain or ?format=text, in the lines the
// Kubernetes apiserver writes — a bare "ok" when passing without ?verbose,
// and otherwise:
//
//	[+]disk ok
//	[+]db excluded: ok
//	[-]queue failed: reason withheld
//	warn: some health checks cannot be excluded: no matches for "nope"
//	readyz check failed
//
// The apiserver answers a failing check with 500; vitals answers 503, the
// code load balancers and probes read as "not now", and adds the lines
// below for what Kubernetes has no word for.
//
// Anonymous callers always read "reason withheld"; an authorised caller
// reads the check's message instead. Kubernetes has no word for a degraded
// check: it is "[+]cache ok (warn)", which Kubernetes parsers read as ok.
// Shutdown and an unfinished startup show as the failing pseudo-checks
// "[-]shutdown" and "[-]startup". On /livez/NAME, as in /livez, a check that
// has not run yet passes: a process is not restarted for a check it has
// not had the time to run.
//
// [Handler.Group] mounts one group anywhere, with the same rules:
//
//	mux.Handle("/internal/ready/", h.Group(vitals.Readiness)) // /internal/ready/, /internal/ready/NAME
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
// Mount the Kubernetes paths on any mux with [Handler.Install] (it
// registers nothing else, so it fits next to an application's own /health
// or /status), serve them on their own port with [Serve], mount pprof
// behind the same authorisation with [Handler.Pprof], and run a service
// with graceful shutdown with [Run]:
// on SIGTERM readiness turns 503 at once, the server keeps serving through
// the drain delay, then it shuts down.
package vitalshttp
