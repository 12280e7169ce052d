package web

import (
	"bufio"
	"bytes"
	"hash/fnv"
	"html/template"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
)

// rowView is what a target's row shows; the target page's head shows the
// same.
type rowView struct {
	Name, Href  string
	Description string
	Class, Word string
	Since       time.Time
	Latency     string
	Message     string // only for a caller who may see details
	Uptime      []uptimeCell
	Spark       template.HTML
}

// uptimeCell is one uptime window: Text is "" without data, and then
// Missing says why.
type uptimeCell struct {
	Window  string
	Text    string
	Missing string
	Title   string
}

func viewRow(st *board.State, details bool) rowView {
	v := rowView{
		Name:        st.Name,
		Href:        "/targets/" + url.PathEscape(st.Name),
		Description: st.Description,
		Class:       class(st.Status),
		Word:        word(st.Status),
		Since:       st.Since,
		Latency:     "—",
		Uptime:      make([]uptimeCell, len(board.Windows)),
		Spark:       sparkline(st.Recent),
	}
	if st.Status == vitals.StatusUnknown {
		v.Since = time.Time{}
	}
	if !st.Last.At.IsZero() {
		v.Latency = latency(st.Last.Latency)
		if details {
			v.Message = st.Last.Message
		}
	}
	for i, w := range board.Windows {
		c := uptimeCell{Window: window(w), Missing: "—", Title: "not computed yet"}
		if i < len(st.Uptime) {
			u := st.Uptime[i]
			c.Text, c.Missing, c.Title = percent(u.Ratio()), "no data", breakdown(u)
		}
		v.Uptime[i] = c
	}
	return v
}

// rowKey names a rendered row: a target seen with or without details.
type rowKey struct {
	name    string
	details bool
}

// row is a target's row rendered from one State.
type row struct {
	st   *board.State
	html []byte
	// since is the Version of the first State whose row read the same:
	// a client that has seen the board at that version or later has this
	// row already (uptimes recomputed to the same figures change nothing).
	since uint64
}

// rowCache keeps each target's rendered row. States are immutable and
// replaced on every change, so the State pointer is the cache key: with
// 10,000 targets a page render is mostly copying bytes.
type rowCache struct {
	mu sync.Mutex // protects m
	m  map[rowKey]*row
}

// row returns st's row, rendered for a caller who may see details or not.
func (h *Handler) row(st *board.State, details bool) *row {
	return h.rowsOf([]*board.State{st}, details)[0]
}

// rowsOf returns the rows of states, rendering (on every CPU when there
// are many) those whose State the cache does not hold.
func (h *Handler) rowsOf(states []*board.State, details bool) []*row {
	out := make([]*row, len(states))
	var miss []int
	h.rows.mu.Lock()
	for i, st := range states {
		// out[i] holds the row of an earlier State until it is rendered.
		if out[i] = h.rows.m[rowKey{st.Name, details}]; out[i] == nil || out[i].st != st {
			miss = append(miss, i)
		}
	}
	h.rows.mu.Unlock()
	if len(miss) == 0 {
		return out
	}
	render := func(i int) { out[i] = h.renderRow(states[i], details, out[i]) }
	if workers := min(runtime.GOMAXPROCS(0), len(miss)/rowsPerWorker); workers > 1 {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for j := w; j < len(miss); j += workers {
					render(miss[j])
				}
			})
		}
		wg.Wait()
	} else {
		for _, i := range miss {
			render(i)
		}
	}
	h.rows.mu.Lock()
	for _, i := range miss {
		// A request that read the board later may have stored a newer
		// State's row already; keep that.
		k := rowKey{states[i].Name, details}
		if cur := h.rows.m[k]; cur == nil || cur.st.Version < states[i].Version {
			h.rows.m[k] = out[i]
		}
	}
	h.rows.mu.Unlock()
	return out
}

// rowsPerWorker is the least number of rows worth a goroutine.
const rowsPerWorker = 256

// renderRow renders st's row; prev, the row of an earlier State, lends its
// since when the row reads the same.
func (h *Handler) renderRow(st *board.State, details bool, prev *row) *row {
	r := &row{st: st, html: appendRow(make([]byte, 0, 1536), st, details), since: st.Version}
	if prev != nil && prev.st.Version < st.Version && bytes.Equal(prev.html, r.html) {
		r.since = prev.since
	}
	return r
}

