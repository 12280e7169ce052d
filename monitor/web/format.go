package web

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/store"
)

// word is how the pages name a status: StatusUnknown is "no data", never
// a failure.
func word(s vitals.Status) string {
	switch s {
	case vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail:
		return s.String()
	}
	return "no data"
}

// class is the CSS class and data-status value of a status: its vitals
// word (pass, warn, fail, unknown).
func class(s vitals.Status) string {
	switch s {
	case vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail:
		return s.String()
	}
	return "unknown"
}

// clock formats a time as the pages show it, in UTC and to the minute;
// the exact time goes into a datetime or title attribute.
func clock(t time.Time) string {
	return t.UTC().Format("Jan 2 15:04 UTC")
}

// stamp formats a time to the second, for lists of results.
func stamp(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05")
}

// exact formats a time for datetime attributes and JSON.
func exact(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// latency formats a latency with two or three significant digits.
func latency(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return strconv.FormatInt(d.Microseconds(), 10) + " µs"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + " ms"
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
}

// span formats a length of time in its two largest units: "3d 4h",
// "2h 5m", "45s".
func span(d time.Duration) string {
	d = d.Round(time.Second)
	units := [...]struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	for i, u := range units {
		if d < u.d && i < len(units)-1 {
			continue
		}
		s := strconv.FormatInt(int64(d/u.d), 10) + u.name
		if i+1 < len(units) {
			next := units[i+1]
			if n := d % u.d / next.d; n > 0 {
				s += " " + strconv.FormatInt(int64(n), 10) + next.name
			}
		}
		return s
	}
	return ""
}

// window names an uptime window: "24h", "7d", "30d", "90d".
func window(d time.Duration) string {
	if d%(24*time.Hour) == 0 && d >= 48*time.Hour {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
}

// percent formats an uptime ratio, rounded down so that an outage never
// shows as 100%; "" for no data (a ratio of -1).
func percent(ratio float64) string {
	switch {
	case ratio < 0:
		return ""
	case ratio >= 1:
		return "100%"
	}
	return strconv.FormatFloat(math.Floor(ratio*10000)/100, 'f', 2, 64) + "%"
}

// breakdown describes where an uptime's window went: "down 5m · no data 2h".
func breakdown(u store.Uptime) string {
	var parts []string
	add := func(what string, d time.Duration) {
		if d >= time.Second {
			parts = append(parts, what+" "+span(d))
		}
	}
	add("up", u.Up-u.Degraded)
	add("degraded", u.Degraded)
	add("down", u.Down)
	add("no data", u.NoData)
	return strings.Join(parts, " · ")
}
