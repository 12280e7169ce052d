package config

import (
	"maps"
	"slices"
	"time"
)

// Param is the value of one type-specific field, converted to its
// [Field]'s [Kind]: string, bool, int, float64, time.Duration, uint64
// (bytes), []string, []int or map[string]string.
type Param struct {
	Line  int // line of the value in the file
	Value any
}

// Params holds the type-specific fields a check sets, by field name. Every
// value has been checked against the type's [Field] list, so the typed
// accessors return the zero value only for a field that is not set.
type Params map[string]Param

// Has reports whether the field is set.
func (p Params) Has(name string) bool {
	_, ok := p[name]
	return ok
}

// Line returns the line of the field's value, or 0 when it is not set.
func (p Params) Line(name string) int {
	return p[name].Line
}

// String returns a string field.
func (p Params) String(name string) string {
	s, _ := p[name].Value.(string)
	return s
}

// Bool returns a boolean field.
func (p Params) Bool(name string) bool {
	b, _ := p[name].Value.(bool)
	return b
}

// Int returns an integer field.
func (p Params) Int(name string) int {
	n, _ := p[name].Value.(int)
	return n
}

// Float returns a number field.
func (p Params) Float(name string) float64 {
	f, _ := p[name].Value.(float64)
	return f
}

// Duration returns a duration field.
func (p Params) Duration(name string) time.Duration {
	d, _ := p[name].Value.(time.Duration)
	return d
}

// Bytes returns a byte-size field.
func (p Params) Bytes(name string) uint64 {
	n, _ := p[name].Value.(uint64)
	return n
}

// Strings returns a copy of a list-of-strings field.
func (p Params) Strings(name string) []string {
	s, _ := p[name].Value.([]string)
	return slices.Clone(s)
}

// Ints returns a copy of a list-of-integers field.
func (p Params) Ints(name string) []int {
	s, _ := p[name].Value.([]int)
	return slices.Clone(s)
}

// Map returns a copy of a mapping field.
func (p Params) Map(name string) map[string]string {
	m, _ := p[name].Value.(map[string]string)
	return maps.Clone(m)
}
