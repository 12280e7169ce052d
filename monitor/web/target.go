package web

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
)

// How much history a target page shows.
const (
	historyWindow  = 30 * 24 * time.Hour // status intervals
	chartWindow    = 24 * time.Hour      // latency from minute rollups
	resultsShown   = 50
	intervalsShown = 50
	storeTimeout   = 10 * time.Second
)

type targetView struct {
	frame
	State             *board.State
	Row               rowView
	Interval, Timeout string
	Details           bool
	Chart             *chart
	ChartNote         string
	Timeline          template.HTML
	HistoryFrom       string
	Intervals         []intervalView
	Results           []resultView
	Children          []childView
	LastDetails       string
	Problem           string // what could not be shown
}

type intervalView struct {
	Class, Word, From, Until, For string
}

type resultView struct {
	At          time.Time
	Class, Word string
	Latency     string
	Code        int
	Message     string
}

type childView struct {
	Name, Class, Word, Message string
}

// serveTarget serves a target's page: its live state, uptimes, latency,
// status history, sub-checks and recent results.
func (h *Handler) serveTarget(w http.ResponseWriter, r *http.Request) {
	if !h.p.CanView(r) {
		h.p.Deny(w)
		return
	}
	name := r.PathValue("name")
	version := h.b.Version()
	st, ok := h.b.State(name)
	if !ok {
		h.notFound(w, name)
		return
	}
	details := h.p.CanSeeDetails(r)
	v := targetView{frame: h.frame(name), State: st, Row: viewRow(st, details), Details: details, Interval: "on demand"}
	v.Target = name
	v.Events = h.eventsURL(version, layoutOf(v.Title, v.Banner, []*board.State{st}), name)
	if st.Interval > 0 {
		v.Interval = span(st.Interval)
	}
	if st.Timeout > 0 {
		v.Timeout = span(st.Timeout)
	}
	for _, c := range st.Children {
		v.Children = append(v.Children, childView{Name: c.Name, Class: class(c.Status), Word: word(c.Status), Message: c.Message})
	}
	if details && st.Last.Details != "" {
		var buf bytes.Buffer
		if json.Indent(&buf, []byte(st.Last.Details), "", "  ") == nil {
			v.LastDetails = buf.String()
		} else {
			v.LastDetails = st.Last.Details
		}
	}

	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	if err := h.history(ctx, &v); err != nil {
		// The live state is still worth showing; the log says why the
		// history is missing.
		h.log.Warn("web: target history", "target", name, "err", err)
		v.Problem = "History is unavailable: the store did not answer."
	}
	h.render(w, http.StatusOK, "target", v)
}

// history fills in what a target page shows from the store. It fills in
// what it can and returns the first error.
func (h *Handler) history(ctx context.Context, v *targetView) error {
	st, now := v.State, h.now()
	s := h.b.Store()
	var first error
	note := func(err error) {
		if first == nil {
			first = err
		}
	}

	since := now.Add(-historyWindow)
	v.HistoryFrom = since.UTC().Format("Jan 2")
	ivs, err := s.Intervals(ctx, st.Name, since, now)
	note(err)
	v.Timeline = timeline(ivs, since, now)
	for _, iv := range slices.Backward(ivs) {
		if len(v.Intervals) == intervalsShown {
			break
		}
		until, untilText := iv.Until, ""
		if until.IsZero() {
			until, untilText = now, "now"
		} else {
			untilText = stamp(until)
		}
		v.Intervals = append(v.Intervals, intervalView{
			Class: class(iv.Status), Word: word(iv.Status),
			From: stamp(iv.Since), Until: untilText, For: span(until.Sub(iv.Since)),
		})
	}

	rs, err := s.Results(ctx, st.Name, since, now.Add(time.Millisecond), resultsShown)
	note(err)
	for _, r := range rs {
		v.Results = append(v.Results, resultView{
			At: r.At, Class: class(r.Status), Word: word(r.Status),
			Latency: latency(r.Latency), Code: r.Code, Message: r.Message,
		})
	}

	from := now.Add(-chartWindow)
	rollups, err := s.Rollups(ctx, st.Name, store.Minute, from.Truncate(time.Minute), now)
	note(err)
	switch {
	case len(rollups) > 0:
		svg, top := drawChart(clampSamples(rollupSamples(rollups, from, chartWindow)))
		v.Chart = &chart{SVG: svg, Top: latency(top), From: "24 h ago", To: "now"}
		v.ChartNote = "average per minute"
	case len(st.Recent) > 0:
		svg, top := drawChart(pointSamples(st.Recent))
		v.Chart = &chart{SVG: svg, Top: latency(top), From: clock(st.Recent[0].At), To: clock(st.Recent[len(st.Recent)-1].At)}
		v.ChartNote = "last results"
	}
	return first
}

// clampSamples keeps samples within the chart.
func clampSamples(ss []sample) []sample {
	for i := range ss {
		ss[i].from, ss[i].to = max(0, ss[i].from), min(1, ss[i].to)
	}
	return ss
}
