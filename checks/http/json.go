package httpcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// matchJSON reports, as an error, how the field at path of the JSON
// document body differs from want.
//
// A body that says two things about the field does not match: a key given
// twice on the path ({"status":"DOWN","status":"UP"}) must have want in
// every place, where encoding/json would keep the last; and the body must
// be one document, not {"status":"DOWN"}{"status":"UP"}. Keys match
// exactly, as in JSON.
func matchJSON(body []byte, path []string, want string) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	var doc json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("body is not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("body is not JSON: more follows the first document")
	}
	vals := []json.RawMessage{doc}
	for i, seg := range path {
		at := strings.Join(path[:i+1], ".")
		var next []json.RawMessage
		var arrayLen = -1
		for _, v := range vals {
			found, n, err := member(v, seg)
			if err != nil {
				return fmt.Errorf("JSON field %s is missing (%s is not an object or array)", at, strings.Join(path[:i], "."))
			}
			next, arrayLen = append(next, found...), n
		}
		if len(next) == 0 {
			if arrayLen >= 0 {
				return fmt.Errorf("JSON field %s is missing (array of %d)", at, arrayLen)
			}
			return fmt.Errorf("JSON field %s is missing", at)
		}
		vals = next
	}
	field := strings.Join(path, ".")
	for _, v := range vals {
		got, ok := leaf(v)
		if !ok {
			return fmt.Errorf("JSON field %s is an object or array, want %q", field, want)
		}
		if got != want {
			if len(vals) > 1 {
				return fmt.Errorf("JSON field %s is %q in one of the %d places the body gives it, want %q", field, got, len(vals), want)
			}
			return fmt.Errorf("JSON field %s is %q, want %q", field, got, want)
		}
	}
	return nil
}

// member returns the values of seg in the object v (every one, when its
// key is given more than once) or the element seg of the array v, whose
// length it then returns (-1 for an object). A value that is neither is
// an error.
func member(v json.RawMessage, seg string) ([]json.RawMessage, int, error) {
	switch v = bytes.TrimLeft(v, " \t\r\n"); {
	case len(v) > 0 && v[0] == '[':
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return nil, 0, err
		}
		n, err := strconv.Atoi(seg)
		if err != nil || n < 0 || n >= len(items) {
			return nil, len(items), nil
		}
		return items[n : n+1], len(items), nil
	case len(v) > 0 && v[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(v))
		if _, err := dec.Token(); err != nil {
			return nil, 0, err
		}
		var out []json.RawMessage
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return nil, 0, err
			}
			var val json.RawMessage
			if err := dec.Decode(&val); err != nil {
				return nil, 0, err
			}
			if key == seg {
				out = append(out, val)
			}
		}
		return out, -1, nil
	}
	return nil, 0, errors.New("not an object or array")
}

// leaf returns the text of a string, number, boolean or null, and false
// for an object or array.
func leaf(v json.RawMessage) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var x any
	if dec.Decode(&x) != nil {
		return "", false
	}
	switch x := x.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case nil:
		return "null", true
	}
	return "", false
}
