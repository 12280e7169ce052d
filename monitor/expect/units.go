package expect

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// durationUnits are Go's units plus days and weeks, which certificate
// lifetimes are counted in. A day is 24 hours: the condition compares
// elapsed time, not calendar dates.
var durationUnits = map[string]int64{
	"ns": 1,
	"us": int64(time.Microsecond),
	"µs": int64(time.Microsecond), // U+00B5, as time.Duration.String writes it
	"μs": int64(time.Microsecond), // U+03BC
	"ms": int64(time.Millisecond),
	"s":  int64(time.Second),
	"m":  int64(time.Minute),
	"h":  int64(time.Hour),
	"d":  24 * int64(time.Hour),
	"w":  7 * 24 * int64(time.Hour),
}

// sizeUnits are matched in lower case: "10KB", "10kB" and "10kb" are all
// 10 000 bytes, "10KiB" is 10 240. A unit is always needed, and B is
// always bytes (never bits).
var sizeUnits = map[string]int64{
	"b":   1,
	"kb":  1e3,
	"mb":  1e6,
	"gb":  1e9,
	"tb":  1e12,
	"pb":  1e15,
	"kib": 1 << 10,
	"mib": 1 << 20,
	"gib": 1 << 30,
	"tib": 1 << 40,
	"pib": 1 << 50,
}

const (
	durationUnitList = "ns us ms s m h d w"
	sizeUnitList     = "B KB MB GB TB PB KiB MiB GiB TiB PiB"
)

// isSizeUnit reports whether the letters after a number's digits name a
// size: they end in 'B' or 'b', which no duration unit does.
func isSizeUnit(unit string) bool {
	return unit != "" && (unit[len(unit)-1] == 'B' || unit[len(unit)-1] == 'b')
}

// ParseDuration reads a duration as Go's time.ParseDuration does, with
// the units d (24h) and w (7d) added: "300ms", "1h30m", "14d", "1d12h",
// "-1.5h". A bare "0" is zero. The configuration's long durations
// (retention) are read with it too.
func ParseDuration(s string) (time.Duration, error) {
	neg, rest := cutSign(s)
	if rest == "0" {
		return 0, nil
	}
	if rest == "" {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	total := new(big.Int)
	for rest != "" {
		num, unit, tail := splitUnit(rest)
		if num == "" {
			return 0, fmt.Errorf("invalid duration %q: want a number before %q", s, unit)
		}
		scale, ok := durationUnits[unit]
		if !ok {
			return 0, unknownUnit(s, unit)
		}
		v, err := scaled(num, scale)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: %v", s, err)
		}
		// Truncated toward zero, as time.ParseDuration reads "1.5ns".
		total.Add(total, new(big.Int).Quo(v.Num(), v.Denom()))
		rest = tail
	}
	if neg {
		total.Neg(total)
	}
	if !total.IsInt64() {
		return 0, fmt.Errorf("duration %q is out of range (about ±292 years)", s)
	}
	return time.Duration(total.Int64()), nil
}

// parseSize reads a byte size: a number and one unit, "512B", "1.5MiB".
// A bare "0" is zero bytes.
func parseSize(s string) (int64, error) {
	if s == "0" {
		return 0, nil
	}
	num, unit, tail := splitUnit(s)
	scale, ok := sizeUnits[strings.ToLower(unit)]
	switch {
	case strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+"):
		return 0, fmt.Errorf("invalid size %q: sizes have no sign", s)
	case num == "" || tail != "":
		return 0, fmt.Errorf("invalid size %q: want a number and one unit (%s)", s, sizeUnitList)
	case !ok:
		return 0, unknownUnit(s, unit)
	}
	v, err := scaled(num, scale)
	switch {
	case err != nil:
		return 0, fmt.Errorf("invalid size %q: %v", s, err)
	case !v.IsInt():
		return 0, fmt.Errorf("size %q is not a whole number of bytes", s)
	case !v.Num().IsInt64():
		return 0, fmt.Errorf("size %q is out of range", s)
	}
	return v.Num().Int64(), nil
}

func cutSign(s string) (neg bool, rest string) {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		return s[0] == '-', s[1:]
	}
	return false, s
}

// splitUnit splits s into a leading decimal number, the unit letters
// after it, and the rest.
func splitUnit(s string) (num, unit, rest string) {
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		i++
	}
	j := i
	for j < len(s) && !isDigit(s[j]) && s[j] != '.' {
		j++
	}
	return s[:i], s[i:j], s[j:]
}

// scaled returns the decimal num ("12", "1.5", ".5") times scale.
func scaled(num string, scale int64) (*big.Rat, error) {
	whole, frac, _ := strings.Cut(num, ".")
	if whole == "" && frac == "" || strings.Contains(frac, ".") {
		return nil, fmt.Errorf("bad number %q", num)
	}
	r, ok := new(big.Rat).SetString(cmpOr(whole, "0") + "." + cmpOr(frac, "0"))
	if !ok {
		return nil, fmt.Errorf("bad number %q", num)
	}
	return r.Mul(r, new(big.Rat).SetInt64(scale)), nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func unknownUnit(lit, unit string) error {
	if unit == "" {
		return fmt.Errorf("%q needs a unit", lit)
	}
	return fmt.Errorf("unknown unit %q in %q; durations use %s, sizes %s", unit, lit, durationUnitList, sizeUnitList)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// formatDuration writes d as a duration literal reads: Go's form, with
// whole days as "d" and the zero units dropped ("13d4h", "1h30m", "412ms").
func formatDuration(d time.Duration) string {
	if d < 0 {
		if d == time.Duration(-1<<63) {
			return "-106751d23h47m16.854775808s"
		}
		return "-" + formatDuration(-d)
	}
	const day = 24 * time.Hour
	s := ""
	if d >= day {
		s = strconv.FormatInt(int64(d/day), 10) + "d"
		if d %= day; d == 0 {
			return s
		}
	}
	t := d.String()
	if strings.HasSuffix(t, "m0s") {
		t = strings.TrimSuffix(t, "0s")
	}
	if strings.HasSuffix(t, "h0m") {
		t = strings.TrimSuffix(t, "0m")
	}
	return s + t
}

// showDuration writes got, rounded as coarsely as its size allows while
// the comparison that failed still visibly fails: "was 412ms" rather than
// "was 412.337051ms", but never "latency < 300ms: was 300ms", nor a
// rounded value equal to want that got is not ("latency > 2s: was 2s").
func showDuration(got, want time.Duration, fails func(time.Duration) bool) string {
	abs := got
	if abs < 0 {
		abs = -abs
	}
	for _, unit := range []time.Duration{time.Hour, time.Minute, time.Second, time.Millisecond, time.Microsecond} {
		if abs < 0 || unit > abs/100 {
			continue // too coarse for the value: 412ms is not 0s
		}
		if r := got.Round(unit); fails(r) && (r != want || got == want) {
			return formatDuration(r)
		}
	}
	return formatDuration(got)
}
