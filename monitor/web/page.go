package web

import (
	"bufio"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
)

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
	v.Events = h.eventsURL(version, layoutOf(v.Title, v.Banner, states), "")
	windows := make([]string, len(board.Windows))
	for i, w := range board.Windows {
		windows[i] = window(w)
	}
	buf := pageBufs.Get().(*pageBuf)
	defer buf.put()
	buf.rows = h.rowsOf(buf.rows[:0], states, details)
	v.Groups = groupRows(states, buf.rows, windows)
	for _, g := range v.Groups {
		if g.Name == "" && len(v.Groups) > 1 {
			g.Name = "Other" // a heading among headings
		}
	}
	h.rows.prune(states)

	pageHeaders(w.Header())
	w.WriteHeader(http.StatusOK)
	bw := buf.w
	bw.Reset(w)
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

// pageBuf is what a status page request needs for as long as it writes:
// pooled, so that requests at 10,000 targets allocate kilobytes, not the
// hundreds of kilobytes of a row list and a write buffer each.
type pageBuf struct {
	rows []*row
	w    *bufio.Writer
}

var pageBufs = sync.Pool{New: func() any { return &pageBuf{w: bufio.NewWriterSize(nil, 64<<10)} }}

func (b *pageBuf) put() {
	clear(b.rows) // no row is kept alive by the pool
	b.rows = b.rows[:0]
	b.w.Reset(nil)
	pageBufs.Put(b)
}

// groupRows returns the groups of states in the order they first appear,
// each with its rows (rows[i] is states[i]'s) in the order of states.
// When each group's states are together, as a configuration lists them,
// the groups share rows' array.
func groupRows(states []*board.State, rows []*row, windows []string) []*group {
	var groups []*group
	seen := map[string]bool{}
	for i := 0; i < len(states); {
		name := states[i].Group
		if seen[name] {
			return gatherRows(states, rows, windows) // a group in pieces
		}
		seen[name] = true
		j := i + 1
		for j < len(states) && states[j].Group == name {
			j++
		}
		groups = append(groups, &group{Name: name, Windows: windows, rows: rows[i:j:j]})
		i = j
	}
	return groups
}

// gatherRows is groupRows for states whose groups are in pieces.
func gatherRows(states []*board.State, rows []*row, windows []string) []*group {
	var groups []*group
	index := map[string]*group{}
	for i, st := range states {
		g := index[st.Group]
		if g == nil {
			g = &group{Name: st.Group, Windows: windows}
			index[st.Group] = g
			groups = append(groups, g)
		}
		g.rows = append(g.rows, rows[i])
	}
	return groups
}

// eventsURL is the event stream a page listens to: from the version it
// was rendered at, for the layout it shows, of one target or all.
func (h *Handler) eventsURL(version uint64, layout, target string) string {
	q := url.Values{}
	q.Set("version", h.cursor(version))
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
