package client

import (
	"slices"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
)

// --- vitals JSON: a group {"status","checks":{name:{"status","message"}}}
// or one check {"name","status","message"} ---

func parseVitals(r *Report, body []byte) error {
	rd, d := readBody(body)
	s := rd.status(worstWord(rd.strs(d, "status")))
	names := rd.strs(d, "name")
	msg := rd.text(d, "message")
	groups := read[object](rd, d, "checks")
	r.Status = s
	if len(groups) == 0 && first(names) != "" {
		r.Checks = append(r.Checks, Check{Name: first(names), Status: s, Message: msg})
		return rd.err
	}
	r.Message = msg
	for _, g := range groups {
		for _, m := range g {
			c := decode[object](rd, m.value)
			st, cm := checkWords(rd.strs(c, "status"), rd.text(c, "message"))
			r.Checks = append(r.Checks, Check{Name: m.key, Status: st, Message: cm})
		}
	}
	return rd.err
}

// --- IETF application/health+json ---

func parseIETF(r *Report, body []byte) error {
	rd, d := readBody(body)
	r.Status = rd.status(requiredWords(rd.strs(d, "status")))
	r.Message = rd.text(d, "output")
	checks := rd.members(d, "checks")
	// A key is "component:measurement"; one component may have several
	// measurements and one measurement a reading per node. The check is
	// the component, and its worst reading speaks for it, so a report
	// names checks alike whether it came as IETF or in another format.
	slices.SortStableFunc(checks, func(a, b member) int { return strings.Compare(a.key, b.key) })
	byName := map[string]int{}
	for _, m := range checks {
		readings := decode[[]object](rd, m.value)
		name, _, _ := strings.Cut(m.key, ":")
		i, seen := byName[name]
		if !seen {
			i = len(r.Checks)
			byName[name] = i
			r.Checks = append(r.Checks, Check{Name: name})
		}
		c := &r.Checks[i]
		for j, n := range readings {
			st, msg := checkWords(rd.strs(n, "status"), rd.text(n, "output"))
			switch {
			case !seen && j == 0, severity(st) > severity(c.Status):
				c.Status, c.Message = st, msg
			case st == c.Status && c.Message == "":
				c.Message = msg
			}
		}
	}
	return rd.err
}

// requiredWords is worstWord for a format whose status member is
// required: a body without one is not that format's answer.
func requiredWords(words []string) (vitals.Status, error) {
	words = slices.DeleteFunc(slices.Clone(words), func(w string) bool { return w == "" })
	if len(words) == 0 {
		return requiredWord("")
	}
	return worstWord(words)
}

// --- CHORUS: /health {"status","message","checks":{name:{"healthy"}}},
// /health/ready {"ready","status"}, /health/live {"live","status"},
// /health/checks {"checks","total"} ---

func parseChorus(r *Report, body []byte) error {
	rd, d := readBody(body)
	r.Message = rd.text(d, "message")
	ready := read[bool](rd, d, "ready")
	live := read[bool](rd, d, "live")
	checks := rd.members(d, "checks")
	words := rd.strs(d, "status")
	allHealthy := true
	for _, m := range checks {
		c := decode[object](rd, m.value)
		healthy := read[bool](rd, c, "healthy")
		cm := rd.text(c, "message")
		st := vitals.StatusPass
		if ok, given := allTrue(healthy); !ok || !given {
			st, allHealthy = vitals.StatusFail, false
		}
		r.Checks = append(r.Checks, Check{Name: m.key, Status: st, Message: cm})
	}
	words = slices.DeleteFunc(words, func(w string) bool { return w == "" })
	readyOK, readyGiven := allTrue(ready)
	liveOK, liveGiven := allTrue(live)
	switch {
	case liveGiven:
		// /health/live's status is the system's; "live" is its verdict.
		r.Status = boolStatus(liveOK)
	case len(words) > 0:
		r.Status = rd.status(worstWord(words))
	case readyGiven:
		r.Status = boolStatus(readyOK)
	default:
		// /health/checks answers 200 whatever the checks say.
		r.Status = boolStatus(allHealthy)
	}
	return rd.err
}

