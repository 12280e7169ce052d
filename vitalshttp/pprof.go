package vitalshttp

import (
	"context"
	"net/http"
	"net/http/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/vitalsgo/vitals/vitalshttp/internal/wire"
)

// Pprof returns a handler serving net/http/pprof to the callers h
// authorises to see details (its Token, Authorize or PublicDetails);
// anyone else gets 403, since profiles and the command line may carry
// secrets. It routes on the last element of the path, so it mounts
// anywhere:
//
//	mux.Handle("/debug/pprof/", h.Pprof())
//
// A CPU profile or trace extends its own write deadline by its duration,
// so the server's WriteTimeout need not leave room for one.
func (h *Handler) Pprof() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.wire().Authorised(r) {
			wire.WriteError(w, http.StatusForbidden, "pprof needs an authorised caller")
			return
		}
		servePprof(w, r)
	})
}

// PublicPprof returns net/http/pprof for every caller, routed as
// [Handler.Pprof] routes it: for a debug build, or a port only operators
// reach, as Axway's NewServer(true) serves it. Profiles and the command
// line may carry secrets; Handler.Pprof is the default.
func PublicPprof() http.Handler { return http.HandlerFunc(servePprof) }

// servePprof answers a pprof request by the last element of its path.
func servePprof(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	switch name {
	case "":
		if !strings.HasSuffix(r.URL.Path, "/") {
			// The index links relative to its own path.
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
		pprof.Index(w, r)
	case "cmdline":
		pprof.Cmdline(w, r)
	case "symbol":
		pprof.Symbol(w, r)
	case "profile", "trace":
		r = forDuration(w, r)
		if name == "profile" {
			pprof.Profile(w, r)
		} else {
			pprof.Trace(w, r)
		}
	default:
		pprof.Handler(name).ServeHTTP(w, r)
	}
}

// forDuration moves the write deadline of a profile or trace of
// ?seconds=N (pprof's default 30 for a profile, 1 for a trace) past its
// end, and hides the server's WriteTimeout from pprof, which refuses a
// duration longer than it without looking at the deadline.
func forDuration(w http.ResponseWriter, r *http.Request) *http.Request {
	sec, err := strconv.ParseFloat(r.FormValue("seconds"), 64)
	if err != nil || sec <= 0 {
		sec = 30
	}
	d := time.Duration(sec*float64(time.Second)) + 10*time.Second
	if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d)); err != nil {
		return r // the writer has no deadline to move (a recorder, HTTP/1 hijacked…)
	}
	return r.WithContext(context.WithValue(r.Context(), http.ServerContextKey, nil))
}
