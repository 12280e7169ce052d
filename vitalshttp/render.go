package vitalshttp

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/vocab"
)

var (
	ctJSON = []string{"application/json"}
	ctIETF = []string{"application/health+json"}
	ctText = []string{"text/plain; charset=utf-8"}
)

// code maps a status to the probe HTTP code: 200 when traffic may pass
// (Pass, Warn), 503 otherwise.
func code(s vitals.Status) int {
	if s.OK() {
		return http.StatusOK
	}
	return http.StatusServiceUnavailable
}

// render builds the response for a request from a snapshot.
func (h *Handler) render(snap *vitals.Snapshot, req request) *response {
	var resp *response
	switch req.ep {
	case epLivez, epReadyz, epStartupz, epHealthz:
		resp = h.renderK8s(snap, req)
	default:
		resp = h.renderCompat(snap, req)
	}
	// Health answers get an ETag; errors (404, 400) do not. The start time
	// keeps tags of a restarted process (whose versions restart at 1)
	// from matching the old one's.
	if resp.code == http.StatusOK || resp.code == http.StatusServiceUnavailable {
		resp.etag = []string{fmt.Sprintf(`"%x.%d.%d.%d.%d%d"`, snap.Started.UnixNano(), snap.Version, req.ep, req.format, b2i(req.details), b2i(req.verbose))}
	}
	return resp
}

func (h *Handler) renderK8s(snap *vitals.Snapshot, req request) *response {
	group := k8sGroup[req.ep]
	if req.check != "" {
		st, ok := snap.Check(req.check)
		if !ok || !st.InGroup(group) || !st.Enabled {
			return notFound(snap, req.check, group)
		}
		return renderOne(st, group, req)
	}
	g := snap.GroupExcluding(group, req.excluded)
	switch req.format {
	case fmtIETF:
		return jsonResponse(g.Status, ctIETF, ietfBody(snap, group, g.Status, req))
	case fmtText:
		return &response{code: code(g.Status), ctype: ctText, body: k8sText(snap, group, g.Status, req)}
	}
	return jsonResponse(g.Status, ctJSON, vitalsBody(snap, group, g.Status, req))
}

// notFound is the answer for a check name that is not registered (or not
// in the endpoint's group).
func notFound(snap *vitals.Snapshot, name, group string) *response {
	msg := "no check named " + strconv.Quote(name)
	if _, ok := snap.Check(name); ok && group != "" {
		msg += " in group " + strconv.Quote(group)
	}
	return errorResponse(http.StatusNotFound, msg)
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
	ConsecutiveFailures *int32         `json:"consecutive_failures,omitempty"`
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
	crit, cf := st.Critical, st.Stats.ConsecutiveFailures
	c.Critical, c.ConsecutiveFailures = &crit, &cf
	c.Groups = st.Groups
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
		if st.Enabled && !excluded(req.excluded, st.Name) {
			b.Checks[st.Name] = vitalsCheck(st, req.details)
		}
	}
	return b
}

// renderOne answers for one check. On the liveness endpoint a check that
// has not run yet passes, as it does in /livez itself: a process must not
// be restarted for a check it has not had the time to run.
func renderOne(st *vitals.CheckState, group string, req request) *response {
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
		return &response{code: code(status), ctype: ctText, body: []byte(body)}
	case fmtIETF:
		return jsonResponse(status, ctIETF, map[string]any{
			"status": vocab.Word(status, vocab.IETF),
			"checks": map[string][]ietfCheck{ietfKey(st): {ietfCheckOf(st, req.details)}},
		})
	}
	c := vitalsCheck(st, req.details)
	c.Name = st.Name
	return jsonResponse(status, ctJSON, c)
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
		if st.Enabled && !excluded(req.excluded, st.Name) {
			k := ietfKey(st)
			d.Checks[k] = append(d.Checks[k], ietfCheckOf(st, req.details))
		}
	}
	return d
}

// --- Kubernetes text ---

// reason is what a failing check's line or entry says: its message for an
// authorised caller, "reason withheld" otherwise.
func reason(st *vitals.CheckState, details bool) string {
	switch {
	case st.Status == vitals.StatusUnknown:
		return "not checked yet"
	case !details:
		return "reason withheld"
	case st.Last.Message != "":
		return oneLine(st.Last.Message)
	}
	return st.Status.String()
}

// k8sReason is reason for the Kubernetes text: an anonymous caller always
// reads "reason withheld", exactly as the apiserver prints it, whatever
// the cause (not run yet included).
func k8sReason(st *vitals.CheckState, details bool) string {
	if !details {
		return "reason withheld"
	}
	return reason(st, true)
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
func k8sText(snap *vitals.Snapshot, group string, status vitals.Status, req request) []byte {
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
		case excluded(req.excluded, st.Name):
			matched = append(matched, st.Name)
			b.WriteString("[+]" + st.Name + " excluded: ok\n")
		case st.Status == vitals.StatusPass || (st.Status == vitals.StatusUnknown && group == vitals.Liveness):
			b.WriteString("[+]" + st.Name + " ok\n")
		case st.Status == vitals.StatusWarn:
			if req.details && st.Last.Message != "" {
				b.WriteString("[+]" + st.Name + " ok (warn: " + oneLine(st.Last.Message) + ")\n")
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
	word := "passed"
	if !status.OK() {
		word = "failed"
	}
	b.WriteString(k8sName[req.ep] + " check " + word + "\n")
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
		quoted[i] = strconv.Quote(oneLine(n))
	}
	return strings.Join(quoted, ",")
}

// --- helpers ---

func jsonResponse(s vitals.Status, ctype []string, v any) *response {
	body, err := json.Marshal(v)
	if err != nil {
		return errorResponse(http.StatusInternalServerError, "encode: "+err.Error())
	}
	return &response{code: code(s), ctype: ctype, body: append(body, '\n')}
}

type errorBody struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

func errorResponse(status int, msg string) *response {
	body, _ := json.Marshal(errorBody{Error: msg, Status: status})
	return &response{code: status, ctype: ctJSON, body: append(body, '\n')}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	resp := errorResponse(status, msg)
	w.Header()["Content-Type"] = resp.ctype
	w.Header()["Cache-Control"] = noCache
	w.Header()["X-Content-Type-Options"] = nosniff
	w.WriteHeader(resp.code)
	w.Write(resp.body)
}

func excluded(list []string, name string) bool {
	for _, n := range list {
		if n == name {
			return true
		}
	}
	return false
}

func durationMS(d time.Duration) float64 {
	return math.Round(float64(d)/1e3) / 1e3 // microsecond precision
}

// oneLine keeps a message on one line of the text format.
func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	}
	return s
}
