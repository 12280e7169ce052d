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
// while the service stops) and /health/checks. Statuses are CHORUS's
// healthy, degraded, unhealthy, starting and stopping; 200 for healthy and
// degraded, 503 otherwise (/health/checks always 200).
func Chorus(h *vitalshttp.Handler) *Endpoints { return newEndpoints(h, chorusSystem) }

var chorusSystem = &system{
	name:     "CHORUS",
	patterns: []string{"/health", "/health/ready", "/health/live", "/health/checks"},
	route: exact(map[string]endpoint{
		"/health": epChorusHealth, "/health/ready": epChorusReady, "/health/live": epChorusLive, "/health/checks": epChorusChecks,
	}),
}

func renderChorus(snap *vitals.Snapshot, ep endpoint, details bool) *wire.Response {
	switch ep {
	case epChorusReady:
		g, _ := snap.Group(vitals.Readiness)
		return wire.JSON(g.Status, wire.CTJSON, chorusReady{Ready: g.Status.OK(), Status: vocab.Word(g.Status, vocab.Chorus), Message: chorusMessage(g.Status)})
	case epChorusLive:
		st := vitals.StatusPass
		if snap.Stopping() {
			st = vitals.StatusStopping
		}
		return wire.JSON(st, wire.CTJSON, chorusLive{Live: st.OK(), Status: vocab.Word(st, vocab.Chorus), Uptime: snap.Time.Sub(snap.Started)})
	case epChorusChecks:
		checks := chorusChecks(snap, details)
		return wire.JSON(vitals.StatusPass, wire.CTJSON, chorusChecksBody{Checks: checks, Total: len(checks), Timestamp: snap.Time.UTC()})
	}
	return chorusHealth(snap, details)
}

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

func chorusHealth(snap *vitals.Snapshot, details bool) *wire.Response {
	b := chorusHealthBody{
		Status: vocab.Word(snap.Status, vocab.Chorus), Message: chorusMessage(snap.Status),
		Checks: chorusChecks(snap, details), Uptime: snap.Time.Sub(snap.Started),
		StartTime: snap.Started.UTC(), LastUpdate: snap.Time.UTC(),
		Version: snap.Info.Version, NodeID: snap.Info.InstanceID,
	}
	return wire.JSON(snap.Status, wire.CTJSON, b)
}
