package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
)

// The event stream (text/event-stream) sends:
//
//	event: target    a row changed: JSON targetEvent, with the row's HTML
//	event: summary   counts by status after a batch (whole-board streams)
//	event: reload    the page's layout (targets, groups, title, banner) changed
//	: heartbeat      a comment every Heartbeat
//
// The last event of each batch carries the board version the client has
// now seen as its id, "<epoch>-<version>"; a browser that reconnects sends
// it back (Last-Event-ID) and gets what changed since, as a page's first
// connection does from the version the page was rendered at (?version=).
// A version of another epoch — the process restarted, or the page came
// from another replica — gets a reload.

const (
	// batchGap is the least time between two batches: changes in between
	// coalesce (board.Watch keeps the set), so a board where hundreds of
	// targets change a second costs a client a few writes a second.
	batchGap = 200 * time.Millisecond
	// defaultWriteWait bounds a single write (Handler.writeWait), so a
	// client that stopped reading does not hold its stream open forever.
	defaultWriteWait = 10 * time.Second
)

// targetEvent is the data of a "target" event.
type targetEvent struct {
	Name      string              `json:"name"`
	Status    vitals.Status       `json:"status"`
	Since     string              `json:"since,omitempty"`
	LatencyMS *float64            `json:"latency_ms"`        // null without a result
	Uptime    map[string]*float64 `json:"uptime,omitempty"`  // ratio by window, null for no data
	Message   string              `json:"message,omitempty"` // only with details
	HTML      string              `json:"html"`              // the status page's row
}

// stream is one client's event stream.
type stream struct {
	h       *Handler
	w       http.ResponseWriter
	rc      *http.ResponseController
	details bool
	target  string // "" for the whole board
	layout  string // the layout the client shows; "" for any
	cursor  uint64 // the client has seen every State up to this version
	buf     bytes.Buffer
}

