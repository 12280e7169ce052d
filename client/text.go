package client

import (
	"bytes"
	"strings"

	"github.com/vitalsgo/vitals"
)

// parseKubernetes reads the Kubernetes healthz text: "ok" alone, or the
// ?verbose lines
//
//	[+]disk ok
//	[+]cache ok (warn: hit rate 41%)
//	[+]db excluded: ok
//	[-]db failed: reason withheld
//	warn: some health checks cannot be excluded: no matches for "x"
//	readyz check failed
//
// It reports false, leaving r alone, for a body with none of these lines.
// The "check passed" or "check failed" line decides the status (failed,
// when a body has both); without one a "[-]" line fails the report. A
// passing report with a warning check is Warn. A check listed twice is
// the worse of its lines.
func parseKubernetes(r *Report, body []byte) bool {
	if string(body) == "ok" {
		r.Status = vitals.StatusPass
		if r.Code < 200 || r.Code > 299 {
			r.Status = statusFromCode(r.Code)
		}
		return true
	}
	var (
		checks   []Check
		warnings []string
		verdict  = -1 // -1 none, 0 failed, 1 passed
		failing  bool
	)
	for line := range bytes.Lines(body) {
		l := strings.TrimRight(string(line), "\r\n")
		switch {
		case strings.HasPrefix(l, "[+]"), strings.HasPrefix(l, "[-]"):
			c := k8sLine(l)
			failing = failing || c.Status == vitals.StatusFail
			checks = append(checks, c)
		case strings.HasPrefix(l, "warn: "):
			warnings = append(warnings, clean(l[len("warn: "):]))
		case strings.HasSuffix(l, " check passed") && !strings.Contains(l[:len(l)-len(" check passed")], " "):
			if verdict < 0 { // a body that also says failed has failed
				verdict = 1
			}
		case strings.HasSuffix(l, " check failed") && !strings.Contains(l[:len(l)-len(" check failed")], " "):
			verdict = 0
		}
	}
	if len(checks) == 0 && verdict < 0 {
		return false
	}
	r.Checks, r.Message = checks, strings.Join(warnings, "; ")
	switch {
	case verdict == 0, verdict < 0 && failing:
		r.Status = vitals.StatusFail
		return true
	}
	r.Status = vitals.StatusPass
	for _, c := range checks {
		r.Status = worst(r.Status, c.Status)
	}
	if r.Status == vitals.StatusFail {
		// "passed" with a failing line: the verdict speaks for the
		// endpoint, the line for its check.
		r.Status = vitals.StatusWarn
	}
	return true
}

// k8sLine reads one "[+]name …" or "[-]name failed: reason" line.
func k8sLine(l string) Check {
	ok := l[1] == '+'
	name, rest, _ := strings.Cut(l[3:], " ")
	c := Check{Name: name, Status: boolStatus(ok)}
	switch {
	case !ok:
		c.Message = clean(strings.TrimPrefix(rest, "failed: "))
	case strings.HasPrefix(rest, "excluded"):
		c.Message = "excluded"
	case rest == "ok (warn)":
		c.Status = vitals.StatusWarn
	case strings.HasPrefix(rest, "ok (warn: "):
		c.Status = vitals.StatusWarn
		c.Message = clean(strings.TrimSuffix(strings.TrimPrefix(rest, "ok (warn: "), ")"))
	}
	return c
}