func boolStatus(ok bool) vitals.Status {
	if ok {
		return vitals.StatusPass
	}
	return vitals.StatusFail
}

// --- regiocom healthchecker: {"alive":true}, {"ready":false,"reasons":["db: …"]} ---

func parseRegiocom(r *Report, body []byte) error {
	rd, d := readBody(body)
	ready := read[bool](rd, d, "ready")
	alive := read[bool](rd, d, "alive")
	reasons := read[[]string](rd, d, "reasons")
	if rd.err != nil {
		return rd.err
	}
	readyOK, readyGiven := allTrue(ready)
	aliveOK, aliveGiven := allTrue(alive)
	switch {
	case readyGiven:
		r.Status = boolStatus(readyOK)
	case aliveGiven:
		r.Status = boolStatus(aliveOK)
	default:
		return errNoStatus
	}
	// A reason is "<probe>: <error>" when the probe has a name; a reason
	// whose start has a space is a bare error, named after itself.
	for _, reason := range slices.Concat(reasons...) {
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

func parseAxway(r *Report, body []byte) error {
	rd, d := readBody(body)
	words := rd.strs(d, "status")
	msgKey := "statusDetail" // the /status document
	if len(words) == 0 {
		words, msgKey = rd.strs(d, "result"), "details"
	}
	s := rd.status(axwayWords(words))
	r.Status, r.Message = s, rd.text(d, msgKey)
	for _, m := range rd.members(d, "statusChecks") {
		c := decode[object](rd, m.value)
		rd.strs(c, "name") // only its type is checked
		var results, details []string
		for _, st := range read[object](rd, c, "status") {
			results = append(results, rd.strs(st, "result")...)
			details = append(details, rd.strs(st, "details")...)
		}
		cs, err := axwayWords(results)
		cm := joinText(details)
		if err != nil && cm == "" {
			cm = err.Error()
		}
		r.Checks = append(r.Checks, Check{Name: m.key, Status: cs, Message: cm})
	}
	return rd.err
}

// axwayWords reads "OK" or "FAIL", the worst of several; "" or none is a
// check that has not run yet.
func axwayWords(words []string) (vitals.Status, error) {
	s := vitals.StatusUnknown
	for i, w := range words {
		ws, err := axwayWord(w)
		if err != nil {
			return vitals.StatusUnknown, err
		}
		if i == 0 {
			s = ws
		}
		s = worst(s, ws)
	}
	return s, nil
}

// axwayWord reads "OK" or "FAIL"; "" is a check that has not run yet.
func axwayWord(w string) (vitals.Status, error) {
	if w == "" {
		return vitals.StatusUnknown, nil
	}
	return parseWord(w)
}

// --- go-tabbyapi / TabbyAPI: {"status":"ok"|"healthy"|"unhealthy","issues":[{"time","description"}]} ---

func parseTabby(r *Report, body []byte) error {
	rd, d := readBody(body)
	r.Status = rd.status(requiredWords(rd.strs(d, "status")))
	for _, is := range slices.Concat(read[[]object](rd, d, "issues")...) {
		times := rd.strs(is, "time")
		desc := rd.text(is, "description")
		r.Issues = append(r.Issues, Issue{Time: parseTime(first(times)), Description: desc})
	}
	return rd.err
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

func parseKiviGo(r *Report, body []byte) error {
	rd, d := readBody(body)
	s := rd.status(worstWord(rd.strs(d, "status")))
	backends := rd.strs(d, "backend")
	r.Status = s
	r.Checks = append(r.Checks, Check{Name: first(backends), Status: s, Message: rd.text(d, "error")})
	return rd.err
}
