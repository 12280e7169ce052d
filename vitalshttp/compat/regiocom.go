package compat

import (
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/internal/wire"
)

// Regiocom is the regiocom healthchecker's endpoints: /alive (liveness)
// and /ready (readiness, with the reasons it is not), each also under
// /.well-known/; 200 or 503. As in regiocom's decision matrix, a service
// still in its startup phase is neither alive nor ready (/livez keeps
// Kubernetes' rule: liveness ignores startup).
func Regiocom(h *vitalshttp.Handler) *Endpoints { return newEndpoints(h, regiocomSystem) }

var regiocomSystem = &system{
	name:     "regiocom",
	patterns: []string{"/alive", "/ready", "/.well-known/alive", "/.well-known/ready"},
	route: exact(map[string]endpoint{
		"/alive": epAlive, "/ready": epReady, "/.well-known/alive": epAlive, "/.well-known/ready": epReady,
	}),
}

func renderRegiocom(snap *vitals.Snapshot, ep endpoint, v view) *wire.Response {
	if ep == epAlive {
		g, _ := snap.Group(vitals.Liveness)
		st := g.Status
		if st.OK() && !snap.StartupComplete() {
			st = vitals.StatusStarting
		}
		return wire.JSON(st, wire.CTJSON, aliveBody{Alive: st.OK()})
	}
	g, _ := snap.Group(vitals.Readiness)
	return wire.JSON(g.Status, wire.CTJSON, readyBody{Ready: g.Status.OK(), Reasons: reasons(snap, vitals.Readiness, g.Status, v)})
}

type aliveBody struct {
	Alive bool `json:"alive"`
}

type readyBody struct {
	Ready   bool     `json:"ready"`
	Reasons []string `json:"reasons,omitempty"`
}

// reasons lists "name: message" for each check holding a group back, in
// name order (regiocom's own order is random), as v shows messages.
func reasons(snap *vitals.Snapshot, group string, status vitals.Status, v view) []string {
	if status.OK() {
		return nil
	}
	var out []string
	for st := range snap.Checks(group) {
		if st.Enabled && !st.Status.OK() {
			out = append(out, st.Name+": "+v.reason(st))
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
