package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/vitalsgo/vitals/monitor/board"
)

const (
	// DefaultLimit is how many results an answer holds unless asked.
	DefaultLimit = 100
	// MaxLimit is the most results one answer holds; page with until.
	MaxLimit = 10_000
	// DefaultSpan is how far back results and uptime go unless asked.
	DefaultSpan = 24 * time.Hour
)

// stateQuery returns the target a request names and the request's query
// string, or answers 404 or 400 itself. Unlike URL.Query it does not drop
// what it cannot read in silence.
func (h *Handler) stateQuery(w http.ResponseWriter, r *http.Request) (*board.State, url.Values, bool) {
	st, ok := h.state(w, r)
	if !ok {
		return nil, nil, false
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad query string: "+err.Error())
		return nil, nil, false
	}
	return st, q, true
}

// badParam answers 400 for a parameter's value, naming both.
func badParam(w http.ResponseWriter, name, value string, err error) {
	writeError(w, http.StatusBadRequest, fmt.Sprintf("bad %s %s: %v", name, quote(value), err))
}

func (h *Handler) serveResults(w http.ResponseWriter, r *http.Request) {
	st, q, ok := h.stateQuery(w, r)
	if !ok {
		return
	}
	now := h.now()
	until, limit := now, DefaultLimit
	var since time.Time
	var err error
	if q.Has("until") {
		if until, err = parseTime(q.Get("until"), now); err != nil {
			badParam(w, "until", q.Get("until"), err)
			return
		}
	}
	if !q.Has("since") {
		since = until.Add(-DefaultSpan)
	} else if since, err = parseTime(q.Get("since"), now); err != nil {
		badParam(w, "since", q.Get("since"), err)
		return
	}
	if q.Has("limit") {
		if limit, err = parseLimit(q.Get("limit"), MaxLimit); err != nil {
			badParam(w, "limit", q.Get("limit"), err)
			return
		}
	}
	// The store keeps milliseconds; the answer says which span it read.
	since, until = since.UTC().Truncate(time.Millisecond), until.UTC().Truncate(time.Millisecond)
	if !since.Before(until) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("bad since %s: not before until (%s)",
			quote(q.Get("since")), until.Format(time.RFC3339Nano)))
		return
	}
	// One more than the limit tells whether there are more.
	list, err := h.board.Store().Results(r.Context(), st.Name, since, until, limit+1)
	if err != nil {
		h.storeError(w, r, err)
		return
	}
	details := h.policy.CanSeeDetails(r)
	out := struct {
		Target string    `json:"target"`
		Since  time.Time `json:"since"`
		Until  time.Time `json:"until"`
		Limit  int       `json:"limit"`
		// More says the span holds older results than these: ask again
		// with until set to the at of the last one.
		More    bool         `json:"more"`
		Results []resultJSON `json:"results"`
	}{Target: st.Name, Since: since, Until: until, Limit: limit, More: len(list) > limit}
	out.Results = make([]resultJSON, 0, min(len(list), limit))
	for _, res := range list[:min(len(list), limit)] {
		out.Results = append(out.Results, resultOf(res, details))
	}
	h.writeJSON(w, r, out)
}

func (h *Handler) serveUptime(w http.ResponseWriter, r *http.Request) {
	st, q, ok := h.stateQuery(w, r)
	if !ok {
		return
	}
	window := DefaultSpan
	if q.Has("window") {
		var err error
		if window, err = parseSpan(q.Get("window")); err != nil {
			badParam(w, "window", q.Get("window"), err)
			return
		}
	}
	// A standard window is read from the Board, so that the answer is the
	// number the page and the badges show; any other from the store.
	var out struct {
		Target string `json:"target"`
		uptimeJSON
	}
	out.Target = st.Name
	if i := slices.Index(board.Windows, window); i >= 0 && i < len(st.Uptime) {
		out.uptimeJSON = uptimeOf(st.Uptime[i])
	} else {
		u, err := h.board.Uptime(r.Context(), st.Name, window, h.now())
		if err != nil {
			h.storeError(w, r, err)
			return
		}
		out.uptimeJSON = uptimeOf(u)
	}
	h.writeJSON(w, r, out)
}
