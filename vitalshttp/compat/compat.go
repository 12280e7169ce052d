// Package compat serves the endpoint shapes of the health libraries vitals
// replaces, so that their existing consumers (dashboards, load balancers,
// scripts) keep working after a service moves to vitals. Each system is
// opted into on its own, next to [vitalshttp.Handler.Install]'s Kubernetes
// paths:
//
//	h := vitalshttp.New(m, opts)
//	h.Install(mux)                          // /livez /readyz /startupz /healthz
//	compat.Chorus(h).Install(mux)           // /health /health/ready /health/live /health/checks
//	compat.Regiocom(h).Install(mux)         // /alive /ready, also under /.well-known/
//	compat.Axway(h).Install(mux)            // /status /status/{check}
//	mux.Handle("/health/redis", compat.Backend(h, "redis", "redis")) // KiviGo
//
// Every answer reads the same snapshot as the Kubernetes paths, with the
// same ETags, Cache-Control, HEAD and 405 for other methods. Each shape has
// one format: ?format=, ?verbose, ?exclude= and Accept change nothing.
//
// Each system shows every caller what the original showed without
// authentication — CHORUS its checks' messages, regiocom the reasons it is
// not ready, Axway its details — as short texts (one line, at most 200
// bytes), redacted; the structured details of a check and the whole
// messages stay for callers h authorises. [Endpoints.Private] keeps
// messages for them too, as the Kubernetes paths do.
// [AlreadyRunning] is Axway's probe for another instance on a port.
package compat

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/reason"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/internal/wire"
)

// Endpoints are the paths of one system, answering from a Handler's
// monitor. As an [http.Handler] they route on the whole path and answer
// 404 elsewhere.
type Endpoints struct {
	h       *wire.Handler
	system  *system
	private bool              // messages only for authorised callers
	scoring *ChorusThresholds // CHORUS: the score decides the status
	// keys are the snapshot cache keys of the bodies, [endpoint][view]:
	// their addresses are the keys, so endpoints configured differently
	// never share a body, and a lookup does not allocate.
	keys [numEndpoints][numViews]byte
}

// Private returns endpoints that show messages only to callers the Handler
// authorises, as the Kubernetes paths do; everyone else sees statuses.
func (e *Endpoints) Private() *Endpoints {
	p := e.clone()
	p.private = true
	return p
}

// clone copies e with cache keys of its own.
func (e *Endpoints) clone() *Endpoints {
	return &Endpoints{h: e.h, system: e.system, private: e.private, scoring: e.scoring}
}

// view is how much of a check an answer shows.
type view uint8

const (
	viewStatus   view = iota // statuses only
	viewMessages             // and short, redacted messages: what the original showed anyone
	viewFull                 // and whole messages and details: for authorised callers
	numViews
)

// shortMessage is the longest message shown at viewMessages.
const shortMessage = 200

// message returns a check's message as v shows it, "" for none.
func (v view) message(st *vitals.CheckState) string {
	switch {
	case v == viewStatus || st.Last.Message == "":
		return ""
	case v == viewMessages:
		return reason.Cap(wire.OneLine(st.Last.Message), shortMessage)
	}
	return st.Last.Message
}

// reason returns why a check holds its group back, as v shows it.
func (v view) reason(st *vitals.CheckState) string {
	r := wire.Reason(st, v >= viewMessages)
	if v == viewMessages {
		r = reason.Cap(r, shortMessage)
	}
	return r
}

var _ http.Handler = (*Endpoints)(nil)

// system is one library's endpoint set: its patterns and how each path is
// answered.
type system struct {
	name     string
	patterns []string
	// route maps a path to one of the system's endpoints and, for a
	// per-check path, the check; ok is false for a path it does not serve.
	route func(path string) (ep endpoint, check string, ok bool)
}

// endpoint numbers every compatible endpoint: the cache keys and ETags of
// their bodies.
type endpoint uint8

const (
	epChorusHealth endpoint = iota
	epChorusReady
	epChorusLive
	epChorusChecks
	epChorusSummary
	epAlive
	epReady
	epAxway
	numEndpoints
)

func newEndpoints(h *vitalshttp.Handler, s *system) *Endpoints {
	return &Endpoints{h: (*wire.Handler)(h), system: s}
}

// Install registers the system's paths on mux.
func (e *Endpoints) Install(mux vitalshttp.Mux) {
	for _, p := range e.system.patterns {
		mux.Handle(p, e)
	}
}

// ServeHTTP answers a request for one of the system's paths.
func (e *Endpoints) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ep, check, ok := e.system.route(r.URL.Path)
	if !ok {
		wire.WriteError(w, http.StatusNotFound, "no "+e.system.name+" endpoint at "+strconv.Quote(r.URL.Path))
		return
	}
	if !wire.GetOrHead(w, r) {
		return
	}
	details := e.h.Authorised(r)
	v := viewStatus
	switch {
	case details:
		v = viewFull
	case !e.private:
		v = viewMessages
	}
	snap := e.h.Current(r)
	var resp *wire.Response
	if check == "" {
		resp = snap.Cache(&e.keys[ep][v], func() any { return e.render(snap, ep, check, v) }).(*wire.Response)
	} else {
		resp = e.render(snap, ep, check, v)
	}
	wire.Write(w, r, resp, details)
}

// render builds an answer. Health answers get an ETag; a 404 does not. The
// start time keeps tags of a restarted process (whose versions restart at
// 1) from matching the old one's.
func (e *Endpoints) render(snap *vitals.Snapshot, ep endpoint, check string, v view) *wire.Response {
	var resp *wire.Response
	switch ep {
	case epChorusHealth, epChorusReady, epChorusLive, epChorusChecks, epChorusSummary:
		resp = renderChorus(snap, ep, v, e.scoring)
	case epAlive, epReady:
		resp = renderRegiocom(snap, ep, v)
	case epAxway:
		resp = renderAxway(snap, check, v)
	}
	if resp.Code == http.StatusOK || resp.Code == http.StatusServiceUnavailable {
		resp.ETag = []string{fmt.Sprintf(`"%x.%d.c%d.%d"`, snap.Started.UnixNano(), snap.Version, ep, v)}
	}
	return resp
}

// exact is a route for a system of fixed paths.
func exact(paths map[string]endpoint) func(string) (endpoint, string, bool) {
	return func(path string) (endpoint, string, bool) {
		ep, ok := paths[path]
		return ep, "", ok
	}
}

// withChecks is a route for a system with /prefix and /prefix/{check}.
func withChecks(prefix string, ep endpoint) func(string) (endpoint, string, bool) {
	return func(path string) (endpoint, string, bool) {
		rest, ok := strings.CutPrefix(path, prefix)
		switch {
		case !ok:
			return 0, "", false
		case rest == "":
			return ep, "", true
		case rest[0] == '/' && len(rest) > 1:
			return ep, rest[1:], true
		}
		return 0, "", false
	}
}
