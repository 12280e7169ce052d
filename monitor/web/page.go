package web

import (
	"bytes"
	"hash/fnv"
	"html/template"
	"net/http"
	"net/url"
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
	k := rowKey{st.Name, details}
	h.rows.mu.Lock()
	old := h.rows.m[k]
	h.rows.mu.Unlock()
	if old != nil && (old.st == st || old.st.Version > st.Version) {
		if old.st != st {
			// A newer State already replaced st; rendering the one the
			// caller holds keeps the page consistent with its version.
			return h.renderRow(st, details, nil)
		}
		return old
	}
	r := h.renderRow(st, details, old)
	h.rows.mu.Lock()
	if cur := h.rows.m[k]; cur == nil || cur.st.Version < st.Version {
		h.rows.m[k] = r
	}
	h.rows.mu.Unlock()
	return r
}

// renderRow renders st's row; prev, the row of an earlier State, lends its
// since when the row reads the same.
func (h *Handler) renderRow(st *board.State, details bool, prev *row) *row {
	var buf bytes.Buffer
	buf.Grow(2048)
	if err := h.pages.ExecuteTemplate(&buf, "row", viewRow(st, details)); err != nil {
		h.log.Error("web: render row", "target", st.Name, "err", err)
	}
	r := &row{st: st, html: buf.Bytes(), since: st.Version}
	if prev != nil && bytes.Equal(prev.html, r.html) {
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
	Name string
	Rows []template.HTML
}

type pageView struct {
	frame
	Summary summary
	Windows []string
	Groups  []group
}

// servePage serves the status page: every target, grouped, with its row.
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
	for _, w := range board.Windows {
		v.Windows = append(v.Windows, window(w))
	}
	index := map[string]int{}
	for _, st := range states {
		i, ok := index[st.Group]
		if !ok {
			i = len(v.Groups)
			index[st.Group] = i
			v.Groups = append(v.Groups, group{Name: st.Group})
		}
		v.Groups[i].Rows = append(v.Groups[i].Rows, template.HTML(h.row(st, details).html))
	}
	if i, ok := index[""]; ok && len(v.Groups) > 1 {
		v.Groups[i].Name = "Other" // a heading among headings
	}
	h.rows.prune(states)
	h.render(w, http.StatusOK, "page", v)
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
