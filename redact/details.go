package redact

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"
)

// Details returns a copy of details with every secret removed, at
// any depth: values under secret-looking keys ("password", "token", …)
// become "***", strings go through [String], and values of other types
// (structs, other maps) are redacted in their JSON form. Bytes ([]byte and
// named byte slices) are redacted as text, never left to encoding/json,
// whose base64 no rule can read: valid UTF-8 comes back as a string,
// anything else as the redacted bytes. A []byte inside a struct keeps its
// base64 unless it holds a secret, and is then redacted as text. NaN and
// infinities, which JSON cannot carry, become text. The monitor applies it
// to every Result's Details before anything else sees them.
func Details(details map[string]any) map[string]any {
	if len(details) == 0 {
		return nil
	}
	return redactMap(details, 0, redactValue)
}

// Value is [Details] for a single value, such as an observed
// value.
func Value(v any) any { return redactValue("", v, 0) }

func redactValue(key string, v any, depth int) any {
	if w, ok := withheld(key, depth); ok {
		return w
	}
	switch x := v.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return v
	case float32:
		return finite(float64(x))
	case float64:
		return finite(x)
	case string:
		return String(x)
	case error:
		return String(x.Error())
	case fmt.Stringer:
		return String(x.String())
	case map[string]any:
		return redactMap(x, depth+1, redactValue)
	case []any:
		return redactSlice(x, depth+1, redactValue)
	case []byte:
		return redactBytes(x)
	case json.Marshaler:
		// json.RawMessage is a []byte that is JSON already.
	default:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			return redactBytes(rv.Bytes())
		}
	}
	// Anything else: take its JSON form apart and redact that, so a
	// struct's Password field or a DSN in a nested value is caught too.
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable %T", v)
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return fmt.Sprintf("unencodable %T", v)
	}
	return redactJSON(key, generic, depth+1)
}

// redactMap returns a copy of m with each value redacted by f under its
// key at depth.
func redactMap(m map[string]any, depth int, f func(key string, v any, depth int) any) map[string]any {
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = f(k, e, depth)
	}
	return out
}

// redactSlice is redactMap for a list, whose elements have no key.
func redactSlice(vs []any, depth int, f func(key string, v any, depth int) any) []any {
	out := make([]any, len(vs))
	for i, e := range vs {
		out[i] = f("", e, depth)
	}
	return out
}

// redactJSON is redactValue for a value decoded from the JSON form of
// another, where a string may be bytes that encoding/json wrote in
// base64: a struct's []byte field.
func redactJSON(key string, v any, depth int) any {
	if w, ok := withheld(key, depth); ok {
		return w
	}
	switch x := v.(type) {
	case string:
		if b, err := base64.StdEncoding.Strict().DecodeString(x); err == nil && len(b) > 0 {
			if r := String(string(b)); r != string(b) {
				return redactBytes(b)
			}
		}
		return String(x)
	case map[string]any:
		return redactMap(x, depth+1, redactJSON)
	case []any:
		return redactSlice(x, depth+1, redactJSON)
	}
	return redactValue(key, v, depth)
}

// redactBytes redacts b as text. The result is a string when it is valid
// UTF-8, for people to read in any output, else bytes.
func redactBytes(b []byte) any {
	s := String(string(b))
	if utf8.ValidString(s) {
		return s
	}
	return []byte(s)
}

// finite returns f, or its text for NaN and ±Inf.
func finite(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return f
}

// withheld returns what stands for a value too deep to follow or under a
// secret key, and whether the value is one of them.
func withheld(key string, depth int) (any, bool) {
	if depth > 8 {
		return "…", true
	}
	if secretKey(key) {
		return Marker, true
	}
	return nil, false
}

// secretKey reports whether a details key names a secret, whose value is
// withheld whatever it looks like.
func secretKey(k string) bool {
	if k == "" {
		return false
	}
	return String(k+"=x") != k+"=x"
}
