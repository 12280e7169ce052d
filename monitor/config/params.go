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
	return value[string](p, name)
}

// Bool returns a boolean field.
func (p Params) Bool(name string) bool {
	return value[bool](p, name)
}

// Int returns an integer field.
func (p Params) Int(name string) int {
	return value[int](p, name)
}

// Float returns a number field.
func (p Params) Float(name string) float64 {
	return value[float64](p, name)
}

// Duration returns a duration field.
func (p Params) Duration(name string) time.Duration {
	return value[time.Duration](p, name)
}

// Bytes returns a byte-size field.
func (p Params) Bytes(name string) uint64 {
	return value[uint64](p, name)
}

// Strings returns a copy of a list-of-strings field.
func (p Params) Strings(name string) []string {
	return slices.Clone(value[[]string](p, name))
}

// Ints returns a copy of a list-of-integers field.
func (p Params) Ints(name string) []int {
	return slices.Clone(value[[]int](p, name))
}

// Map returns a copy of a mapping field.
func (p Params) Map(name string) map[string]string {
	return maps.Clone(value[map[string]string](p, name))
}

// value returns the field's value as a T, or T's zero value when the field
// is not set (a set value always has the type of its field's Kind).
func value[T any](p Params, name string) T {
	v, _ := p[name].Value.(T)
	return v
}
