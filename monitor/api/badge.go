package api

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
)

// face is what a badge says: a label, a message, and a color named as
// shields.io names them.
type face struct {
	Label   string `json:"label"`
	Message string `json:"message"`
	Color   string `json:"color"`
}

// badgeFormat is how a badge is drawn.
type badgeFormat int

const (
	svgFormat      badgeFormat = iota // an SVG image, drawn here
	endpointFormat                    // shields.io's endpoint JSON, for shields to draw
)

// noData is what a badge says for a target without the data it shows.
const noData = "no data"

// statusBadge says a target's status: the label is its name.
func statusBadge(st *board.State) face {
	f := face{Label: st.Name}
	switch st.Status {
	case vitals.StatusPass:
		f.Message, f.Color = "up", "brightgreen"
	case vitals.StatusWarn:
		f.Message, f.Color = "degraded", "yellow"
	case vitals.StatusFail:
		f.Message, f.Color = "down", "red"
	default:
		f.Message, f.Color = noData, "lightgrey"
	}
	return f
}

// latencyBadge says the mean latency of a target's recent results (up to
// board.RecentPoints of them), steadier than the last one alone.
func latencyBadge(st *board.State) face {
	f := face{Label: "latency", Message: noData, Color: "lightgrey"}
	if len(st.Recent) == 0 {
		return f
	}
	var sum time.Duration
	for _, p := range st.Recent {
		sum += p.Latency
	}
	mean := sum / time.Duration(len(st.Recent))
	f.Message, f.Color = formatLatency(mean), latencyColor(mean)
	return f
}

// uptimeBadge says a target's cached uptime over board.Windows[i].
func uptimeBadge(st *board.State, i int) face {
	f := face{Label: "uptime " + formatSpan(board.Windows[i]), Message: noData, Color: "lightgrey"}
	if i >= len(st.Uptime) {
		return f // not computed yet
	}
	if ratio := st.Uptime[i].Ratio(); ratio >= 0 {
		f.Message, f.Color = formatPercent(ratio), uptimeColor(ratio)
	}
	return f
}

// formatPercent writes a ratio as a percentage cut (not rounded) to two
// decimals, so that 99.996% never reads as 100%.
func formatPercent(ratio float64) string {
	// The epsilon keeps 0.9995 (9994.9999… in floating point) at 99.95.
	hundredths := math.Floor(ratio*10000 + 1e-6)
	return strconv.FormatFloat(hundredths/100, 'f', -1, 64) + "%"
}

// uptimeColor grades an uptime ratio as status pages commonly do.
func uptimeColor(ratio float64) string {
	switch {
	case ratio >= 0.999:
		return "brightgreen"
	case ratio >= 0.99:
		return "green"
	case ratio >= 0.97:
		return "yellowgreen"
	case ratio >= 0.95:
		return "yellow"
	case ratio >= 0.90:
		return "orange"
	}
	return "red"
}

// formatLatency writes a latency with two or three significant digits.
func formatLatency(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 10:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case ms < 1000:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(ms/1000, 'f', 2, 64) + " s"
}

// latencyColor grades a latency on fixed steps: a badge is read without
// knowing the target's timeout.
func latencyColor(d time.Duration) string {
	switch {
	case d <= 100*time.Millisecond:
		return "brightgreen"
	case d <= 250*time.Millisecond:
		return "green"
	case d <= 500*time.Millisecond:
		return "yellowgreen"
	case d <= time.Second:
		return "yellow"
	case d <= 2*time.Second:
		return "orange"
	}
	return "red"
}

// badge serves a badge of one kind in format f; label is what its "not
// found" badge says.
func (h *Handler) badge(label string, kind func(*board.State) face, f badgeFormat) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		st, ok := h.board.State(r.PathValue("name"))
		if !ok {
			h.badgeNotFound(w, label, f, "unknown target "+quote(r.PathValue("name")))
			return
		}
		h.writeBadge(w, r, kind(st), f)
	}
}

// serveUptimeBadge serves /badge/{name}/uptime/{file}, where file is a
// window of board.Windows with .svg or .json.
func (h *Handler) serveUptimeBadge(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	f := svgFormat
	window, ok := strings.CutSuffix(file, ".svg")
	if !ok {
		if window, ok = strings.CutSuffix(file, ".json"); !ok {
			writeError(w, http.StatusNotFound, "unknown badge "+quote(file)+": want a window with .svg or .json")
			return
		}
		f = endpointFormat
	}
	st, ok := h.board.State(r.PathValue("name"))
	if !ok {
		h.badgeNotFound(w, "uptime", f, "unknown target "+quote(r.PathValue("name")))
		return
	}
	for i, win := range board.Windows {
		if formatSpan(win) == window {
			h.writeBadge(w, r, uptimeBadge(st, i), f)
			return
		}
	}
	h.badgeNotFound(w, "uptime", f, fmt.Sprintf("unknown uptime window %s; badges have %s", quote(window), standardWindows()))
}

// standardWindows lists board.Windows as a sentence does: "24h, 7d, 30d or 90d".
func standardWindows() string {
	names := make([]string, len(board.Windows))
	for i, w := range board.Windows {
		names[i] = formatSpan(w)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// writeBadge answers 200 with a badge.
func (h *Handler) writeBadge(w http.ResponseWriter, r *http.Request, fc face, f badgeFormat) {
	if f == endpointFormat {
		writeOK(w, r, "application/json", endpointJSON(fc), h.badgeCache())
		return
	}
	svgHeaders(w)
	writeOK(w, r, "image/svg+xml; charset=utf-8", svgBadge(fc.Label, fc.Message, fc.Color), h.badgeCache())
}

// badgeNotFound answers 404. An SVG badge is answered with a grey "not
// found" badge under the label it would have had, as shields.io does, so
// that a page embedding it shows why instead of a broken image; the name
// asked for is not drawn, so that no URL can put words of its choosing
// into an image served from here. Endpoint JSON is answered as the API
// answers, with {"error": msg}.
func (h *Handler) badgeNotFound(w http.ResponseWriter, label string, f badgeFormat, msg string) {
	if f == endpointFormat {
		writeError(w, http.StatusNotFound, msg)
		return
	}
	svgHeaders(w)
	writeRaw(w, http.StatusNotFound, "image/svg+xml; charset=utf-8", svgBadge(label, "not found", "lightgrey"))
}

// svgHeaders forbids an SVG opened on its own to load or run anything:
// ours has no scripts or external references, and escaping keeps names
// from adding any; this is the second lock.
func svgHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
}

// endpointJSON is a face in shields.io's endpoint schema
// (https://shields.io/badges/endpoint-badge).
func endpointJSON(fc face) []byte {
	body, _ := json.Marshal(struct {
		SchemaVersion int `json:"schemaVersion"`
		face
	}{1, fc}) // strings only: cannot fail
	return append(body, '\n')
}
