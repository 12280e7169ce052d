package vitalshttp

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/vocab"
)

// renderCompat renders the endpoint shapes of the libraries vitals
// replaces, so their existing consumers keep working. Each answers from the
// same snapshot as the Kubernetes endpoints.
func (h *Handler) renderCompat(snap *vitals.Snapshot, req request) *response {
	switch req.ep {
	case epChorusHealth:
		return chorusHealth(snap, req.details)
	case epChorusReady:
		g, _ := snap.Group(vitals.Readiness)
		return jsonResponse(g.Status, ctJSON, chorusReady{Ready: g.Status.OK(), Status: vocab.Word(g.Status, vocab.Chorus), Message: chorusMessage(g.Status)})
	case epChorusLive:
		st := vitals.StatusPass
		if snap.Stopping() {
			st = vitals.StatusStopping
		}
		return jsonResponse(st, ctJSON, chorusLive{Live: st.OK(), Status: vocab.Word(st, vocab.Chorus), Uptime: snap.Time.Sub(snap.Started)})
	case epChorusChecks:
		checks := chorusChecks(snap, req.details)
		return jsonResponse(vitals.StatusPass, ctJSON, chorusChecksBody{Checks: checks, Total: len(checks), Timestamp: snap.Time.UTC()})
	case epAlive:
		g, _ := snap.Group(vitals.Liveness)
		return jsonResponse(g.Status, ctJSON, aliveBody{Alive: g.Status.OK()})
	case epReady:
		g, _ := snap.Group(vitals.Readiness)
		return jsonResponse(g.Status, ctJSON, readyBody{Ready: g.Status.OK(), Reasons: reasons(snap, vitals.Readiness, g.Status, req.details)})
	case epAxway:
		if req.check != "" {
			st, ok := snap.Check(req.check)
			if !ok || !st.Enabled {
				return notFound(snap, req.check, "")
			}
			return jsonResponse(st.Status, ctJSON, axwayStatusOf(st, req.details))
		}
		return axwayDoc(snap, req.details)
	}
	return errorResponse(http.StatusNotFound, "no such endpoint")
}

// --- CHORUS health manager ---

