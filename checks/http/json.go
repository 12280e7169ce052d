package httpcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// matchJSON reports, as an error, how the field at path of the JSON
// document body differs from want.
func matchJSON(body []byte, path []string, want string) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("body is not JSON: %w", err)
	}
	v := doc
	for i, seg := range path {
		at := strings.Join(path[:i+1], ".")
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[seg]
			if !ok {
				return fmt.Errorf("JSON field %s is missing", at)
			}
			v = next
		case []any:
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || n >= len(x) {
				return fmt.Errorf("JSON field %s is missing (array of %d)", at, len(x))
			}
			v = x[n]
		default:
			return fmt.Errorf("JSON field %s is missing (%s is not an object or array)", at, strings.Join(path[:i], "."))
		}
	}
	field := strings.Join(path, ".")
	var got string
	switch x := v.(type) {
	case string:
		got = x
	case json.Number:
		got = x.String()
	case bool:
		got = strconv.FormatBool(x)
	case nil:
		got = "null"
	default:
		return fmt.Errorf("JSON field %s is an object or array, want %q", field, want)
	}
	if got != want {
		return fmt.Errorf("JSON field %s is %q, want %q", field, got, want)
	}
	return nil
}
