package expect

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/vitalsgo/vitals/internal/excerpt"
	"github.com/vitalsgo/vitals/redact"
)

// evalJSON applies e's operator to v, the JSON value at the body path.
func (e *Expr) evalJSON(v any) error {
	switch e.op {
	case opMatches:
		s, ok := v.(string)
		if !ok {
			return e.mismatch(v, "a string")
		}
		if e.val.re.MatchString(s) {
			return nil
		}
		return e.fail("was " + e.showJSON(v))
	case opContains:
		return e.evalContains(v)
	}
	c, want := e.compareJSON(v)
	if want != "" {
		return e.mismatch(v, want)
	}
	if e.op.holds(c) {
		return nil
	}
	return e.fail("was " + e.showJSON(v))
}

// evalContains looks for the value in a string, or among an array's
// elements.
func (e *Expr) evalContains(v any) error {
	switch x := v.(type) {
	case string:
		if e.val.kind != litString {
			return e.mismatch(v, "an array")
		}
		if strings.Contains(x, e.val.s) {
			return nil
		}
		return e.fail("was " + e.showJSON(v))
	case []any:
		for _, el := range x {
			if c, want := e.compareJSON(el); want == "" && c == 0 {
				return nil
			}
		}
		return e.fail(fmt.Sprintf("not among the %d elements of the array", len(x)))
	}
	return e.mismatch(v, "a string or an array")
}

// compareJSON compares v with e's value as cmp.Compare does. When v's
// type cannot be compared with the value, want names the type it needed.
// Unequal values that do not order (strings, booleans, null) give 1.
func (e *Expr) compareJSON(v any) (c int, want string) {
	lit := &e.val
	switch lit.kind {
	case litInt, litFloat:
		if n, ok := v.(json.Number); ok {
			return compareNumber(n, lit), ""
		}
		return 0, "a number"
	case litSize:
		switch x := v.(type) {
		case json.Number: // a number of bytes, as Spring Boot's diskSpace gives them
			return compareNumber(x, lit), ""
		case string:
			if n, err := parseSize(x); err == nil {
				return cmp.Compare(n, lit.i), ""
			}
			return 0, "a size such as \"10KB\""
		}
		return 0, "a number of bytes or a size"
	case litDuration:
		switch x := v.(type) {
		case json.Number:
			return 0, "a duration (a JSON number has no unit; compare it with a number)"
		case string:
			if d, err := ParseDuration(x); err == nil {
				return cmp.Compare(int64(d), lit.i), ""
			}
			return 0, "a duration such as \"300ms\""
		}
		return 0, "a duration"
	case litString:
		if s, ok := v.(string); ok {
			return strings.Compare(s, lit.s), ""
		}
		return 0, "a string"
	case litBool:
		if b, ok := v.(bool); ok {
			return unequal(b != lit.b), ""
		}
		return 0, "a boolean"
	}
	return unequal(v != nil), "" // null
}

func unequal(b bool) int {
	if b {
		return 1
	}
	return 0
}

// compareNumber compares a JSON number with a number or size literal:
// exactly when both are integers, else as float64 (a number too large for
// one is ±Inf and still compares right).
func compareNumber(n json.Number, lit *literal) int {
	if lit.kind != litFloat {
		if i, err := n.Int64(); err == nil {
			return cmp.Compare(i, lit.i)
		}
	}
	f, _ := strconv.ParseFloat(n.String(), 64)
	want := lit.f
	if lit.kind != litFloat {
		want = float64(lit.i)
	}
	return cmp.Compare(f, want)
}

// mismatch fails e for a JSON value of a type the condition cannot use.
func (e *Expr) mismatch(v any, want string) error {
	switch v.(type) {
	case map[string]any, []any, nil:
		return e.fail(fmt.Sprintf("is %s, not %s", describe(v), want))
	}
	return e.fail(fmt.Sprintf("was %s: %s, not %s", e.showJSON(v), describe(v), want))
}

// showJSON writes a JSON value seen at the body path for a message.
func (e *Expr) showJSON(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(show(e.secretKey(), x))
	case json.Number:
		return show(e.secretKey(), x.String())
	case bool:
		return strconv.FormatBool(x)
	}
	return describe(v)
}

// maxShown is the most bytes of a value a message shows, before "…".
const maxShown = 80

// clipBytes bounds the text redacted for a message: a megabyte body costs
// the redaction of 4 KiB.
const clipBytes = 4 << 10

// show prepares a value from the response for a message: redacted, and
// cut to maxShown bytes. The value of a secret key (a header such as
// Authorization or X-Api-Key, a JSON key such as password) is not shown
// at all: redaction finds secrets by their key, which a lone value lacks.
func show(key, v string) string {
	if key != "" && secretName(key) {
		return redact.Marker
	}
	if len(v) > clipBytes {
		// Cut where a secret's match would stop anyway, so no secret is
		// cut short of its rule and shown (see package excerpt).
		v = v[:clipBytes]
		if i := strings.LastIndexAny(v, " \t\n\"<>"); i >= 0 {
			v = v[:i+1]
		}
		v += excerpt.Ellipsis
	}
	return excerpt.Shorten(redact.String(v), maxShown)
}

// head returns the start of a body, enough for show to know it was cut.
func head(b []byte) string { return string(b[:min(len(b), clipBytes+1)]) }

// secretName reports whether redaction treats name as a secret key.
func secretName(name string) bool {
	probe := name + "=x"
	return redact.String(probe) != probe
}
