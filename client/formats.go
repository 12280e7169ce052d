package client

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
)

// --- vitals JSON: a group {"status","checks":{name:{"status","message"}}}
// or one check {"name","status","message"} ---

type vitalsDoc struct {
	Name    string `json:"name"`
	Status  string `json:"status"`
	Message string `json:"message"`
	Checks  map[string]struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	} `json:"checks"`
}

func parseVitals(r *Report, body []byte) error {
	var d vitalsDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	s, err := parseWord(d.Status)
	if err != nil {
		return err
	}
	r.Status = s
	if d.Checks == nil && d.Name != "" {
		r.Checks = append(r.Checks, Check{Name: d.Name, Status: s, Message: clean(d.Message)})
		return nil
	}
	r.Message = clean(d.Message)
	for name, c := range d.Checks {
		st, msg := checkWord(c.Status, clean(c.Message))
		r.Checks = append(r.Checks, Check{Name: name, Status: st, Message: msg})
	}
	return nil
}

// --- IETF application/health+json ---

type ietfDoc struct {
	Status string                 `json:"status"`
	Output string                 `json:"output"`
	Checks map[string][]ietfCheck `json:"checks"`
}

type ietfCheck struct {
	Status string `json:"status"`
	Output string `json:"output"`
}

func parseIETF(r *Report, body []byte) error {
	var d ietfDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	s, err := requiredWord(d.Status)
	if err != nil {
		return err
	}
	r.Status, r.Message = s, clean(d.Output)
	// A key is "component:measurement"; one component may have several
	// measurements and one measurement a reading per node. The check is
	// the component, and its worst reading speaks for it, so a report
	// names checks alike whether it came as IETF or in another format.
	byName := map[string]int{}
	for _, key := range sortedKeys(d.Checks) {
		name, _, _ := strings.Cut(key, ":")
		i, seen := byName[name]
		if !seen {
			i = len(r.Checks)
			byName[name] = i
			r.Checks = append(r.Checks, Check{Name: name})
		}
		c := &r.Checks[i]
		for j, n := range d.Checks[key] {
			st, msg := checkWord(n.Status, clean(n.Output))
			switch {
			case !seen && j == 0, severity(st) > severity(c.Status):
				c.Status, c.Message = st, msg
			case st == c.Status && c.Message == "":
				c.Message = msg
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// --- Spring Boot actuator: {"status","details","components":{name:{…}}}
// (Boot 2.2+), components under "details" (Boot 2.0 and 2.1), or as
// top-level members beside "status" (Boot 1.x) ---

// maxSpringDepth bounds how deep nested components are listed: a hostile
// body nested thousands deep would otherwise make names quadratic in its
// size. Deeper components count through their ancestor's status.
const maxSpringDepth = 8

// springNode is one component, its own members kept raw because where its
// children are depends on the Spring Boot version.
type springNode map[string]json.RawMessage

func parseSpring(r *Report, body []byte) error {
	var root springNode
	if err := json.Unmarshal(body, &root); err != nil {
		return err
	}
	word := root.str("status")
	if word == "" {
		return errNoStatus
	}
	s, err := parseWord(word)
	if err != nil {
		// Spring allows custom codes; their HTTP mapping is the
		// service's, so the code tells.
		s, r.Message = statusFromCode(r.Code), err.Error()
	}
	r.Status = s
	if r.Message == "" {
		r.Message = root.message()
	}
	springChecks(r, "", root.children(), 1)
	return nil
}

func springChecks(r *Report, prefix string, children map[string]springNode, depth int) {
	if depth > maxSpringDepth {
		return
	}
	for _, name := range sortedKeys(children) {
		c := children[name]
		st, msg := checkWord(c.str("status"), c.message())
		r.Checks = append(r.Checks, Check{Name: prefix + name, Status: st, Message: msg})
		springChecks(r, prefix+name+"/", c.children(), depth+1)
	}
}

// str returns the string member key, or "".
func (n springNode) str(key string) string {
	var s string
	if json.Unmarshal(n[key], &s) != nil {
		return ""
	}
	return s
}

// message is the "error" Spring's indicators set on DOWN, in details
// (Boot 2+) or beside the status (Boot 1.x).
func (n springNode) message() string {
	var details springNode
	if json.Unmarshal(n["details"], &details) == nil {
		if e := details.str("error"); e != "" {
			return clean(e)
		}
	}
	return clean(n.str("error"))
}

// children returns the components of n: its "components" (Boot 2.2+), or
// else the members of its "details" (Boot 2.0, 2.1) or of n itself (Boot
// 1.x) that are objects with a "status".
func (n springNode) children() map[string]springNode {
	var comps map[string]springNode
	if json.Unmarshal(n["components"], &comps) == nil && comps != nil {
		return comps
	}
	var details springNode
	if json.Unmarshal(n["details"], &details) == nil {
		if c := statusMembers(details); len(c) > 0 {
			return c
		}
	}
	return statusMembers(n)
}

func statusMembers(n springNode) map[string]springNode {
	var out map[string]springNode
	for k, raw := range n {
		if k == "details" || k == "components" {
			continue
		}
		var m springNode
		if json.Unmarshal(raw, &m) != nil || m.str("status") == "" {
			continue
		}
		if out == nil {
			out = map[string]springNode{}
		}
		out[k] = m
	}
	return out
}

// --- CHORUS: /health {"status","message","checks":{name:{"healthy"}}},
// /health/ready {"ready","status"}, /health/live {"live","status"},
// /health/checks {"checks","total"} ---

type chorusDoc struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	Ready   *bool  `json:"ready"`
	Live    *bool  `json:"live"`
	Checks  map[string]struct {
		Healthy bool   `json:"healthy"`
		Message string `json:"message"`
	} `json:"checks"`
}

func parseChorus(r *Report, body []byte) error {
	var d chorusDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	r.Message = clean(d.Message)
	allHealthy := true
	for name, c := range d.Checks {
		st := vitals.StatusPass
		if !c.Healthy {
			st, allHealthy = vitals.StatusFail, false
		}
		r.Checks = append(r.Checks, Check{Name: name, Status: st, Message: clean(c.Message)})
	}
	switch {
	case d.Status != "":
		s, err := parseWord(d.Status)
		if err != nil {
			return err
		}
		r.Status = s
	case d.Ready != nil:
		r.Status = boolStatus(*d.Ready)
	case d.Live != nil:
		r.Status = boolStatus(*d.Live)
	default:
		// /health/checks answers 200 whatever the checks say.
		r.Status = boolStatus(allHealthy)
	}
	return nil
}

func boolStatus(ok bool) vitals.Status {
	if ok {
		return vitals.StatusPass
	}
	return vitals.StatusFail
}

// --- regiocom healthchecker: {"alive":true}, {"ready":false,"reasons":["db: …"]} ---

type regiocomDoc struct {
	Alive   *bool    `json:"alive"`
	Ready   *bool    `json:"ready"`
	Reasons []string `json:"reasons"`
}

func parseRegiocom(r *Report, body []byte) error {
	var d regiocomDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	switch {
	case d.Ready != nil:
		r.Status = boolStatus(*d.Ready)
	case d.Alive != nil:
		r.Status = boolStatus(*d.Alive)
	default:
		return errNoStatus
	}
	// A reason is "<probe>: <error>" when the probe has a name; a reason
	// whose start has a space is a bare error, named after itself.
	for _, reason := range d.Reasons {
		name, msg, ok := strings.Cut(reason, ": ")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			name, msg = reason, ""
		}
		r.Checks = append(r.Checks, Check{Name: clean(name), Status: vitals.StatusFail, Message: clean(msg)})
	}
	return nil
}

// --- Axway agent-sdk: {"result","details"} per check, and the /status
// document {"status","statusDetail","statusChecks":{…}} ---

type axwayStatus struct {
	Result  string `json:"result"`
	Details string `json:"details"`
}

type axwayDoc struct {
	axwayStatus
	Status       *string `json:"status"`
	StatusDetail string  `json:"statusDetail"`
	StatusChecks map[string]struct {
		Name   string       `json:"name"`
		Status *axwayStatus `json:"status"`
	} `json:"statusChecks"`
}

func parseAxway(r *Report, body []byte) error {
	var d axwayDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	word, msg := d.Result, d.Details
	if d.Status != nil {
		word, msg = *d.Status, d.StatusDetail
	}
	s, err := axwayWord(word)
	if err != nil {
		return err
	}
	r.Status, r.Message = s, clean(msg)
	for key, c := range d.StatusChecks {
		var st axwayStatus
		if c.Status != nil {
			st = *c.Status
		}
		cs, err := axwayWord(st.Result)
		m := clean(st.Details)
		if err != nil && m == "" {
			m = err.Error()
		}
		r.Checks = append(r.Checks, Check{Name: key, Status: cs, Message: m})
	}
	return nil
}

// axwayWord reads "OK" or "FAIL"; "" is a check that has not run yet.
func axwayWord(w string) (vitals.Status, error) {
	if w == "" {
		return vitals.StatusUnknown, nil
	}
	return parseWord(w)
}

// --- go-tabbyapi / TabbyAPI: {"status":"ok"|"healthy"|"unhealthy","issues":[{"time","description"}]} ---

type tabbyDoc struct {
	Status string `json:"status"`
	Issues []struct {
		Time        string `json:"time"`
		Description string `json:"description"`
	} `json:"issues"`
}

func parseTabby(r *Report, body []byte) error {
	var d tabbyDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	s, err := requiredWord(d.Status)
	if err != nil {
		return err
	}
	r.Status = s
	for _, is := range d.Issues {
		r.Issues = append(r.Issues, Issue{Time: parseTime(is.Time), Description: clean(is.Description)})
	}
	return nil
}

// timeLayouts are the times TabbyAPI's Python writes: ISO 8601 with or
// without a zone.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00"}

func parseTime(s string) time.Time {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// --- KiviGo backend health: {"status","timestamp","backend","error"} ---

type kivigoDoc struct {
	Status  string `json:"status"`
	Backend string `json:"backend"`
	Error   string `json:"error"`
}

func parseKiviGo(r *Report, body []byte) error {
	var d kivigoDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	s, err := parseWord(d.Status)
	if err != nil {
		return err
	}
	r.Status = s
	r.Checks = append(r.Checks, Check{Name: d.Backend, Status: s, Message: clean(d.Error)})
	return nil
}
