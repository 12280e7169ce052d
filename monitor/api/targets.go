package api

import (
	"encoding/json"
	"math"
	"net/http"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/store"
)

// targetJSON is a target as the API shows it. Fields are always present;
// what is unknown is null, so that every answer has one shape.
type targetJSON struct {
	Name        string       `json:"name"`
	Type        string       `json:"type"`
	Group       string       `json:"group"`
	Description string       `json:"description"`
	IntervalMS  int64        `json:"interval_ms"` // 0: checked on demand
	TimeoutMS   int64        `json:"timeout_ms"`
	Status      string       `json:"status"`
	Since       *time.Time   `json:"since"` // null without data
	Last        *resultJSON  `json:"last"`  // null without data
	Uptime      []uptimeJSON `json:"uptime"`
}

// targetDetailJSON is the answer about one target: its sub-checks too.
type targetDetailJSON struct {
	targetJSON
	Children []childJSON `json:"children"`
}

// resultJSON is one result. Message and details are there only for a
// caller who may see details, and only when the result has them.
type resultJSON struct {
	At        time.Time       `json:"at"`
	Status    string          `json:"status"`
	LatencyMS float64         `json:"latency_ms"`
	Code      int             `json:"code,omitempty"` // HTTP or gRPC code; 0: none
	Message   string          `json:"message,omitempty"`
	Details   json.RawMessage `json:"details,omitempty"`
}

// uptimeJSON is a target's uptime over one window. Ratio is up over the
// time with data (warn counts as up), null when no time had data.
type uptimeJSON struct {
	Window     string   `json:"window"`
	Ratio      *float64 `json:"ratio"`
	UpMS       int64    `json:"up_ms"` // includes degraded
	DegradedMS int64    `json:"degraded_ms"`
	DownMS     int64    `json:"down_ms"`
	NoDataMS   int64    `json:"no_data_ms"`
	// MaintMS is the time of maintenance windows, counted apart from the rest.
	MaintMS int64 `json:"maintenance_ms,omitempty"`
}

// childJSON is a sub-check a health target's endpoint reported.
type childJSON struct {
	Name    string `json:"name"`
	Status  string `json:"status"`
	Message string `json:"message,omitempty"` // details only
}

func (h *Handler) serveTargets(w http.ResponseWriter, r *http.Request) {
	details := h.policy.CanSeeDetails(r)
	states := h.board.States()
	buf := fragSlice.Get().(*[]*fragment)
	defer func() {
		clear(*buf) // hold no States past the request
		*buf = (*buf)[:0]
		fragSlice.Put(buf)
	}()
	frags, err := h.targets.fragments(states, details, (*buf)[:0])
	*buf = frags
	if err != nil {
		// As in writeJSON: a bug.
		h.log.Error("api: encode", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "encode: "+err.Error())
		return
	}
	if !writeOKHeader(w, r, listTag(frags), h.apiCache(r), "application/json", listSize(frags)) || r.Method == http.MethodHead {
		return
	}
	writeList(w, frags)
}

func (h *Handler) serveTarget(w http.ResponseWriter, r *http.Request) {
	st, ok := h.state(w, r)
	if !ok {
		return
	}
	details := h.policy.CanSeeDetails(r)
	out := targetDetailJSON{targetJSON: targetOf(st, details), Children: make([]childJSON, 0, len(st.Children))}
	for _, c := range st.Children {
		cj := childJSON{Name: c.Name, Status: statusWord(c.Status)}
		if details {
			cj.Message = c.Message
		}
		out.Children = append(out.Children, cj)
	}
	h.writeJSON(w, r, out)
}

// targetOf describes a target's state. Its uptime is the Board's cached
// one, empty until the Board first computes it.
func targetOf(st *board.State, details bool) targetJSON {
	t := targetJSON{
		Name:        st.Name,
		Type:        st.Type,
		Group:       st.Group,
		Description: st.Description,
		IntervalMS:  st.Interval.Milliseconds(),
		TimeoutMS:   st.Timeout.Milliseconds(),
		Status:      statusWord(st.Status),
		Uptime:      make([]uptimeJSON, 0, len(st.Uptime)),
	}
	if !st.Since.IsZero() {
		since := st.Since.UTC()
		t.Since = &since
	}
	if !st.Last.At.IsZero() {
		last := resultOf(st.Last, details)
		t.Last = &last
	}
	for _, u := range st.Uptime {
		t.Uptime = append(t.Uptime, uptimeOf(u))
	}
	return t
}

func resultOf(res store.Result, details bool) resultJSON {
	out := resultJSON{
		At:        res.At.UTC(),
		Status:    statusWord(res.Status),
		LatencyMS: ms(res.Latency),
		Code:      res.Code,
	}
	if details {
		out.Message = res.Message
		// Details are stored as a JSON object; anything else, which the
		// store never writes, is left out rather than breaking the answer.
		if res.Details != "" && json.Valid([]byte(res.Details)) {
			out.Details = json.RawMessage(res.Details)
		}
	}
	return out
}

func uptimeOf(u store.Uptime) uptimeJSON {
	out := uptimeJSON{
		Window:     formatSpan(u.Window),
		UpMS:       u.Up.Milliseconds(),
		DegradedMS: u.Degraded.Milliseconds(),
		DownMS:     u.Down.Milliseconds(),
		NoDataMS:   u.NoData.Milliseconds(),
		MaintMS:    u.Maintenance.Milliseconds(),
	}
	if ratio := u.Ratio(); ratio >= 0 {
		out.Ratio = &ratio
	}
	return out
}

// ms is a latency in milliseconds, to the microsecond the store keeps.
func ms(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// statusWord names a status in the API: pass, warn, fail, or no_data for a
// target (or sub-check) without a result yet.
func statusWord(s vitals.Status) string {
	switch s {
	case vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail:
		return s.String()
	}
	return "no_data"
}