// serveEvents streams changes until the client goes away or the Handler is
// closed.
func (h *Handler) serveEvents(w http.ResponseWriter, r *http.Request) {
	if !h.p.CanView(r) {
		h.p.Deny(w)
		return
	}
	q := r.URL.Query()
	s := &stream{h: h, w: w, rc: http.NewResponseController(w), details: h.p.CanSeeDetails(r), target: q.Get("target"), layout: q.Get("layout")}
	if s.target != "" {
		if _, ok := h.b.State(s.target); !ok {
			jsonError(w, http.StatusNotFound, "no target named "+strconv.Quote(s.target))
			return
		}
	}
	from := cmp.Or(r.Header.Get("Last-Event-ID"), q.Get("version"))
	ours := true // whether from is a version of this board
	if from != "" {
		v, ok, err := h.parseCursor(from)
		if err != nil {
			jsonError(w, http.StatusBadRequest, err.Error())
			return
		}
		s.cursor, ours = v, ok
	}
	if h.closed.Err() != nil {
		jsonError(w, http.StatusServiceUnavailable, "the server is shutting down")
		return
	}

	// Watch before reading the version: every change after it is in the
	// watch's set.
	changed, names, stop := h.b.Watch()
	defer stop()
	version := h.b.Version()
	if from == "" || !ours {
		s.cursor = version
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no")
	hd.Set("Vary", "Authorization")
	w.WriteHeader(http.StatusOK)
	s.buf.WriteString("retry: 3000\n\n")
	if !ours {
		// The page came from another board: a process since restarted,
		// or another replica. What changed since is unknown.
		s.event("reload", []byte("{}"))
		s.layout = "" // one reload is enough
	}
	// A write to a client that stopped reading waits up to h.writeWait;
	// Close must not: it cuts the write, and the end of the response.
	cut := make(chan struct{})
	stopCut := context.AfterFunc(h.closed, func() {
		_ = s.rc.SetWriteDeadline(time.Now())
		close(cut)
	})
	defer func() {
		if !stopCut() {
			<-cut
		}
	}()
	s.batch(nil, true, version)
	if s.flush() != nil {
		return
	}
	defer func() { // for the end of the response
		if h.closed.Err() == nil {
			_ = s.rc.SetWriteDeadline(time.Now().Add(s.h.writeWait))
		}
	}()

	beat := time.NewTicker(h.heartbeat)
	defer beat.Stop()
	var gap <-chan time.Time // set while batches wait out batchGap
	for {
		in := changed
		if gap != nil {
			in = nil
		}
		select {
		case <-r.Context().Done():
			return
		case <-h.closed.Done():
			return
		case <-gap:
			gap = nil
		case <-beat.C:
			s.buf.WriteString(": heartbeat\n\n")
		case <-in:
			v := h.b.Version()
			list, all := names()
			s.batch(list, all, v)
			gap = time.After(batchGap)
		}
		if s.flush() != nil {
			return
		}
	}
}

// batch adds the events for the targets in names (or all, or the
// layout) changed, up to version, to s.buf.
func (s *stream) batch(names []string, all bool, version uint64) {
	b := s.h.b
	var states []*board.State
	start := s.buf.Len()
	if all {
		states = b.States()
		shown := states
		if s.target != "" {
			shown = nil
			if st, ok := b.State(s.target); ok {
				shown = []*board.State{st}
			}
		}
		layout := layoutOf(cmp.Or(b.Title(), "vitals"), b.Banner(), shown)
		if s.layout != "" && s.layout != layout {
			s.event("reload", []byte("{}"))
		}
		s.layout = layout
		if s.target != "" {
			states = shown
		}
	} else {
		for _, name := range names {
			if s.target != "" && name != s.target {
				continue
			}
			if st, ok := b.State(name); ok {
				states = append(states, st)
			}
		}
	}
	for _, st := range states {
		if st.Version <= s.cursor {
			continue
		}
		if row := s.h.row(st, s.details); row.since > s.cursor {
			s.targetEvent(st, row)
		}
	}
	s.cursor = max(s.cursor, version)
	if s.buf.Len() == start {
		return
	}
	if s.target == "" {
		if !all {
			states = b.States()
		}
		js, _ := json.Marshal(summarize(states))
		s.event("summary", js)
	}
	// The batch's last event carries the version the client has now seen.
	s.buf.Truncate(s.buf.Len() - 1)
	s.buf.WriteString("id: " + s.h.cursor(s.cursor) + "\n\n")
}

func (s *stream) targetEvent(st *board.State, row *row) {
	ev := targetEvent{Name: st.Name, Status: st.Status, HTML: string(row.html)}
	if st.Status != vitals.StatusUnknown && !st.Since.IsZero() {
		ev.Since = exact(st.Since)
	}
	if !st.Last.At.IsZero() {
		ms := float64(st.Last.Latency) / float64(time.Millisecond)
		ev.LatencyMS = &ms
		if s.details {
			ev.Message = st.Last.Message
		}
	}
	if len(st.Uptime) > 0 {
		ev.Uptime = make(map[string]*float64, len(st.Uptime))
		for _, u := range st.Uptime {
			var ratio *float64
			if r := u.Ratio(); r >= 0 {
				ratio = &r
			}
			ev.Uptime[window(u.Window)] = ratio
		}
	}
	js, err := json.Marshal(ev)
	if err != nil {
		s.h.log.Error("web: encode event", "target", st.Name, "err", err)
		return
	}
	s.event("target", js)
}

// event adds an event; data is one line of JSON.
func (s *stream) event(name string, data []byte) {
	s.buf.WriteString("event: ")
	s.buf.WriteString(name)
	s.buf.WriteString("\ndata: ")
	s.buf.Write(data)
	s.buf.WriteString("\n\n")
}

// flush writes what s.buf holds and flushes it to the client.
func (s *stream) flush() error {
	if s.buf.Len() == 0 {
		return nil
	}
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.h.writeWait)) // unsupported by some writers: then unbounded
	if err := s.h.closed.Err(); err != nil {
		// Close may have cut the deadline just before it was set again.
		return err
	}
	_, err := s.w.Write(s.buf.Bytes())
	s.buf.Reset()
	if err == nil {
		err = s.rc.Flush()
	}
	return err
}
