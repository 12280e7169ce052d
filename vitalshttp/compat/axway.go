package compat

import (
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/vocab"
	"github.com/vitalsgo/vitals/vitalshttp"
	"github.com/vitalsgo/vitals/vitalshttp/internal/wire"
)

// Axway is the Axway agent-sdk healthcheck's endpoints: /status, the
// checker document (with the top-level result of a single status), and
// /status/{check}; results OK and FAIL, 200 or 503, 404 for an unknown
// check.
func Axway(h *vitalshttp.Handler) *Endpoints { return newEndpoints(h, axwaySystem) }

var axwaySystem = &system{name: "Axway", patterns: []string{"/status", "/status/"}, route: withChecks("/status", epAxway)}

func renderAxway(snap *vitals.Snapshot, check string, v view) *wire.Response {
	if check != "" {
		st, ok := snap.Check(check)
		if !ok || !st.Enabled {
			return wire.NotFound(snap, check, "")
		}
		return wire.JSON(st.Status, wire.CTJSON, axwayStatusOf(st, v))
	}
	return axwayDoc(snap, v)
}

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

func axwayStatusOf(st *vitals.CheckState, v view) *axwayStatus {
	s := &axwayStatus{Result: vocab.Word(st.Status, vocab.Axway)}
	if v > viewStatus && !st.Status.OK() {
		s.Details = v.reason(st)
	}
	return s
}

func axwayDoc(snap *vitals.Snapshot, v view) *wire.Response {
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
		s := axwayStatusOf(st, v)
		b.StatusChecks[st.Name] = &axwayCheck{Name: name, Endpoint: st.Name, Status: s}
		if b.StatusDetail == "" && s.Details != "" {
			b.StatusDetail = s.Details // the first failing check, in name order
		}
	}
	if v > viewStatus && b.StatusDetail == "" && !snap.Status.OK() {
		b.StatusDetail = "service is " + snap.Status.String()
	}
	b.Result, b.Details = b.Status, b.StatusDetail
	return wire.JSON(snap.Status, wire.CTJSON, b)
}
