package api

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

const (
	day  = 24 * time.Hour
	week = 7 * day

	// MaxWindow bounds uptime windows and relative times: hour rollups,
	// the coarsest history but days, are kept 400 days by default, and a
	// bound keeps a query from scanning a database's whole history.
	MaxWindow = 400 * day

	// maxUnix is 9999-12-31T23:59:59Z, the last second RFC 3339 can write.
	maxUnix = 253402300799
)

// spanUnits are the units of a span, the only ones it accepts.
var spanUnits = map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': day, 'w': week}

// parseSpan reads a span: one or more whole numbers, each with a unit of
// s, m, h, d (24 h) or w (7 d), as in "90m", "1d12h" or "2w"; it is
// positive and at most MaxWindow. Go's time.ParseDuration is not used: it
// has no days, which every uptime window is counted in, and reads
// fractions and signs a query has no use for.
func parseSpan(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("empty")
	}
	var total time.Duration
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		if j == i || j == len(s) {
			return 0, errors.New("want whole numbers, each with a unit of s, m, h, d or w")
		}
		unit, ok := spanUnits[s[j]]
		if !ok {
			return 0, fmt.Errorf("unknown unit %q; want s, m, h, d or w", s[j:j+1])
		}
		// A count past what MaxWindow holds of its unit cannot be valid;
		// stopping there keeps the multiplication from overflowing.
		n, err := strconv.ParseInt(s[i:j], 10, 64)
		if err != nil || n > int64(MaxWindow/unit) {
			return 0, errTooLong
		}
		total += time.Duration(n) * unit
		if total > MaxWindow {
			return 0, errTooLong
		}
		i = j + 1
	}
	if total <= 0 {
		return 0, errors.New("must be more than zero")
	}
	return total, nil
}

var errTooLong = fmt.Errorf("longer than the limit of %s", formatSpan(MaxWindow))

// formatSpan writes a span the way parseSpan reads it, largest units first:
// "90m" is "1h30m". Days start at two, so that the standard windows read as
// they are named: "24h", "7d", "30d", "90d"; 36 hours is "36h".
func formatSpan(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{day, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if u.unit == day && d < 2*day {
			continue
		}
		if n := d / u.unit; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.name)
			d -= n * u.unit
		}
	}
	if d > 0 {
		// Below a second: not a span parseSpan reads, but say what it is.
		b.WriteString(d.String())
	}
	return b.String()
}

// parseTime reads a since or until parameter at now: an RFC 3339 time
// ("2025-06-01T12:00:00Z", fractions and offsets allowed), unix seconds
// ("1748779200"), "now", or a span back from now ("90m", "7d"). A "+" in an
// offset that a query string turned into a space is read as the "+" it was.
func parseTime(s string, now time.Time) (time.Time, error) {
	switch {
	case s == "":
		return time.Time{}, errors.New("empty")
	case s == "now":
		return now, nil
	case allDigits(s):
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > maxUnix {
			return time.Time{}, errors.New("unix seconds past the year 9999")
		}
		return time.Unix(n, 0).UTC(), nil
	case strings.ContainsAny(s, "-:"):
		t, err := time.Parse(time.RFC3339Nano, strings.ReplaceAll(s, " ", "+"))
		if err != nil {
			return time.Time{}, errors.New("not an RFC 3339 time such as 2025-06-01T12:00:00Z")
		}
		return t, nil
	}
	d, err := parseSpan(s)
	if errors.Is(err, errTooLong) {
		return time.Time{}, fmt.Errorf("a span back from now %w", err)
	}
	if err != nil {
		return time.Time{}, errors.New("want an RFC 3339 time, unix seconds, now, or a span back from now such as 24h or 7d")
	}
	return now.Add(-d), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseLimit reads a limit parameter: a whole number from 1 to max.
func parseLimit(s string, max int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, fmt.Errorf("want a whole number from 1 to %d", max)
	}
	return n, nil
}