type chorusCheck struct {
	Healthy   bool           `json:"healthy"`
	Message   string         `json:"message,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
	Latency   time.Duration  `json:"latency,omitempty"` // nanoseconds, as time.Duration encodes
	Timestamp *time.Time     `json:"timestamp,omitempty"`
}

type chorusHealthBody struct {
	Status     string                 `json:"status"`
	Message    string                 `json:"message"`
	Checks     map[string]chorusCheck `json:"checks"`
	Uptime     time.Duration          `json:"uptime"`
	StartTime  time.Time              `json:"start_time"`
	LastUpdate time.Time              `json:"last_update"`
	Version    string                 `json:"version,omitempty"`
	NodeID     string                 `json:"node_id,omitempty"`
}

type chorusReady struct {
	Ready   bool   `json:"ready"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

type chorusLive struct {
	Live   bool          `json:"live"`
	Status string        `json:"status"`
	Uptime time.Duration `json:"uptime"`
}

type chorusChecksBody struct {
	Checks    map[string]chorusCheck `json:"checks"`
	Total     int                    `json:"total"`
	Timestamp time.Time              `json:"timestamp"`
}

func chorusMessage(s vitals.Status) string {
	switch s {
	case vitals.StatusPass:
		return "All health checks passing"
	case vitals.StatusWarn:
		return "Some health checks degraded"
	case vitals.StatusStarting:
		return "Starting: not all checks have passed yet"
	case vitals.StatusStopping:
		return "Shutting down"
	}
	return "Critical health checks failing"
}

func chorusChecks(snap *vitals.Snapshot, details bool) map[string]chorusCheck {
	out := map[string]chorusCheck{}
	for st := range snap.Checks("") {
		if !st.Enabled {
			continue
		}
		c := chorusCheck{Healthy: st.Status.OK()}
		if details && !st.Last.Time.IsZero() {
			t := st.Last.Time.UTC()
			c.Message, c.Details, c.Latency, c.Timestamp = st.Last.Message, st.Last.Details, st.Last.Duration, &t
		}
		out[st.Name] = c
	}
	return out
}

func chorusHealth(snap *vitals.Snapshot, details bool) *response {
	b := chorusHealthBody{
		Status: vocab.Word(snap.Status, vocab.Chorus), Message: chorusMessage(snap.Status),
		Checks: chorusChecks(snap, details), Uptime: snap.Time.Sub(snap.Started),
		StartTime: snap.Started.UTC(), LastUpdate: snap.Time.UTC(),
		Version: snap.Info.Version, NodeID: snap.Info.InstanceID,
	}
	return jsonResponse(snap.Status, ctJSON, b)
}

// --- regiocom healthchecker ---

type aliveBody struct {
	Alive bool `json:"alive"`
}

type readyBody struct {
	Ready   bool     `json:"ready"`
	Reasons []string `json:"reasons,omitempty"`
}

// reasons lists "name: message" for each check holding a group back, in
// name order (regiocom's own order is random). Without details the reason
// is the status word.
func reasons(snap *vitals.Snapshot, group string, status vitals.Status, details bool) []string {
	if status.OK() {
		return nil
	}
	var out []string
	for st := range snap.Checks(group) {
		if st.Enabled && !st.Status.OK() {
			out = append(out, st.Name+": "+reason(st, details))
		}
	}
	switch {
	case snap.Stopping():
		out = append(out, "shutdown: service is stopping")
	case !snap.StartupComplete():
		out = append(out, "startup: not complete")
	}
	return out
}

// --- Axway agent-sdk healthcheck ---

type axwayStatus struct {
	Result  string `json:"result"`
	Details string `json:"details,omitempty"`
}

type axwayCheck struct {
	Name     string       `json:"name"`
	Endpoint string       `json:"endpoint"`
	Status   *axwayStatus `json:"status"`
}

// axwayDocBody is Axway's checker document. It also carries the top-level
// "result" and "details" of a single Status, so a reader expecting either
// shape at /status finds what it looks for.
type axwayDocBody struct {
	Name         string                 `json:"name"`
	Version      string                 `json:"version,omitempty"`
	Status       string                 `json:"status"`
	StatusDetail string                 `json:"statusDetail,omitempty"`
	StatusChecks map[string]*axwayCheck `json:"statusChecks"`
	Result       string                 `json:"result"`
	Details      string                 `json:"details,omitempty"`
}

func axwayStatusOf(st *vitals.CheckState, details bool) *axwayStatus {
	s := &axwayStatus{Result: vocab.Word(st.Status, vocab.Axway)}
	if details && !st.Status.OK() {
		s.Details = reason(st, true)
	}
	return s
}

func axwayDoc(snap *vitals.Snapshot, details bool) *response {
	b := axwayDocBody{
		Name: snap.Info.Service, Version: snap.Info.Version,
		Status: vocab.Word(snap.Status, vocab.Axway), StatusChecks: map[string]*axwayCheck{},
	}
	if b.Name == "" {
		b.Name = "service"
	}
	for st := range snap.Checks("") {
		if !st.Enabled {
			continue
		}
		name := st.Description
		if name == "" {
			name = st.Name
		}
		s := axwayStatusOf(st, details)
		b.StatusChecks[st.Name] = &axwayCheck{Name: name, Endpoint: st.Name, Status: s}
		if details && b.StatusDetail == "" && s.Details != "" {
			b.StatusDetail = s.Details // the first failing check, in name order
		}
	}
	if details && b.StatusDetail == "" && !snap.Status.OK() {
		b.StatusDetail = "service is " + snap.Status.String()
	}
	b.Result, b.Details = b.Status, b.StatusDetail
	return jsonResponse(snap.Status, ctJSON, b)
}

// --- KiviGo backend health ---

type backendBody struct {
	Status    string    `json:"status"`
	Timestamp time.Time `json:"timestamp"`
	Backend   string    `json:"backend"`
	Error     string    `json:"error,omitempty"`
}

// Backend returns a handler answering for one check in KiviGo's per-backend
// shape: {"status":"healthy"|"unhealthy","timestamp","backend","error"},
// 200 or 503. backend is the name reported (e.g. "redis"). The error text
// is shown only to authorised callers. Like every other endpoint it has an
// ETag (304 on If-None-Match), Cache-Control: no-cache and HEAD.
func (h *Handler) Backend(check, backend string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header()["Allow"] = []string{"GET, HEAD"}
			writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; use GET or HEAD")
			return
		}
		snap := h.m.Current(r.Context())
		st, ok := snap.Check(check)
		if !ok || !st.Enabled {
			writeError(w, http.StatusNotFound, "no check named "+strconv.Quote(check))
			return
		}
		details := h.authorised(r)
		b := backendBody{Status: "healthy", Timestamp: st.Last.Time.UTC(), Backend: backend}
		if !st.Status.OK() {
			b.Status = "unhealthy"
			b.Error = "unhealthy"
			if details {
				b.Error = reason(st, true)
			}
		}
		if b.Timestamp.IsZero() {
			b.Timestamp = snap.Time.UTC()
		}
		body, _ := json.Marshal(b)
		hdr := w.Header()
		hdr["Content-Type"] = ctJSON
		hdr["Cache-Control"] = noCache
		if details {
			hdr["Cache-Control"] = privateNoCache
		}
		hdr["X-Content-Type-Options"] = nosniff
		hdr["Vary"] = varyHdrs
		etag := fmt.Sprintf(`"%x.%d.b%d"`, snap.Started.UnixNano(), snap.Version, b2i(details))
		hdr["Etag"] = []string{etag}
		if inm := r.Header["If-None-Match"]; len(inm) > 0 && etagMatch(inm, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.WriteHeader(code(st.Status))
		if r.Method != http.MethodHead {
			w.Write(append(body, '\n'))
		}
	})
}
