package vitalshttp

import (
	"crypto/subtle"
	"net/http"
	"net/http/pprof"
	"strconv"
	"strings"

	"github.com/vitalsgo/vitals"
)

// Options configure a [Handler]. A nil *Options means defaults: no caller
// is authorised to see details.
type Options struct {
	// Token, when set, authorises callers sending "Authorization: Bearer
	// <Token>" to see details (messages, errors, details, durations).
	Token string
	// Authorize, when set, decides whether a request may see details; it
	// is consulted when the bearer token does not match (or is unset).
	Authorize func(*http.Request) bool
	// PublicDetails shows details to every caller. Use it only where the
	// endpoints are not reachable from outside.
	PublicDetails bool
	// Pprof mounts net/http/pprof under /debug/pprof/.
	Pprof bool
}

// Handler serves every health endpoint of a [vitals.Monitor] from its
// snapshot. It is an [http.Handler] for the paths listed by [Paths]; mount
// it with [Handler.Install] or serve it on its own listener.
type Handler struct {
	m    *vitals.Monitor
	opts Options
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler for m.
func New(m *vitals.Monitor, opts *Options) *Handler {
	h := &Handler{m: m}
	if opts != nil {
		h.opts = *opts
	}
	return h
}

// Mux is anything with a Handle method, such as *http.ServeMux.
type Mux interface {
	Handle(pattern string, handler http.Handler)
}

// Paths are the patterns [Handler.Install] registers.
var Paths = []string{
	"/livez", "/livez/", "/readyz", "/readyz/", "/startupz", "/startupz/", "/healthz", "/healthz/",
	"/health", "/health/ready", "/health/live", "/health/checks",
	"/alive", "/ready", "/.well-known/alive", "/.well-known/ready",
	"/status", "/status/",
}

// Install registers the handler on mux for every path in [Paths] (and
// /debug/pprof/ when Options.Pprof is set).
func (h *Handler) Install(mux Mux) {
	for _, p := range Paths {
		mux.Handle(p, h)
	}
	if h.opts.Pprof {
		mux.Handle("/debug/pprof/", h)
	}
}

// endpoint identifies what a path serves.
type endpoint uint8

const (
	epNone endpoint = iota
	epLivez
	epReadyz
	epStartupz
	epHealthz
	epChorusHealth
	epChorusReady
	epChorusLive
	epChorusChecks
	epAlive
	epReady
	epAxway
	numEndpoints
)

// k8sName is the word Kubernetes prints in the last line of ?verbose.
var k8sName = [numEndpoints]string{epLivez: "livez", epReadyz: "readyz", epStartupz: "startupz", epHealthz: "healthz"}

var k8sGroup = [numEndpoints]string{epLivez: vitals.Liveness, epReadyz: vitals.Readiness, epStartupz: vitals.Startup, epHealthz: ""}

// route maps a path to an endpoint and, for per-check paths, a check name.
func route(path string) (endpoint, string) {
	switch path {
	case "/livez":
		return epLivez, ""
	case "/readyz":
		return epReadyz, ""
	case "/startupz":
		return epStartupz, ""
	case "/healthz":
		return epHealthz, ""
	case "/health":
		return epChorusHealth, ""
	case "/health/ready":
		return epChorusReady, ""
	case "/health/live":
		return epChorusLive, ""
	case "/health/checks":
		return epChorusChecks, ""
	case "/alive", "/.well-known/alive":
		return epAlive, ""
	case "/ready", "/.well-known/ready":
		return epReady, ""
	case "/status":
		return epAxway, ""
	}
	for _, p := range [...]struct {
		prefix string
		ep     endpoint
	}{{"/livez/", epLivez}, {"/readyz/", epReadyz}, {"/startupz/", epStartupz}, {"/healthz/", epHealthz}, {"/status/", epAxway}} {
		if name, ok := strings.CutPrefix(path, p.prefix); ok && name != "" {
			return p.ep, name
		}
	}
	return epNone, ""
}

// format is a representation of a body.
type format uint8

const (
	fmtJSON format = iota // vitals JSON
	fmtIETF               // application/health+json
	fmtText               // Kubernetes-style text
	numFormats
)

// request is what a probe asked for, parsed once.
type request struct {
	ep       endpoint
	check    string
	format   format
	details  bool
	verbose  bool
	excluded []string
}

// cacheKeys are the snapshot cache keys of the bodies that depend only on
// (endpoint, format, details, verbose): pointers into this array, so a lookup does
// not allocate.
var cacheKeys [numEndpoints][numFormats][2][2]byte // [ep][format][details][verbose]

// response is a rendered answer, cached in a snapshot and shared by every
// request that asks the same question of it.
type response struct {
	code  int
	body  []byte
	ctype []string // header values, shared: never modified once built
	etag  []string
}

var (
	noCache        = []string{"no-cache"}
	privateNoCache = []string{"private, no-cache"}
	nosniff        = []string{"nosniff"}
	varyHdrs       = []string{"Accept, Authorization"}
)

// ServeHTTP answers a health request. A probe never runs a periodic check:
// it reads the monitor's current snapshot (running only on-demand checks
// whose cached result expired), and bodies are encoded once per snapshot.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.opts.Pprof && strings.HasPrefix(r.URL.Path, "/debug/pprof/") {
		// Profiles and the command line (which may carry secrets) are for
		// authorised callers only.
		if !h.authorised(r) {
			writeError(w, http.StatusForbidden, "pprof needs an authorised caller")
			return
		}
		servePprof(w, r)
		return
	}
	ep, name := route(r.URL.Path)
	if ep == epNone {
		writeError(w, http.StatusNotFound, "no health endpoint at "+strconv.Quote(r.URL.Path))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header()["Allow"] = []string{"GET, HEAD"}
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; use GET or HEAD")
		return
	}
	req, errMsg := h.parse(r, ep, name)
	if errMsg != "" {
		writeError(w, http.StatusBadRequest, errMsg)
		return
	}
	snap := h.m.Current(r.Context())
	var resp *response
	if req.check == "" && len(req.excluded) == 0 {
		resp = snap.Cache(&cacheKeys[ep][req.format][b2i(req.details)][b2i(req.verbose)], func() any { return h.render(snap, req) }).(*response)
	} else {
		resp = h.render(snap, req)
	}
	hdr := w.Header()
	hdr["Content-Type"] = resp.ctype
	hdr["Cache-Control"] = noCache
	if req.details {
		hdr["Cache-Control"] = privateNoCache
	}
	hdr["X-Content-Type-Options"] = nosniff
	hdr["Vary"] = varyHdrs
	if resp.etag != nil {
		hdr["Etag"] = resp.etag
		if inm := r.Header["If-None-Match"]; len(inm) > 0 && etagMatch(inm, resp.etag[0]) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(resp.code)
	if r.Method != http.MethodHead {
		w.Write(resp.body)
	}
}

