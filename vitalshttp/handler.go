package vitalshttp

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp/internal/wire"
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
}

// Handler serves the health endpoints of a [vitals.Monitor] from its
// snapshot. As an [http.Handler] it answers the Kubernetes paths
// (/livez, /readyz, /startupz, /healthz and their /{check}); mount those
// on a mux with [Handler.Install], or one group anywhere with
// [Handler.Group].
//
// Handler is defined over the state package vitalshttp/compat shares, so
// that the compatible endpoint shapes answer with the same monitor and
// authorisation.
type Handler wire.Handler

var _ http.Handler = (*Handler)(nil)

// New returns a Handler for m.
func New(m *vitals.Monitor, opts *Options) *Handler {
	var o Options
	if opts != nil {
		o = *opts
	}
	return (*Handler)(wire.New(m, o.Token, o.Authorize, o.PublicDetails))
}

func (h *Handler) wire() *wire.Handler { return (*wire.Handler)(h) }

// Mux is anything with a Handle method, such as *http.ServeMux.
type Mux interface {
	Handle(pattern string, handler http.Handler)
}

// kubernetes are the endpoints [Handler.Install] registers, each at
// /<word> for its group and /<word>/{check} for one check.
var kubernetes = [...]struct {
	word, group string
}{
	{"livez", vitals.Liveness},
	{"readyz", vitals.Readiness},
	{"startupz", vitals.Startup},
	{"healthz", ""},
}

// Install registers the Kubernetes paths on mux: /livez, /readyz,
// /startupz and /healthz, and under each /{check} (as the patterns
// "/livez" and "/livez/", …). It registers nothing else, so it fits next
// to an application's own /health, /ready or /status; the shapes of other
// libraries are in package vitalshttp/compat.
func (h *Handler) Install(mux Mux) {
	for i, k := range kubernetes {
		g := h.kubernetes(i)
		g.base = "/" + k.word
		mux.Handle("/"+k.word, g)
		mux.Handle("/"+k.word+"/", g)
	}
}

// Group returns a handler for one group (vitals.Liveness, vitals.Readiness,
// vitals.Startup, a custom group, or "" for every check) that answers
// wherever it is mounted: mounted as
//
//	mux.Handle("/internal/ready/", h.Group(vitals.Readiness))
//
// (or under [http.StripPrefix]), /internal/ready/ answers for the group and
// /internal/ready/{check} for one check of it, with the query parameters,
// formats, ETags and authorisation of /readyz. It routes on the path left
// after the mux's matched pattern (r.Pattern), or on the whole path when
// the request carries no pattern of it, as after StripPrefix. A
// *http.ServeMux redirects /internal/ready to /internal/ready/; register
// the handler under both patterns to answer there without a redirect.
//
// The ?verbose text ends in "<word> check passed|failed", where the word is
// livez, readyz, startupz or healthz for the standard groups and the group
// name otherwise.
func (h *Handler) Group(name string) http.Handler {
	for i, k := range kubernetes {
		if k.group == name {
			return h.kubernetes(i)
		}
	}
	g := &group{h: h, name: name, word: name, ep: epCustom}
	g.keys = new(cacheKeys)
	return g
}

// kubernetes returns the handler of kubernetes[i]'s group.
func (h *Handler) kubernetes(i int) *group {
	k := kubernetes[i]
	return &group{h: h, name: k.group, word: k.word, ep: endpoint(i + 1), keys: &k8sKeys[i]}
}

// endpoint numbers the Kubernetes endpoints in ETags, so that two of them
// never share a tag; a custom group's handler is 0.
type endpoint uint8

const epCustom endpoint = 0

// format is a representation of a body.
type format uint8

const (
	fmtJSON format = iota // vitals JSON
	fmtIETF               // application/health+json
	fmtText               // Kubernetes-style text
	numFormats
)

// cacheKeys are the snapshot cache keys of a group's bodies that depend
// only on (format, details, verbose): pointers to its elements, so a
// lookup does not allocate. A body depends on the monitor's snapshot and
// these three, never on the Handler, so every Handler shares the keys of
// the Kubernetes groups.
type cacheKeys [numFormats][2][2]byte // [format][details][verbose]

var k8sKeys [len(kubernetes)]cacheKeys

// group answers for one group and its checks.
type group struct {
	h    *Handler
	name string // the group; "" is every check
	word string // "readyz": the last line of ?verbose
	ep   endpoint
	keys *cacheKeys
	base string // the path Install mounted it at, for muxes that set no r.Pattern
}

// ServeHTTP answers for the group, or for one check of it.
func (g *group) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := g.rest(r)
	if !ok {
		wire.WriteError(w, http.StatusNotFound, "no health endpoint at "+strconv.Quote(r.URL.Path))
		return
	}
	g.serve(w, r, rest)
}

// rest is the check name the request asks for ("" for the group): what is
// left of the path after the pattern the mux matched, or after the path
// Install mounted it at, or the whole path once StripPrefix has cut the
// mount off.
func (g *group) rest(r *http.Request) (string, bool) {
	p := r.URL.Path
	if prefix := patternPrefix(r.Pattern); prefix != "" && strings.HasPrefix(p, prefix) {
		p = p[len(prefix):]
	} else if g.base != "" {
		var ok bool
		if p, ok = strings.CutPrefix(p, g.base); !ok {
			return "", false
		}
	}
	return strings.TrimPrefix(p, "/"), true
}

// patternPrefix is the literal path at the start of a ServeMux pattern
// ("GET host/internal/ready/{check}" → "/internal/ready/").
func patternPrefix(pattern string) string {
	i := strings.IndexByte(pattern, '/')
	if i < 0 {
		return ""
	}
	p := pattern[i:]
	if j := strings.IndexByte(p, '{'); j >= 0 {
		p = p[:j]
	}
	return p
}

// ServeHTTP answers a request for one of the Kubernetes paths, routed on
// the whole path: a Handler served on its own (see [Serve]) answers
// exactly what [Handler.Install] registers. A probe never runs a periodic
// check: it reads the monitor's current snapshot (running only on-demand
// checks whose cached result expired), and bodies are encoded once per
// snapshot.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i, name := route(r.URL.Path)
	if i < 0 {
		wire.WriteError(w, http.StatusNotFound, "no health endpoint at "+strconv.Quote(r.URL.Path))
		return
	}
	k := kubernetes[i]
	g := group{h: h, name: k.group, word: k.word, ep: endpoint(i + 1), keys: &k8sKeys[i]}
	g.serve(w, r, name)
}

// route maps a Kubernetes path to the index of its group and, for
// per-check paths, a check name.
func route(path string) (int, string) {
	for i, k := range kubernetes {
		if rest, ok := strings.CutPrefix(path, "/"+k.word); ok && (rest == "" || rest[0] == '/') {
			return i, strings.TrimPrefix(rest, "/")
		}
	}
	return -1, ""
}
