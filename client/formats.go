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

func parseVitals(r *Report, body []byte) error {
	var d object
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	words, err := d.strs("status")
	if err != nil {
		return err
	}
	s, err := worstWord(words)
	if err != nil {
		return err
	}
	names, err := d.strs("name")
	if err != nil {
		return err
	}
	msg, err := d.text("message")
	if err != nil {
		return err
	}
	groups, err := all[object](d, "checks")
	if err != nil {
		return err
	}
	r.Status = s
	if len(groups) == 0 && first(names) != "" {
		r.Checks = append(r.Checks, Check{Name: first(names), Status: s, Message: msg})
		return nil
	}
	r.Message = msg
	for _, g := range groups {
		for _, m := range g {
			var c object
			if err := json.Unmarshal(m.value, &c); err != nil {
				return err
			}
			words, err := c.strs("status")
			if err != nil {
				return err
			}
			cm, err := c.text("message")
			if err != nil {
				return err
			}
			st, cm := checkWords(words, cm)
			r.Checks = append(r.Checks, Check{Name: m.key, Status: st, Message: cm})
		}
	}
	return nil
}

// --- IETF application/health+json ---

func parseIETF(r *Report, body []byte) error {
	var d object
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	words, err := d.strs("status")
	if err != nil {
		return err
	}
	s, err := requiredWords(words)
	if err != nil {
		return err
	}
	out, err := d.text("output")
	if err != nil {
		return err
	}
	checks, err := d.members("checks")
	if err != nil {
		return err
	}
	r.Status, r.Message = s, out
	// A key is "component:measurement"; one component may have several
	// measurements and one measurement a reading per node. The check is
	// the component, and its worst reading speaks for it, so a report
	// names checks alike whether it came as IETF or in another format.
	slices.SortStableFunc(checks, func(a, b member) int { return strings.Compare(a.key, b.key) })
	byName := map[string]int{}
	for _, m := range checks {
		var readings []object
		if err := json.Unmarshal(m.value, &readings); err != nil {
			return err
		}
		name, _, _ := strings.Cut(m.key, ":")
		i, seen := byName[name]
		if !seen {
			i = len(r.Checks)
			byName[name] = i
			r.Checks = append(r.Checks, Check{Name: name})
		}
		c := &r.Checks[i]
		for j, n := range readings {
			words, err := n.strs("status")
			if err != nil {
				return err
			}
			out, err := n.text("output")
			if err != nil {
				return err
			}
			st, msg := checkWords(words, out)
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
	var d object
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	msg, err := d.text("message")
	if err != nil {
		return err
	}
	ready, err := all[bool](d, "ready")
	if err != nil {
		return err
	}
	live, err := all[bool](d, "live")
	if err != nil {
		return err
	}
	checks, err := d.members("checks")
	if err != nil {
		return err
	}
	words, err := d.strs("status")
	if err != nil {
		return err
	}
	r.Message = msg
	allHealthy := true
	for _, m := range checks {
		var c object
		if err := json.Unmarshal(m.value, &c); err != nil {
			return err
		}
		healthy, err := all[bool](c, "healthy")
		if err != nil {
			return err
		}
		cm, err := c.text("message")
		if err != nil {
			return err
		}
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
	case len(words) > 0:
		s, err := worstWord(words)
		if err != nil {
			return err
		}
		r.Status = s
	case readyGiven:
		r.Status = boolStatus(readyOK)
	case liveGiven:
		r.Status = boolStatus(liveOK)
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

func parseRegiocom(r *Report, body []byte) error {
	var d object
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	ready, err := all[bool](d, "ready")
	if err != nil {
		return err
	}
	alive, err := all[bool](d, "alive")
	if err != nil {
		return err
	}
	reasons, err := all[[]string](d, "reasons")
	if err != nil {
		return err
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
	var d object
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	words, err := d.strs("status")
	if err != nil {
		return err
	}
	msgKey := "statusDetail" // the /status document
	if len(words) == 0 {
		if words, err = d.strs("result"); err != nil {
			return err
		}
		msgKey = "details"
	}
	s, err := axwayWords(words)
	if err != nil {
		return err
	}
	msg, err := d.text(msgKey)
	if err != nil {
		return err
	}
	checks, err := d.members("statusChecks")
	if err != nil {
		return err
	}
	r.Status, r.Message = s, msg
	for _, m := range checks {
		var c object
		if err := json.Unmarshal(m.value, &c); err != nil {
			return err
		}
		if _, err := c.strs("name"); err != nil {
			return err
		}
		sts, err := all[object](c, "status")
		if err != nil {
			return err
		}
		var results, details []string
		for _, st := range sts {
			res, err := st.strs("result")
			if err != nil {
				return err
			}
			det, err := st.strs("details")
			if err != nil {
				return err
			}
			results, details = append(results, res...), append(details, det...)
		}
		cs, err := axwayWords(results)
		cm := joinText(details)
		if err != nil && cm == "" {
			cm = err.Error()
		}
		r.Checks = append(r.Checks, Check{Name: m.key, Status: cs, Message: cm})
	}
	return nil
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
	var d object
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	words, err := d.strs("status")
	if err != nil {
		return err
	}
	s, err := requiredWords(words)
	if err != nil {
		return err
	}
	issues, err := all[[]object](d, "issues")
	if err != nil {
		return err
	}
	r.Status = s
	for _, is := range slices.Concat(issues...) {
		times, err := is.strs("time")
		if err != nil {
			return err
		}
		desc, err := is.text("description")
		if err != nil {
			return err
		}
		r.Issues = append(r.Issues, Issue{Time: parseTime(first(times)), Description: desc})
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

func parseKiviGo(r *Report, body []byte) error {
	var d object
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	words, err := d.strs("status")
	if err != nil {
		return err
	}
	s, err := worstWord(words)
	if err != nil {
		return err
	}
	backends, err := d.strs("backend")
	if err != nil {
		return err
	}
	msg, err := d.text("error")
	if err != nil {
		return err
	}
	r.Status = s
	r.Checks = append(r.Checks, Check{Name: first(backends), Status: s, Message: msg})
	return nil
}
