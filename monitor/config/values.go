package config

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// value converts the node of field f to f's kind. Errors quote the value
// only for fields that cannot hold a secret.
func (d *decoder) value(f Field, n ast.Node, path string) (any, bool) {
	switch f.Kind {
	case KindStrings:
		return d.list(f, n, path, func(s string) (any, string) { return s, "" })
	case KindInts:
		return d.list(f, n, path, func(s string) (any, string) {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return nil, "is not an integer"
			}
			return v, ""
		})
	case KindMap:
		return d.stringMap(f, n, path)
	}
	s, ok := d.scalar(n, path)
	if !ok {
		return nil, false
	}
	v, problem := convert(f.Kind, s)
	if problem != "" {
		d.bad(f, n, path, s, problem)
		return nil, false
	}
	return v, true
}

// bad reports a value that does not convert. A value that came from the
// environment is shown as written in the file ("${DB_TIMEOUT}"): a variable
// may hold a secret, and a misplaced one must not reach the error.
func (d *decoder) bad(f Field, n ast.Node, path, s, problem string) {
	if raw, _ := scalarText(n); raw != s {
		s = raw
	}
	if f.Secret {
		d.errs.add(lineOf(n), path, "the value %s", problem)
	} else {
		d.errs.add(lineOf(n), path, "%s %s", quote(s), problem)
	}
}

// convert converts the text of a scalar; problem says what is wrong with it.
func convert(k Kind, s string) (v any, problem string) {
	switch k {
	case KindString:
		return s, ""
	case KindBool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			return true, ""
		case "false":
			return false, ""
		}
		return nil, "is not a boolean (true or false)"
	case KindInt:
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return nil, "is not an integer"
		}
		if n < 0 {
			return nil, "must not be negative"
		}
		return n, ""
	case KindFloat:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, "is not a number"
		}
		if f < 0 {
			return nil, "must not be negative"
		}
		return f, ""
	case KindDuration:
		return parseDuration(strings.TrimSpace(s))
	case KindBytes:
		return parseBytes(strings.TrimSpace(s))
	}
	return nil, "has an unsupported kind"
}

func parseDuration(s string) (any, string) {
	if _, err := strconv.ParseFloat(s, 64); err == nil && s != "0" {
		return nil, "is not a duration (add a unit: " + s + "s, " + s + "ms)"
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return nil, "is not a duration (e.g. 500ms, 2s, 1m30s)"
	case d < 0:
		return nil, "must not be negative"
	case d > maxDuration:
		return nil, "is longer than a week"
	}
	return d, ""
}

var byteUnits = []struct {
	suffix string
	mult   float64
}{
	// Longest suffixes first, so "MiB" is not read as "B".
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40},
	{"b", 1},
}

func parseBytes(s string) (any, string) {
	const problem = "is not a byte size (e.g. 1073741824, 512MiB, 10GB)"
	num, mult := strings.ToLower(s), 1.0
	for _, u := range byteUnits {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, problem
	}
	if f < 0 {
		return nil, "must not be negative"
	}
	v := f * mult
	if v >= math.MaxUint64 {
		return nil, "is too large"
	}
	return uint64(v), ""
}

// list converts a sequence of scalars, or one scalar, with conv.
func (d *decoder) list(f Field, n ast.Node, path string, conv func(string) (any, string)) (any, bool) {
	var items []ast.Node
	if seq, ok := unwrap(n).(*ast.SequenceNode); ok {
		items = seq.Values
	} else {
		items = []ast.Node{n}
	}
	var strs []string
	var ints []int
	ok := true
	for i, item := range items {
		itemPath := path
		if isSeq(n) {
			itemPath = path + "[" + strconv.Itoa(i) + "]"
		}
		s, good := d.scalar(item, itemPath)
		if !good {
			ok = false
			continue
		}
		v, problem := conv(s)
		if problem != "" {
			d.bad(f, item, itemPath, s, problem)
			ok = false
			continue
		}
		switch v := v.(type) {
		case string:
			strs = append(strs, v)
		case int:
			ints = append(ints, v)
		}
	}
	if !ok {
		return nil, false
	}
	if f.Kind == KindInts {
		return ints, true
	}
	return strs, true
}

func isSeq(n ast.Node) bool {
	_, ok := unwrap(n).(*ast.SequenceNode)
	return ok
}

func (d *decoder) stringMap(f Field, n ast.Node, path string) (any, bool) {
	pairs, ok := d.mapping(n, path)
	if !ok {
		return nil, false
	}
	m := make(map[string]string, len(pairs))
	for _, p := range pairs {
		s, good := d.scalar(p.value, path+"."+p.key)
		if !good {
			ok = false
			continue
		}
		m[p.key] = s
	}
	return m, ok
}