// parse reads the query and headers of a probe request. It returns a
// message for a request that cannot be answered as asked.
func (h *Handler) parse(r *http.Request, ep endpoint, name string) (request, string) {
	req := request{ep: ep, check: name, details: h.authorised(r)}
	if k8sName[ep] != "" {
		req.format = negotiate(r.Header["Accept"])
	}
	if r.URL.RawQuery == "" {
		return req, ""
	}
	q := r.URL.Query()
	if _, ok := q["verbose"]; ok && k8sName[ep] != "" {
		req.verbose = true
		req.format = fmtText
	}
	if k8sName[ep] != "" {
		req.excluded = q["exclude"]
		if len(req.excluded) > maxExcludes {
			return req, "too many exclude parameters (the limit is " + strconv.Itoa(maxExcludes) + ")"
		}
	}
	if f := q.Get("format"); f != "" && k8sName[ep] != "" {
		switch strings.ToLower(f) {
		case "json":
			req.format = fmtJSON
		case "ietf", "health+json":
			req.format = fmtIETF
		case "text", "txt":
			req.format = fmtText
		default:
			return req, "unknown format " + strconv.Quote(f) + "; use json, ietf or text"
		}
	}
	return req, ""
}

// maxExcludes bounds ?exclude=, whose answers are rendered per request.
const maxExcludes = 32

// negotiate picks a format from Accept: health+json wins, then text/plain;
// anything else (including */* and none) gets JSON.
func negotiate(accept []string) format {
	for _, a := range accept {
		if strings.Contains(a, "application/health+json") {
			return fmtIETF
		}
	}
	for _, a := range accept {
		if strings.HasPrefix(a, "text/plain") || strings.Contains(a, ", text/plain") {
			if !strings.Contains(a, "json") {
				return fmtText
			}
		}
	}
	return fmtJSON
}

// authorised reports whether the caller may see details.
func (h *Handler) authorised(r *http.Request) bool {
	if h.opts.PublicDetails {
		return true
	}
	if h.opts.Token != "" {
		// The scheme is case-insensitive (RFC 9110).
		if a := r.Header["Authorization"]; len(a) == 1 && len(a[0]) > 7 && strings.EqualFold(a[0][:7], "Bearer ") &&
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(a[0][7:])), []byte(h.opts.Token)) == 1 {
			return true
		}
	}
	return h.opts.Authorize != nil && h.opts.Authorize(r)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// etagMatch implements If-None-Match's weak comparison over a list.
func etagMatch(values []string, etag string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			part = strings.TrimPrefix(part, "W/")
			if part == "*" || part == etag {
				return true
			}
		}
	}
	return false
}

func servePprof(w http.ResponseWriter, r *http.Request) {
	switch strings.TrimPrefix(r.URL.Path, "/debug/pprof/") {
	case "cmdline":
		pprof.Cmdline(w, r)
	case "profile":
		pprof.Profile(w, r)
	case "symbol":
		pprof.Symbol(w, r)
	case "trace":
		pprof.Trace(w, r)
	default:
		pprof.Index(w, r)
	}
}
