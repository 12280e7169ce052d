package expect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// maxDepth bounds the nesting of a body read as JSON. The decoder
// recurses once per level; a hostile body of a megabyte of '[' stops here.
const maxDepth = 1000

// dupKey stands in a decoded object for a key the body gives more than
// once. encoding/json would keep the last, so {"status":"DOWN",
// "status":"UP"} would pass body.status == "UP"; a body that says two
// things about a field answers no condition on it.
type dupKey struct{}

var errTooDeep = fmt.Errorf("nested deeper than %d levels", maxDepth)

// decodeBody reads body as one JSON document: objects as map[string]any,
// arrays as []any, numbers as json.Number so that large integers keep
// their digits. It returns the reason it cannot, for a message.
func decodeBody(body []byte, truncated bool) (any, string) {
	if truncated {
		return nil, fmt.Sprintf("the body was cut at the read limit (%d bytes), so its JSON cannot be read", len(body))
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, "the body is empty, not JSON"
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return nil, "the body is not JSON: it ends before the document does"
	}
	if err != nil {
		return nil, "the body is not JSON: " + err.Error()
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, "the body is not JSON: more follows the first document"
	}
	return v, ""
}

func decodeValue(dec *json.Decoder, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil // string, json.Number, bool or nil
	}
	if depth == maxDepth {
		return nil, errTooDeep
	}
	if delim == '[' {
		arr := []any{}
		for dec.More() {
			v, err := decodeValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := dec.Token()
		return arr, err
	}
	obj := map[string]any{}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := key.(string) // the decoder only gives a string here
		v, err := decodeValue(dec, depth+1)
		if err != nil {
			return nil, err
		}
		if _, seen := obj[k]; seen {
			v = dupKey{}
		}
		obj[k] = v
	}
	_, err = dec.Token()
	return obj, err
}

// lookup walks e's body path in doc and returns the value there, or why
// there is none.
func (e *Expr) lookup(doc any) (any, string) {
	cur := doc
	for i, seg := range e.path {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[seg.key]
			if !ok {
				return nil, e.missing(i, "no such field")
			}
			if _, dup := next.(dupKey); dup {
				return nil, fmt.Sprintf("the body gives %s more than once", e.pathText(i+1))
			}
			cur = next
		case []any:
			n, ok := index(seg)
			if !ok {
				return nil, fmt.Sprintf("%s is an array of %d: index it with a number", e.pathText(i), len(v))
			}
			if n >= len(v) {
				return nil, e.missing(i, fmt.Sprintf("no such element (array of %d)", len(v)))
			}
			cur = v[n]
		default:
			return nil, fmt.Sprintf("%s is %s, not an object or array", e.pathText(i), describe(cur))
		}
	}
	return cur, ""
}

// missing says that segment i of the path is not there; the condition
// before it names the path, so only a shorter path is named again.
func (e *Expr) missing(i int, what string) string {
	if i == len(e.path)-1 {
		return what
	}
	return e.pathText(i+1) + ": " + what
}

// index reads an unquoted decimal segment as an array index.
func index(seg segment) (int, bool) {
	k := seg.key
	if seg.quoted || k == "" || len(k) > 9 || !allDigits(k) || len(k) > 1 && k[0] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(k)
	return n, err == nil
}

// describe names the JSON type of v, for messages.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case []any:
		return fmt.Sprintf("an array of %d", len(v))
	}
	return "an object"
}

// secretKey is the key whose value a message about body.<path> shows: the
// last object key on the path, not an array index.
func (e *Expr) secretKey() string {
	for i := len(e.path) - 1; i >= 0; i-- {
		if _, isIndex := index(e.path[i]); !isIndex {
			return e.path[i].key
		}
	}
	return ""
}
