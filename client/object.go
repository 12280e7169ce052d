package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/vitalsgo/vitals"
)

// object is a JSON object read the way a health body must be read. Its
// keys match exactly: encoding/json matches struct fields without regard
// to case, so "STATUS" would stand in for "status". A key given twice is
// kept twice: encoding/json keeps the last, so {"status":"fail",
// "status":"pass"} would read as healthy. A parser reads every value a key
// has and takes the worst of what they say.
type object []member

type member struct {
	key   string
	value json.RawMessage
}

// UnmarshalJSON reads an object, or null as an empty one.
func (o *object) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		*o = nil
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("json: cannot read %s as an object", jsonKind(tok))
	}
	var out object
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string) // object keys are strings in valid JSON
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		out = append(out, member{key: key, value: v})
	}
	*o = out
	return nil
}

func jsonKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", tok)
}

// all decodes every value of the members named key into a T, skipping
// nulls, which say nothing. A value that is not a T is an error, as it is
// to encoding/json.
func all[T any](o object, key string) ([]T, error) {
	var out []T
	for _, m := range o {
		if m.key != key || string(m.value) == "null" {
			continue
		}
		var v T
		if err := json.Unmarshal(m.value, &v); err != nil {
			return nil, fmt.Errorf("%q: %w", key, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// reader reads health objects for a parser and keeps the first error it
// meets, as bufio.Scanner does: a parser reads every member it needs and
// returns rd.err once, at the end, instead of checking after each read.
// After an error every read gives the zero value, and the parser's
// caller drops whatever the parser wrote into its Report.
type reader struct {
	err error
}

// readBody returns a reader and the object body holds.
func readBody(body []byte) (*reader, object) {
	rd := new(reader)
	return rd, decode[object](rd, body)
}

// keep returns v, or the zero value after the first error, which it keeps.
func keep[T any](rd *reader, v T, err error) T {
	if rd.err == nil {
		rd.err = err
	}
	if rd.err != nil {
		var zero T
		return zero
	}
	return v
}

// read is all through rd.
func read[T any](rd *reader, o object, key string) []T {
	if rd.err != nil {
		return nil
	}
	v, err := all[T](o, key)
	return keep(rd, v, err)
}

// decode unmarshals raw into a T through rd.
func decode[T any](rd *reader, raw []byte) T {
	var v T
	if rd.err != nil {
		return v
	}
	return keep(rd, v, json.Unmarshal(raw, &v))
}

// strs is read for strings.
func (rd *reader) strs(o object, key string) []string { return read[string](rd, o, key) }

// text joins the distinct non-empty strings of key for a message, each
// cleaned: a body that gives two messages shows both.
func (rd *reader) text(o object, key string) string { return joinText(rd.strs(o, key)) }

// status keeps what a status word function returns.
func (rd *reader) status(s vitals.Status, err error) vitals.Status { return keep(rd, s, err) }

// members returns the members of every object value of key, in order: a
// body that gives "checks" twice has the checks of both.
func (rd *reader) members(o object, key string) object {
	var out object
	for _, obj := range read[object](rd, o, key) {
		out = append(out, obj...)
	}
	return out
}

// joinText cleans and joins the distinct non-empty messages of vs.
func joinText(vs []string) string {
	var out []string
	for _, v := range vs {
		if v = clean(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return strings.Join(out, "; ")
}

// first returns the first of vs, or "".
func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// worstWord maps every status word a body gives for one thing and returns
// the worst, or parseWord's error for the first word it does not know. No
// word at all is parseWord("").
func worstWord(words []string) (vitals.Status, error) {
	if len(words) == 0 {
		return parseWord("")
	}
	s := vitals.StatusPass
	for _, w := range words {
		ws, err := parseWord(w)
		if err != nil {
			return vitals.StatusUnknown, err
		}
		s = worst(s, ws)
	}
	return s, nil
}

// checkWords is checkWord for every status word a check gives: the worst,
// with the message of an unknown word when the check has none.
func checkWords(words []string, msg string) (vitals.Status, string) {
	if len(words) == 0 {
		return checkWord("", msg)
	}
	s, m := checkWord(words[0], msg)
	for _, w := range words[1:] {
		ws, wm := checkWord(w, msg)
		if severity(ws) > severity(s) {
			s, m = ws, wm
		}
	}
	return s, m
}

// allTrue reports whether every boolean given is true, and whether any
// was given: a body that says both ready and not ready is not ready.
func allTrue(vs []bool) (ok, given bool) {
	for _, v := range vs {
		if !v {
			return false, true
		}
	}
	return true, len(vs) > 0
}

// mergeChecks folds checks of the same name into one with the worst
// status, as a body that names a check twice says two things about it.
// checks must be sorted by name.
func mergeChecks(checks []Check) []Check {
	out := checks[:0]
	for _, c := range checks {
		n := len(out)
		if n == 0 || out[n-1].Name != c.Name {
			out = append(out, c)
			continue
		}
		prev := &out[n-1]
		switch {
		case severity(c.Status) > severity(prev.Status):
			*prev = c
		case c.Status == prev.Status:
			prev.Message = joinText([]string{prev.Message, c.Message})
		}
	}
	return out
}
