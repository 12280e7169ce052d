package vitalshttp

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/vocab"
	"github.com/vitalsgo/vitals/vitalshttp/internal/wire"
)

// render builds the response for a request from a snapshot. Health
// answers get an ETag; errors (404, 400) do not.
func (g *group) render(snap *vitals.Snapshot, req request) *wire.Response {
	resp := g.renderGroup(snap, req)
	if resp.Code == http.StatusOK || resp.Code == http.StatusServiceUnavailable {
		resp.ETag = g.etag(snap.Started.UnixNano(), snap.Version, req)
	}
	return resp
}

func (g *group) renderGroup(snap *vitals.Snapshot, req request) *wire.Response {
	if req.check != "" {
		st, ok := snap.Check(req.check)
		if !ok || !st.InGroup(g.name) || !st.Enabled {
			return wire.NotFound(snap, req.check, g.name)
		}
		return renderOne(st, g.name, req)
	}
	gs := snap.GroupExcluding(g.name, req.excluded)
	switch req.format {
	case fmtIETF:
		return wire.JSON(gs.Status, wire.CTIETF, ietfBody(snap, g.name, gs.Status, req))
	case fmtText:
		return &wire.Response{Code: wire.Code(gs.Status), CType: wire.CTText, Body: k8sText(snap, g.name, g.word, gs.Status, req)}
	}
	return wire.JSON(gs.Status, wire.CTJSON, vitalsBody(snap, g.name, gs.Status, req))
}

// --- vitals JSON ---

type jsonCheck struct {
	Name                string         `json:"name,omitempty"`
	Status              vitals.Status  `json:"status"`
	Critical            *bool          `json:"critical,omitempty"`
	Groups              []string       `json:"groups,omitempty"`
	Message             string         `json:"message,omitempty"`
	DurationMS          *float64       `json:"duration_ms,omitempty"`
	Observed            any            `json:"observed,omitempty"`
	Unit                string         `json:"unit,omitempty"`
	Details             map[string]any `json:"details,omitempty"`
	Time                *time.Time     `json:"time,omitempty"`
	Since               *time.Time     `json:"since,omitempty"`
	ConsecutiveFailures *int           `json:"consecutive_failures,omitempty"`
	Stale               bool           `json:"stale,omitempty"`
	Hung                bool           `json:"hung,omitempty"`
}

type jsonGroupBody struct {
	Status  vitals.Status        `json:"status"`
	Service string               `json:"service,omitempty"`
	Version string               `json:"version,omitempty"`
	Time    *time.Time           `json:"time,omitempty"`
	Checks  map[string]jsonCheck `json:"checks"`
}

func vitalsCheck(st *vitals.CheckState, details bool) jsonCheck {
	c := jsonCheck{Status: st.Status}
	if !details {
		return c
	}
	crit, cf := st.Critical, st.Stats.ConsecutiveFailures()
	c.Critical, c.ConsecutiveFailures = &crit, &cf
	c.Groups = st.Groups()
	c.Message = st.Last.Message
	// The monitor redacted the result before any snapshot held it.
	c.Observed, c.Unit = st.Last.Observed, st.Last.Unit
	c.Details = st.Last.Details
	c.Stale, c.Hung = st.Stale, st.Hung
	if !st.Last.Time.IsZero() {
		ms := durationMS(st.Last.Duration)
		t, since := st.Last.Time.UTC(), st.Since.UTC()
		c.DurationMS, c.Time, c.Since = &ms, &t, &since
	}
	return c
}

func vitalsBody(snap *vitals.Snapshot, group string, status vitals.Status, req request) any {
	b := jsonGroupBody{Status: status, Checks: map[string]jsonCheck{}}
	if req.details {
		b.Service, b.Version = snap.Info.Service, snap.Info.Version
		t := snap.Time.UTC()
		b.Time = &t
	}
	for st := range snap.Checks(group) {
		if st.Enabled && !slices.Contains(req.excluded, st.Name) {
			b.Checks[st.Name] = vitalsCheck(st, req.details)
		}
	}
	return b
}

// renderOne answers for one check. On the liveness endpoint a check that
// has not run yet passes, as it does in /livez itself: a process must not
// be restarted for a check it has not had the time to run.
func renderOne(st *vitals.CheckState, group string, req request) *wire.Response {
	status := st.Status
	if status == vitals.StatusUnknown && group == vitals.Liveness {
		status = vitals.StatusPass
	}
	switch req.format {
	case fmtText:
		// Kubernetes answers a passing check with a bare "ok".
		body := "ok"
		if !status.OK() {
			body = "[-]" + st.Name + " failed: " + k8sReason(st, req.details) + "\n"
		}
		return &wire.Response{Code: wire.Code(status), CType: wire.CTText, Body: []byte(body)}
	case fmtIETF:
		return wire.JSON(status, wire.CTIETF, map[string]any{
			"status": vocab.Word(status, vocab.IETF),
			"checks": map[string][]ietfCheck{ietfKey(st): {ietfCheckOf(st, req.details)}},
		})
	}
	c := vitalsCheck(st, req.details)
	c.Name = st.Name
	return wire.JSON(status, wire.CTJSON, c)
}

// --- IETF application/health+json ---

type ietfCheck struct {
	ComponentID   string `json:"componentId"`
	ComponentType string `json:"componentType,omitempty"`
	ObservedValue any    `json:"observedValue,omitempty"`
	ObservedUnit  string `json:"observedUnit,omitempty"`
	Status        string `json:"status"`
	Time          string `json:"time,omitempty"`
	Output        string `json:"output,omitempty"`
}

