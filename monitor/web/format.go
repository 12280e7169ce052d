package web

import (
	"math"
	"strconv"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/store"
)

// The formats come in pairs: appendX appends to a byte slice, for rows
// (see appendRow), and x returns a string, for templates. None of them
// writes a character that HTML escapes.

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

// appendClock appends a time as the pages show it, in UTC and to the
// minute; the exact time goes into a datetime or title attribute.
func appendClock(b []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(b, "Jan 2 15:04 UTC")
}

func clock(t time.Time) string { return string(appendClock(nil, t)) }

// stamp formats a time to the second, for lists of results.
func stamp(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05")
}

// appendExact appends a time for datetime attributes and JSON.
func appendExact(b []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(b, time.RFC3339Nano)
}

func exact(t time.Time) string { return string(appendExact(nil, t)) }

// appendLatency appends a latency with two or three significant digits.
func appendLatency(b []byte, d time.Duration) []byte {
	switch {
	case d < time.Millisecond:
		return append(strconv.AppendInt(b, d.Microseconds(), 10), " µs"...)
	case d < 10*time.Millisecond:
		return append(strconv.AppendFloat(b, float64(d)/1e6, 'f', 1, 64), " ms"...)
	case d < time.Second:
		return append(strconv.AppendInt(b, d.Milliseconds(), 10), " ms"...)
	case d < 10*time.Second:
		return append(strconv.AppendFloat(b, d.Seconds(), 'f', 2, 64), " s"...)
	}
	return append(strconv.AppendFloat(b, d.Seconds(), 'f', 1, 64), " s"...)
}

func latency(d time.Duration) string { return string(appendLatency(nil, d)) }

var spanUnits = [...]struct {
	d    time.Duration
	name byte
}{{24 * time.Hour, 'd'}, {time.Hour, 'h'}, {time.Minute, 'm'}, {time.Second, 's'}}

// appendSpan appends a length of time in its two largest units: "3d 4h",
// "2h 5m", "45s".
func appendSpan(b []byte, d time.Duration) []byte {
	d = d.Round(time.Second)
	for i, u := range spanUnits {
		if d < u.d && i < len(spanUnits)-1 {
			continue
		}
		b = append(strconv.AppendInt(b, int64(d/u.d), 10), u.name)
		if i+1 < len(spanUnits) {
			next := spanUnits[i+1]
			if n := d % u.d / next.d; n > 0 {
				b = append(strconv.AppendInt(append(b, ' '), int64(n), 10), next.name)
			}
		}
		break
	}
	return b
}

func span(d time.Duration) string { return string(appendSpan(nil, d)) }

// window names an uptime window: "24h", "7d", "30d", "90d".
func window(d time.Duration) string {
	if d%(24*time.Hour) == 0 && d >= 48*time.Hour {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
}

// appendPercent appends an uptime ratio, rounded down so that an outage
// never shows as 100%, and nothing for no data (a ratio of -1).
func appendPercent(b []byte, ratio float64) []byte {
	switch {
	case ratio < 0:
		return b
	case ratio >= 1:
		return append(b, "100%"...)
	}
	return append(strconv.AppendFloat(b, math.Floor(ratio*10000)/100, 'f', 2, 64), '%')
}

func percent(ratio float64) string { return string(appendPercent(nil, ratio)) }

// appendBreakdown appends where an uptime's window went:
// "up 2h · down 5m · no data 2h".
func appendBreakdown(b []byte, u store.Uptime) []byte {
	start := len(b)
	add := func(what string, d time.Duration) {
		if d >= time.Second {
			if len(b) > start {
				b = append(b, " · "...)
			}
			b = appendSpan(append(append(b, what...), ' '), d)
		}
	}
	add("up", u.Up-u.Degraded)
	add("degraded", u.Degraded)
	add("down", u.Down)
	add("no data", u.NoData)
	add("maintenance", u.Maintenance)
	return b
}

func breakdown(u store.Uptime) string { return string(appendBreakdown(nil, u)) }
