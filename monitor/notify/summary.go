package notify

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// status is the message's status: "firing" when any of its alerts is not
// resolved (a reminder is news of an open incident), else "resolved".
func status(m Message) string {
	for _, a := range m.Alerts {
		if a.Kind != Resolved {
			return string(Firing)
		}
	}
	return string(Resolved)
}

// severity is a's severity, "critical" when unset (the monitor's default).
func severity(a Alert) string {
	if a.Severity == "" {
		return "critical"
	}
	return a.Severity
}

// label is how the text channels head an alert: FIRING, REMINDER 2,
// RESOLVED.
func label(a Alert) string {
	switch a.Kind {
	case Reminder:
		return fmt.Sprintf("REMINDER %d", a.Reminder)
	case "":
		return "FIRING"
	}
	return strings.ToUpper(string(a.Kind))
}

// headline is one alert on one line: "[FIRING] api: connection refused".
func headline(a Alert) string {
	s := fmt.Sprintf("[%s] %s", label(a), a.Target)
	if a.Message != "" {
		s += ": " + oneLine(a.Message)
	}
	return s
}

// summary says what m holds on one line: the headline of its only alert,
// or the count of each kind and the targets.
func summary(m Message) string {
	switch len(m.Alerts) {
	case 0:
		return "vitals: no alerts"
	case 1:
		return headline(m.Alerts[0])
	}
	var counts []string
	for _, k := range []Kind{Firing, Reminder, Resolved} {
		n := 0
		for _, a := range m.Alerts {
			if a.Kind == k {
				n++
			}
		}
		if n > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", n, k))
		}
	}
	targets := make([]string, 0, len(m.Alerts))
	for _, a := range m.Alerts {
		targets = append(targets, a.Target)
	}
	return fmt.Sprintf("[%s] %d alerts, %s: %s", strings.ToUpper(status(m)), len(m.Alerts),
		strings.Join(counts, ", "), strings.Join(targets, ", "))
}

// when says when a's news happened and since when the incident is open.
func when(a Alert) string {
	switch {
	case a.At.IsZero() && a.Since.IsZero():
		return ""
	case a.Since.IsZero():
		return "at " + stamp(a.At)
	case a.At.IsZero():
		return "open since " + stamp(a.Since)
	case !a.At.After(a.Since):
		return "open since " + stamp(a.Since)
	case a.Kind == Resolved:
		return fmt.Sprintf("resolved at %s after %s", stamp(a.At), a.At.Sub(a.Since).Round(time.Second))
	}
	return fmt.Sprintf("open since %s (%s)", stamp(a.Since), a.At.Sub(a.Since).Round(time.Second))
}

// stamp is t in RFC 3339, UTC, to the second.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// oneLine folds s's line breaks and runs of blanks into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// truncate cuts s to at most n bytes, on a rune boundary, marking the cut
// with "…". Providers refuse or cut fields longer than their limits.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ell = "…"
	cut := n - len(ell)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ell
}
