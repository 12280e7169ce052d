package web

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/vitalsgo/vitals/monitor/access"
	"github.com/vitalsgo/vitals/monitor/board"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure a [Handler]. A nil *Options means the defaults.
type Options struct {
	// Now returns the current time, which the pages show and take their
	// history windows from; time.Now by default. Tests fix it.
	Now func() time.Time
	// Heartbeat is how often an event stream sends a comment when there is
	// nothing else to send, so that buffering proxies pass it on and a
	// dead connection is noticed; 15 s by default.
	Heartbeat time.Duration
	// Logger receives the errors a page cannot show, such as a store that
	// does not answer; slog.Default() by default.
	Logger *slog.Logger
}

// Handler serves the status page, the target pages, the live event stream
// and their static files from a [board.Board]. Create it with [New] and
// install it with [Handler.Register].
type Handler struct {
	b         *board.Board
	p         *access.Policy
	now       func() time.Time
	heartbeat time.Duration
	log       *slog.Logger
	pages     *template.Template
	rows      rowCache

	// epoch names this Handler's board in the versions it hands out, so
	// that a page from before a restart, or from another replica, is
	// told to reload rather than resume from a version of another board.
	epoch string
	// writeWait bounds one write of an event stream (defaultWriteWait).
	writeWait time.Duration

	// closed ends when Close is called: event streams end, and a write
	// blocked on a client that stopped reading is cut.
	closed context.Context
	close  context.CancelFunc
}

// New returns a Handler over b that lets p decide who sees what. A nil p
// shows the pages to everyone and details to no one.
func New(b *board.Board, p *access.Policy, opts *Options) *Handler {
	var o Options
	if opts != nil {
		o = *opts
	}
	h := &Handler{
		b:         b,
		p:         p,
		now:       o.Now,
		heartbeat: o.Heartbeat,
		log:       cmp.Or(o.Logger, slog.Default()),
		pages:     pages,
		epoch:     newEpoch(),
		writeWait: defaultWriteWait,
	}
	h.closed, h.close = context.WithCancel(context.Background())
	if h.now == nil {
		h.now = time.Now
	}
	if h.heartbeat <= 0 {
		h.heartbeat = 15 * time.Second
	}
	h.rows.m = map[rowKey]*row{}
	return h
}

// Register installs the Handler's routes on mux:
//
//	GET /{$}               the status page
//	GET /targets/{name}    a target's page
//	GET /api/v1/events     the live event stream (Server-Sent Events)
//	GET /static/           style sheet and script
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", h.servePage)
	mux.HandleFunc("GET /targets/{name}", h.serveTarget)
	mux.HandleFunc("GET /api/v1/events", h.serveEvents)
	mux.HandleFunc("GET /static/", h.serveStatic)
}

// Close ends every open event stream and refuses new ones. Call it when
// the server shuts down (http.Server.RegisterOnShutdown): Shutdown waits
// for handlers to return, and an event stream does not on its own.
func (h *Handler) Close() { h.close() }

// newEpoch returns a name for a board that no other process uses.
func newEpoch() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// cursor is how a page or an event id names a version of the board:
// "<epoch>-<version>".
func (h *Handler) cursor(version uint64) string {
	return h.epoch + "-" + strconv.FormatUint(version, 10)
}

// parseCursor reads a cursor; ok is false for one of another board.
func (h *Handler) parseCursor(s string) (version uint64, ok bool, err error) {
	epoch, v, found := strings.Cut(s, "-")
	if !found {
		return 0, false, fmt.Errorf("version %q is not <epoch>-<number>", s)
	}
	version, err = strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("version %q is not <epoch>-<number>", s)
	}
	return version, epoch == h.epoch, nil
}

// frame is what every page's head and foot show.
type frame struct {
	Title   string
	Heading string // the page's own title, before the board's
	Banner  string
	Now     time.Time
	Events  string // the event stream's URL; "" for a page without one
	Target  string // the target a target page shows
}

func (h *Handler) frame(heading string) frame {
	return frame{Title: cmp.Or(h.b.Title(), "vitals"), Heading: heading, Banner: h.b.Banner(), Now: h.now()}
}

// pages holds every page's template, parsed once.
var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"static": staticURL,
	"clock":  clock,
	"stamp":  stamp,
	"exact":  exact,
}).ParseFS(templateFS, "templates/*.html"))

// render writes page template name with data.
func (h *Handler) render(w http.ResponseWriter, code int, name string, data any) {
	var buf bytes.Buffer
	if err := h.pages.ExecuteTemplate(&buf, name, data); err != nil {
		// A template that fails is a bug the tests catch; say so rather
		// than send half a page.
		h.log.Error("web: render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	pageHeaders(w.Header())
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// pageHeaders are the headers of every HTML page. The policy keeps
// scripts and styles to this origin: the pages need no inline code, so
// a name or message that slipped past escaping could still not run.
func pageHeaders(hd http.Header) {
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Vary", "Authorization")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
}

// notFound answers with the HTML page for an unknown target or path.
func (h *Handler) notFound(w http.ResponseWriter, name string) {
	h.render(w, http.StatusNotFound, "notfound", struct {
		frame
		Name string
	}{h.frame("Not found"), name})
}

// jsonError answers a JSON path with {"error": msg}.
func jsonError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// staticFile is an embedded file with its version, a hash of its content.
type staticFile struct {
	data    []byte
	version string
	ctype   string
}

var statics = func() map[string]staticFile {
	m := map[string]staticFile{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		m[path.Base(p)] = staticFile{data: data, version: hex.EncodeToString(sum[:6]), ctype: mime.TypeByExtension(path.Ext(p))}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return m
}()

// staticURL is the URL of an embedded file: its version in the query makes
// it safe to cache for long.
func staticURL(name string) string {
	return "/static/" + name + "?v=" + statics[name].version
}

// serveStatic serves the embedded style sheet and script. They hold no
// data, so they need no authorisation.
func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := statics[path.Base(r.URL.Path)]
	if !ok || r.URL.Path != "/static/"+path.Base(r.URL.Path) {
		h.notFound(w, "")
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.ctype)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("ETag", `"`+f.version+`"`)
	if r.URL.Query().Get("v") == f.version {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.data))
}
