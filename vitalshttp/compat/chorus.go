package compat

import (
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/vocab"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/internal/wire"
)

// Chorus is the CHORUS health manager's endpoints: /health (the service
// and every check), /health/ready (readiness), /health/live (503 only
// while the service stops), /health/checks and /health/summary (the
// scores, see [ChorusSummaryOf]). Statuses are CHORUS's healthy, degraded,
// unhealthy, starting and stopping; 200 for healthy and degraded, 503
// otherwise (/health/checks and /health/summary always 200).
func Chorus(h *vitalshttp.Handler) *Endpoints { return newEndpoints(h, chorusSystem) }

var chorusSystem = &system{
	name:     "CHORUS",
	patterns: []string{"/health", "/health/ready", "/health/live", "/health/checks", "/health/summary"},
	route: exact(map[string]endpoint{
		"/health": epChorusHealth, "/health/ready": epChorusReady, "/health/live": epChorusLive, "/health/checks": epChorusChecks,
		"/health/summary": epChorusSummary,
	}),
}

func renderChorus(snap *vitals.Snapshot, ep endpoint, v view, scoring *ChorusThresholds) *wire.Response {
	switch ep {
	case epChorusSummary:
		t := DefaultChorusThresholds
		if scoring != nil {
			t = *scoring
		}
		return wire.JSON(vitals.StatusPass, wire.CTJSON, ChorusSummaryOf(snap, t))
	case epChorusReady:
		g, _ := snap.Group(vitals.Readiness)
		return wire.JSON(g.Status, wire.CTJSON, chorusReady{Ready: g.Status.OK(), Status: vocab.Word(g.Status, vocab.Chorus), Message: chorusMessage(g.Status)})
	case epChorusLive:
		// Live unless stopping; the status is the system's, and the uptime
		// a duration string, as CHORUS documents /health/live.
		code := vitals.StatusPass
		if snap.Stopping() {
			code = vitals.StatusStopping
		}
		return wire.JSON(code, wire.CTJSON, chorusLive{Live: code.OK(), Status: vocab.Word(snap.Status, vocab.Chorus), Uptime: snap.Time.Sub(snap.Started).String()})
	case epChorusChecks:
		checks := chorusChecks(snap, v, true)
		return wire.JSON(vitals.StatusPass, wire.CTJSON, chorusChecksBody{Checks: checks, Total: len(checks), Timestamp: snap.Time.UTC()})
	}
	return chorusHealth(snap, v, scoring)
}

type chorusCheck struct {
	Healthy   bool           `json:"healthy"`
	Enabled   *bool          `json:"enabled,omitempty"` // on /health/checks, which lists disabled checks too
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
	Live   bool   `json:"live"`
	Status string `json:"status"`
	Uptime string `json:"uptime"` // "24h0m0s"
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

// chorusChecks lists the enabled checks, or all with their enabled flag.
func chorusChecks(snap *vitals.Snapshot, v view, all bool) map[string]chorusCheck {
	out := map[string]chorusCheck{}
	for st := range snap.Checks("") {
		if !st.Enabled && !all {
			continue
		}
		c := chorusCheck{Healthy: st.Status.OK()}
		if all {
			c.Enabled = &st.Enabled
		}
		if v > viewStatus && !st.Last.Time.IsZero() {
			t := st.Last.Time.UTC()
			c.Message, c.Latency, c.Timestamp = v.message(st), st.Last.Duration, &t
		}
		if v == viewFull {
			c.Details = st.Last.Details
		}
		out[st.Name] = c
	}
	return out
}

func chorusHealth(snap *vitals.Snapshot, v view, scoring *ChorusThresholds) *wire.Response {
	st := snap.Status
	if scoring != nil && (st == vitals.StatusPass || st == vitals.StatusWarn || st == vitals.StatusFail) {
		st = scoring.status(meanScore(snap, ""))
	}
	b := chorusHealthBody{
		Status: vocab.Word(st, vocab.Chorus), Message: chorusMessage(st),
		Checks: chorusChecks(snap, v, false), Uptime: snap.Time.Sub(snap.Started),
		StartTime: snap.Started.UTC(), LastUpdate: snap.Time.UTC(),
		Version: snap.Info.Version, NodeID: snap.Info.InstanceID,
	}
	return wire.JSON(st, wire.CTJSON, b)
}
