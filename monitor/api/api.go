package api

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vitalsgo/vitals/monitor/access"
	"github.com/vitalsgo/vitals/monitor/board"
)

// Options configure a [Handler]. A nil *Options means every default.
type Options struct {
	// Now is the clock that relative times ("since=1h") and uptime windows
	// end at; nil means time.Now.
	Now func() time.Time
	// BadgeMaxAge is how long a client or proxy may use a badge before it
	// asks again (with If-None-Match, so an unchanged badge costs a 304).
	// Zero means 30 s; a negative value means "ask every time".
	BadgeMaxAge time.Duration
	// Logger receives the store errors a request met; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Handler serves the JSON API and the badges over a Board. Its only state
// of its own is a cache of the target list's JSON, per target State; it is
// safe for concurrent use.
type Handler struct {
	board       *board.Board
	policy      *access.Policy
	now         func() time.Time
	log         *slog.Logger
	badgeMaxAge int // seconds
	targets     targetCache
}

// New returns a Handler reading b, with p deciding who may view and who sees
// details (a nil p: everyone views, nobody sees details).
func New(b *board.Board, p *access.Policy, opts *Options) *Handler {
	h := &Handler{board: b, policy: p, now: time.Now, log: slog.Default(), badgeMaxAge: 30}
	if opts != nil {
		if opts.Now != nil {
			h.now = opts.Now
		}
		if opts.Logger != nil {
			h.log = opts.Logger
		}
		switch {
		case opts.BadgeMaxAge < 0:
			h.badgeMaxAge = 0
		case opts.BadgeMaxAge > 0:
			h.badgeMaxAge = int(max(1, opts.BadgeMaxAge/time.Second))
		}
	}
	return h
}

// Register adds the API's and the badges' routes to mux. They are GET
// patterns (which serve HEAD too), so the mux answers any other method
// with 405; none overlaps the status page's routes.
func (h *Handler) Register(mux *http.ServeMux) {
	for _, rt := range []struct {
		pattern string
		serve   func(http.ResponseWriter, *http.Request)
	}{
		{"GET /api/v1/targets", h.serveTargets},
		{"GET /api/v1/targets/{name}", h.serveTarget},
		{"GET /api/v1/targets/{name}/results", h.serveResults},
		{"GET /api/v1/targets/{name}/uptime", h.serveUptime},
		{"GET /badge/{name}/status.svg", h.badge("status", statusBadge, svgFormat)},
		{"GET /badge/{name}/status.json", h.badge("status", statusBadge, endpointFormat)},
		{"GET /badge/{name}/latency.svg", h.badge("latency", latencyBadge, svgFormat)},
		{"GET /badge/{name}/latency.json", h.badge("latency", latencyBadge, endpointFormat)},
		{"GET /badge/{name}/uptime/{file}", h.serveUptimeBadge},
	} {
		mux.Handle(rt.pattern, h.viewable(rt.serve))
	}
}

// viewable lets through the requests the policy lets view.
func (h *Handler) viewable(serve func(http.ResponseWriter, *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.policy.CanView(r) {
			h.policy.Deny(w)
			return
		}
		serve(w, r)
	})
}

// state returns the target a request names, or answers 404 itself.
func (h *Handler) state(w http.ResponseWriter, r *http.Request) (*board.State, bool) {
	name := r.PathValue("name")
	st, ok := h.board.State(name)
	if !ok {
		writeError(w, http.StatusNotFound, "unknown target "+quote(name))
	}
	return st, ok
}

// maxQuoted is how much of a name an answer repeats: longer than any
// valid name (the core allows 200 bytes), short enough that a hostile
// URL is not echoed whole.
const maxQuoted = 200

// quote quotes a name from a URL for an error message, cut at maxQuoted
// bytes.
func quote(name string) string {
	if len(name) <= maxQuoted {
		return strconv.Quote(name)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return strconv.Quote(name[:cut]) + "…"
}

// apiCache is the Cache-Control of API answers: stored, but revalidated
// before every use, which the ETag makes cheap. An answer that depended on
// credentials is for the caller's cache only.
func (h *Handler) apiCache(r *http.Request) string {
	if h.policy != nil && (h.policy.Private || h.policy.Authorized(r)) {
		return "private, no-cache"
	}
	return "no-cache"
}

// badgeCache is the Cache-Control of badges: reused for a short while,
// then revalidated. GitHub's image proxy and browsers honour it.
func (h *Handler) badgeCache() string {
	scope := "public"
	if h.policy != nil && h.policy.Private {
		scope = "private"
	}
	if h.badgeMaxAge == 0 {
		return scope + ", no-cache"
	}
	return fmt.Sprintf("%s, max-age=%d, must-revalidate", scope, h.badgeMaxAge)
}

// writeJSON answers 200 with v as JSON.
func (h *Handler) writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Every value written here is made of strings, numbers and
		// json.RawMessages checked valid: this is a bug.
		h.log.Error("api: encode", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "encode: "+err.Error())
		return
	}
	writeOK(w, r, "application/json", append(body, '\n'), h.apiCache(r))
}

// writeOK answers 200 with body, tagged with a hash of it: any answer that
// differs in a byte, for another target, window or detail level, has
// another tag. A request whose If-None-Match holds the tag gets 304.
func writeOK(w http.ResponseWriter, r *http.Request, ctype string, body []byte, cache string) {
	hash := fnv.New64a()
	hash.Write(body)
	if !writeOKHeader(w, r, etagOf(hash.Sum64()), cache, ctype, len(body)) {
		return
	}
	_, _ = w.Write(body)
}

// etagOf writes a 64-bit hash of an answer as its ETag.
func etagOf(hash uint64) string { return fmt.Sprintf(`"%016x"`, hash) }

// writeOKHeader writes the header of a 200 answer of size bytes tagged
// etag, or answers 304 if the request's If-None-Match holds the tag. It
// reports whether the caller is to write the body.
func writeOKHeader(w http.ResponseWriter, r *http.Request, etag, cache, ctype string, size int) bool {
	hdr := w.Header()
	hdr.Set("ETag", etag)
	hdr.Set("Cache-Control", cache)
	hdr.Set("Vary", "Authorization")
	if noneMatch(r.Header.Values("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return false
	}
	hdr.Set("Content-Type", ctype)
	hdr.Set("Content-Length", strconv.Itoa(size))
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	return true
}

// noneMatch reports whether an If-None-Match header lists etag, compared
// weakly as RFC 9110 says for this header, or is "*".
func noneMatch(headers []string, etag string) bool {
	for _, h := range headers {
		for tag := range strings.SplitSeq(h, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
				return true
			}
		}
	}
	return false
}

// writeError answers code with {"error": msg}. Errors carry no ETag and
// are not reused.
func writeError(w http.ResponseWriter, code int, msg string) {
	body, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{msg})
	writeRaw(w, code, "application/json", append(body, '\n'))
}

// writeRaw answers code with body, not to be reused without asking.
func writeRaw(w http.ResponseWriter, code int, ctype string, body []byte) {
	hdr := w.Header()
	hdr.Set("Content-Type", ctype)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

// storeError answers a request the store failed: 503, the store's error
// logged but not shown (it names the database).
func (h *Handler) storeError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("api: read history", "path", r.URL.Path, "err", err)
	writeError(w, http.StatusServiceUnavailable, "history unavailable")
}
