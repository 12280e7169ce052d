package web

import (
	"bytes"
	"html/template"
	"net/url"
	"runtime"
	"slices"
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
	// Alert is "alerting" or "suppressed" while the target has an open
	// incident; AlertTitle says which and why.
	Alert, AlertTitle string
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
	v.Alert, v.AlertTitle = alertOf(st)
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
	// render is held while rows are rendered: requests that miss the
	// same rows (all of them, after the uptimes are refreshed) wait for
	// the one rendering them rather than each render and hold a copy.
	render sync.Mutex
	mu     sync.Mutex // protects m
	m      map[rowKey]*row
}

// row returns st's row, rendered for a caller who may see details or not.
func (h *Handler) row(st *board.State, details bool) *row {
	var one [1]*row
	return h.rowsOf(one[:0], []*board.State{st}, details)[0]
}

// rowsOf appends the rows of states to dst, rendering (on every CPU when
// there are many) those whose State the cache does not hold.
func (h *Handler) rowsOf(dst []*row, states []*board.State, details bool) []*row {
	base := len(dst)
	dst = slices.Grow(dst, len(states))[:base+len(states)]
	out := dst[base:]
	miss := h.lookup(out, states, details, nil)
	if len(miss) == 0 {
		return dst
	}
	h.rows.render.Lock()
	defer h.rows.render.Unlock()
	// Another request may have rendered them while this one waited.
	if miss = h.lookup(out, states, details, miss); len(miss) == 0 {
		return dst
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
	return dst
}

// lookup fills out with the cached rows of states, of those at the
// indexes in only when it is not nil, and returns the indexes of the
// states whose row the cache does not hold; out[i] keeps the row of an
// earlier State, if any, until it is rendered.
func (h *Handler) lookup(out []*row, states []*board.State, details bool, only []int) (miss []int) {
	h.rows.mu.Lock()
	defer h.rows.mu.Unlock()
	check := func(i int) {
		if r := h.rows.m[rowKey{states[i].Name, details}]; r != nil {
			out[i] = r
		}
		if out[i] == nil || out[i].st != states[i] {
			miss = append(miss, i)
		}
	}
	if only == nil {
		for i := range states {
			out[i] = nil
			check(i)
		}
		return miss
	}
	for _, i := range only {
		check(i)
	}
	return miss
}

// rowsPerWorker is the least number of rows worth a goroutine.
const rowsPerWorker = 256

// rowScratch holds the buffers rows are rendered into before they are
// copied to their exact size.
var rowScratch = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// renderRow renders st's row; prev, the row of an earlier State, lends its
// since when the row reads the same.
func (h *Handler) renderRow(st *board.State, details bool, prev *row) *row {
	buf := rowScratch.Get().(*[]byte)
	*buf = appendRow((*buf)[:0], st, details)
	r := &row{st: st, html: bytes.Clone(*buf), since: st.Version}
	rowScratch.Put(buf)
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

// appendRow appends st's row, byte for byte what the "row" template in
// templates/row.html writes of viewRow(st, details): the template is the
// readable definition, and TestRowMatchesTemplate holds the two to the
// same output. A status page of 10,000 targets renders a row for each
// changed target; html/template, which escapes by reflection, and the
// strings of a rowView take about ten times as long as this.
func appendRow(b []byte, st *board.State, details bool) []byte {
	cls := class(st.Status)
	b = appendEscaped(append(b, `<tr id="t-`...), st.Name)
	b = appendEscaped(append(b, `" data-target="`...), st.Name)
	b = append(append(append(b, `" data-status="`...), cls...), "\">\n<th scope=\"row\"><a href=\"/targets/"...)
	b = appendEscaped(b, url.PathEscape(st.Name))
	b = append(b, '"')
	if st.Description != "" {
		b = append(appendEscaped(append(b, ` title="`...), st.Description), '"')
	}
	b = append(appendEscaped(append(b, '>'), st.Name), "</a>"...)
	hasResult := !st.Last.At.IsZero()
	if details && hasResult && st.Last.Message != "" {
		b = append(appendEscaped(append(b, `<div class="msg">`...), st.Last.Message), "</div>"...)
	}
	b = append(append(append(b, "</th>\n<td><span class=\"pill s-"...), cls...), `">`...)
	b = append(append(b, word(st.Status)...), "</span>"...)
	if word, title := alertOf(st); word != "" {
		b = append(append(append(b, ` <span class="alert a-`...), word...), `" title="`...)
		b = append(append(append(appendEscaped(b, title), `">`...), word...), "</span>"...)
	}
	b = append(b, "</td>\n<td class=\"since\">"...)
	if st.Status == vitals.StatusUnknown || st.Since.IsZero() {
		b = append(b, "—"...)
	} else {
		b = append(appendExact(append(b, `<time datetime="`...), st.Since), `">`...)
		b = append(appendClock(b, st.Since), "</time>"...)
	}
	b = append(b, "</td>\n<td class=\"num\">"...)
	if hasResult {
		b = appendLatency(b, st.Last.Latency)
	} else {
		b = append(b, "—"...)
	}
	b = append(b, "</td>"...)
	for i := range board.Windows {
		if i >= len(st.Uptime) {
			b = append(b, `<td class="nodata" title="not computed yet">—</td>`...)
			continue
		}
		u := st.Uptime[i]
		ratio := u.Ratio()
		b = append(b, "<td"...)
		if ratio < 0 {
			b = append(b, ` class="nodata"`...)
		}
		mark := len(b)
		if b = appendBreakdown(append(b, ` title="`...), u); len(b) == mark+len(` title="`) {
			b = b[:mark] // an empty title is left out
		} else {
			b = append(b, '"')
		}
		b = append(b, '>')
		if ratio < 0 {
			b = append(b, "no data"...)
		} else {
			b = appendPercent(b, ratio)
		}
		b = append(b, "</td>"...)
	}
	b = appendSparkline(append(b, "\n<td class=\"spark\">"...), st.Recent)
	return append(b, "</td>\n</tr>\n"...)
}

// appendEscaped appends s escaped for HTML text and quoted attribute
// values, as html/template escapes them there.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case 0:
			esc = "\uFFFD"
		case '"':
			esc = "&#34;"
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '+':
			esc = "&#43;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// alertOf returns what a row shows of its target's open incident:
// "alerting" or "suppressed", and a title saying which and why; "" when
// none is open.
func alertOf(st *board.State) (word, title string) {
	a := st.Alert
	if !a.Firing {
		return "", ""
	}
	title = "incident " + a.Incident + " open since " + a.Since.UTC().Format(time.RFC3339)
	if a.Suppressed != "" {
		return "suppressed", title + ", suppressed: " + a.Suppressed
	}
	return "alerting", title
}