// prune forgets the rows of targets that left the board.
func (c *rowCache) prune(states []*board.State) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) <= 2*len(states) {
		return
	}
	keep := make(map[string]bool, len(states))
	for _, st := range states {
		keep[st.Name] = true
	}
	for k := range c.m {
		if !keep[k.name] {
			delete(c.m, k)
		}
	}
}

// summary counts targets by status.
type summary struct {
	Pass    int `json:"pass"`
	Warn    int `json:"warn"`
	Fail    int `json:"fail"`
	Unknown int `json:"unknown"`
}

func summarize(states []*board.State) summary {
	var s summary
	for _, st := range states {
		switch st.Status {
		case vitals.StatusPass:
			s.Pass++
		case vitals.StatusWarn:
			s.Warn++
		case vitals.StatusFail:
			s.Fail++
		default:
			s.Unknown++
		}
	}
	return s
}

// group is a section of the status page.
type group struct {
	Name    string
	Windows []string
	rows    []*row
}

type pageView struct {
	frame
	Summary summary
	Groups  []*group
}

// servePage serves the status page: every target, grouped, with its row.
// The rows come from the cache and go straight to the client between the
// parts of the page template: with 10,000 targets the page is some 10 MB.
func (h *Handler) servePage(w http.ResponseWriter, r *http.Request) {
	if !h.p.CanView(r) {
		h.p.Deny(w)
		return
	}
	details := h.p.CanSeeDetails(r)
	// The version is read before the states: the page holds at least
	// what the board had then, and the event stream resumes from there.
	version := h.b.Version()
	states := h.b.States()
	v := pageView{frame: h.frame(""), Summary: summarize(states)}
	v.Events = eventsURL(version, layoutOf(v.Title, v.Banner, states), "")
	windows := make([]string, len(board.Windows))
	for i, w := range board.Windows {
		windows[i] = window(w)
	}
	rows := h.rowsOf(states, details)
	index := map[string]*group{}
	for i, st := range states {
		g := index[st.Group]
		if g == nil {
			g = &group{Name: st.Group, Windows: windows}
			index[st.Group] = g
			v.Groups = append(v.Groups, g)
		}
		g.rows = append(g.rows, rows[i])
	}
	if g := index[""]; g != nil && len(v.Groups) > 1 {
		g.Name = "Other" // a heading among headings
	}
	h.rows.prune(states)

	pageHeaders(w.Header())
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	err := h.pages.ExecuteTemplate(bw, "page-top", v)
	for _, g := range v.Groups {
		if err == nil {
			err = h.pages.ExecuteTemplate(bw, "group-top", g)
		}
		for _, r := range g.rows {
			if err == nil {
				_, err = bw.Write(r.html)
			}
		}
		if err == nil {
			err = h.pages.ExecuteTemplate(bw, "group-end", g)
		}
	}
	if err == nil {
		err = h.pages.ExecuteTemplate(bw, "page-end", v)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		// Most likely the client left; a template error is a bug the
		// golden files catch.
		h.log.Debug("web: write status page", "err", err)
	}
}

// eventsURL is the event stream a page listens to: from the version it
// was rendered at, for the layout it shows, of one target or all.
func eventsURL(version uint64, layout, target string) string {
	q := url.Values{}
	q.Set("version", strconv.FormatUint(version, 10))
	q.Set("layout", layout)
	if target != "" {
		q.Set("target", target)
	}
	return "/api/v1/events?" + q.Encode()
}

// layoutOf hashes what a page shows besides its rows: the title, the
// banner and the targets with their groups, in order. When it changes, a
// page reloads instead of updating rows.
func layoutOf(title, banner string, states []*board.State) string {
	f := fnv.New64a()
	f.Write([]byte(title))
	f.Write([]byte{0})
	f.Write([]byte(banner))
	for _, st := range states {
		f.Write([]byte{0})
		f.Write([]byte(st.Name))
		f.Write([]byte{0})
		f.Write([]byte(st.Group))
	}
	return strconv.FormatUint(f.Sum64(), 36)
}