type ietfDoc struct {
	Status      string                 `json:"status"`
	Version     string                 `json:"version,omitempty"`
	ReleaseID   string                 `json:"releaseId,omitempty"`
	ServiceID   string                 `json:"serviceId,omitempty"`
	Description string                 `json:"description,omitempty"`
	Output      string                 `json:"output,omitempty"`
	Checks      map[string][]ietfCheck `json:"checks,omitempty"`
}

// ietfKey is "name:measurement": the check's measurement, else
// "responseTime" when it reports no observed value (the run's duration is
// reported), else "value".
func ietfKey(st *vitals.CheckState) string {
	m := st.Measurement
	if m == "" {
		m = "value"
		if st.Last.Observed == nil {
			m = "responseTime"
		}
	}
	return st.Name + ":" + m
}

func ietfCheckOf(st *vitals.CheckState, details bool) ietfCheck {
	c := ietfCheck{ComponentID: st.Name, ComponentType: st.ComponentType, Status: vocab.Word(st.Status, vocab.IETF)}
	if !details || st.Last.Time.IsZero() {
		return c
	}
	c.Time = st.Last.Time.UTC().Format(time.RFC3339Nano)
	if st.Last.Observed != nil {
		c.ObservedValue, c.ObservedUnit = st.Last.Observed, st.Last.Unit
	} else {
		c.ObservedValue, c.ObservedUnit = durationMS(st.Last.Duration), "ms"
	}
	if st.Status != vitals.StatusPass {
		c.Output = st.Last.Message
	}
	return c
}

func ietfBody(snap *vitals.Snapshot, group string, status vitals.Status, req request) any {
	d := ietfDoc{Status: vocab.Word(status, vocab.IETF), Checks: map[string][]ietfCheck{}}
	if req.details {
		d.Version, d.ReleaseID, d.ServiceID, d.Description = snap.Info.Version, snap.Info.ReleaseID, snap.Info.Service, snap.Info.Description
		if status == vitals.StatusStarting || status == vitals.StatusStopping {
			d.Output = "service is " + status.String()
		}
	}
	for st := range snap.Checks(group) {
		if st.Enabled && !slices.Contains(req.excluded, st.Name) {
			k := ietfKey(st)
			d.Checks[k] = append(d.Checks[k], ietfCheckOf(st, req.details))
		}
	}
	return d
}

// --- Kubernetes text ---

// k8sReason is reason for the Kubernetes text: an anonymous caller always
// reads "reason withheld", exactly as the apiserver prints it, whatever
// the cause (not run yet included).
func k8sReason(st *vitals.CheckState, details bool) string {
	if !details {
		return "reason withheld"
	}
	return wire.Reason(st, true)
}

// k8sText writes the ?verbose lines as the Kubernetes apiserver does:
// "[+]name ok", "[+]name excluded: ok", "[-]name failed: reason withheld",
// one "warn: some health checks cannot be excluded: no matches for
// "a","b"" line for excluded names that match none of the endpoint's
// checks, then "<endpoint> check passed|failed". Without ?verbose a
// passing endpoint answers just "ok"; a failing one answers the full list,
// as Kubernetes does.
//
// Two additions keep what Kubernetes has no word for: a Warn check is
// "[+]name ok (warn)" (with its message for an authorised caller), and the
// lifecycle shows as the pseudo-checks "[-]shutdown" and "[-]startup".
func k8sText(snap *vitals.Snapshot, group, word string, status vitals.Status, req request) []byte {
	if status.OK() && !req.verbose {
		return []byte("ok")
	}
	var b strings.Builder
	var matched []string
	for st := range snap.Checks(group) {
		if !st.Enabled {
			continue
		}
		switch {
		case slices.Contains(req.excluded, st.Name):
			matched = append(matched, st.Name)
			b.WriteString("[+]" + st.Name + " excluded: ok\n")
		case st.Status == vitals.StatusPass || (st.Status == vitals.StatusUnknown && group == vitals.Liveness):
			b.WriteString("[+]" + st.Name + " ok\n")
		case st.Status == vitals.StatusWarn:
			if req.details && st.Last.Message != "" {
				b.WriteString("[+]" + st.Name + " ok (warn: " + wire.OneLine(st.Last.Message) + ")\n")
			} else {
				b.WriteString("[+]" + st.Name + " ok (warn)\n")
			}
		default:
			b.WriteString("[-]" + st.Name + " failed: " + k8sReason(st, req.details) + "\n")
		}
	}
	if unmatched := unmatchedExcludes(req.excluded, matched); len(unmatched) > 0 {
		b.WriteString("warn: some health checks cannot be excluded: no matches for " + formatQuoted(unmatched) + "\n")
	}
	switch {
	case group != vitals.Liveness && group != vitals.Startup && snap.Stopping():
		b.WriteString("[-]shutdown failed: reason withheld\n")
	case group != vitals.Liveness && !snap.StartupComplete():
		why := "reason withheld"
		if req.details {
			why = "startup not complete"
		}
		b.WriteString("[-]startup failed: " + why + "\n")
	}
	result := "passed"
	if !status.OK() {
		result = "failed"
	}
	b.WriteString(word + " check " + result + "\n")
	return []byte(b.String())
}

// unmatchedExcludes returns the excluded names that matched no check of
// the endpoint, sorted and without repeats, as Kubernetes lists them.
func unmatchedExcludes(excludedNames, matched []string) []string {
	var out []string
	for _, n := range excludedNames {
		if !slices.Contains(matched, n) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// formatQuoted is Kubernetes' list of names: each quoted, comma-separated.
func formatQuoted(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(wire.OneLine(n))
	}
	return strings.Join(quoted, ",")
}

// --- helpers ---

func durationMS(d time.Duration) float64 {
	return math.Round(float64(d)/1e3) / 1e3 // microsecond precision
}
