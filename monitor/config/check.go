package config

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/vitalsgo/vitals"
)

// check decodes checks[i]. It reports false when the entry is too broken to
// use; its errors are recorded either way.
func (d *decoder) check(n ast.Node, i int) (Check, bool) {
	base := fmt.Sprintf("checks[%d]", i)
	c := Check{
		Index:            i,
		Line:             lineOf(n),
		Interval:         vitals.DefaultInterval,
		Timeout:          vitals.DefaultTimeout,
		Critical:         true,
		Enabled:          true,
		Groups:           []string{vitals.Readiness},
		FailureThreshold: 1,
		SuccessThreshold: 1,
		Params:           Params{},
		file:             d.errs.file,
		lines:            map[string]int{},
	}
	pairs, ok := d.mapping(n, base)
	if !ok {
		return c, false
	}
	before := len(d.errs.errs)

	// The type decides which fields exist, so read it first.
	typeKnown := false
	for _, p := range pairs {
		if p.key == "type" {
			var ok bool
			c.Type, ok = d.scalar(p.value, base+".type")
			if ok && c.Type == "" {
				d.errs.add(lineOf(p.value), base+".type", "must not be empty")
			}
			if _, typeKnown = types[c.Type]; !typeKnown && c.Type != "" {
				d.errs.add(lineOf(p.value), base+".type", "unknown check type %s%s", quote(c.Type), suggest(c.Type, Types()))
			}
		}
	}

	present := map[string]bool{}
	for _, p := range pairs {
		present[p.key] = true
		c.lines[p.key] = lineOf(p.value)
		if seq, ok := unwrap(p.value).(*ast.SequenceNode); ok {
			for j, item := range seq.Values {
				c.lines[fmt.Sprintf("%s[%d]", p.key, j)] = lineOf(item)
			}
		}
		path := base + "." + p.key
		f, ok := field(c.Type, p.key)
		if !ok {
			// Without a known type there is no telling which fields
			// exist; the type's own error is the one worth reading.
			if typeKnown {
				d.errs.add(p.line, path, "unknown field for type %s%s", c.Type, suggest(p.key, fieldNames(c.Type)))
			}
			continue
		}
		if p.key == "type" {
			continue
		}
		v, ok := d.value(f, p.value, path)
		if !ok {
			continue
		}
		d.setCommon(&c, f.Name, v, lineOf(p.value), path)
	}

	for _, f := range append(commonFields, types[c.Type]...) {
		if !f.Required || present[f.Name] {
			continue
		}
		if f.Name == "name" || f.Name == "type" {
			d.errs.add(c.Line, base, "%s is required", f.Name)
		} else {
			d.errs.add(c.Line, base, "%s is required for type %s", f.Name, c.Type)
		}
	}

	if len(d.errs.errs) == before {
		d.typeRules(&c)
	}
	if len(d.errs.errs) == before {
		d.validate(&c, base)
	}
	return c, len(d.errs.errs) == before
}

// setCommon stores a converted value: a common field in its Check field,
// anything else in Params.
func (d *decoder) setCommon(c *Check, name string, v any, line int, path string) {
	switch name {
	case "name":
		c.Name = v.(string)
		switch c.Name {
		case "":
			d.errs.add(line, path, "must not be empty")
		case ".", "..":
			// A path segment of its own on the page, the API and the
			// badges, which URLs cannot reach.
			d.errs.add(line, path, "%q cannot be a name: it is not a path segment a URL can reach", c.Name)
		}
	case "description":
		c.Description = v.(string)
	case "interval":
		c.Interval = v.(time.Duration)
	case "timeout":
		c.Timeout = v.(time.Duration)
		if c.Timeout == 0 {
			d.errs.add(line, path, "must be positive")
		}
	case "initial_delay":
		c.InitialDelay = v.(time.Duration)
	case "jitter":
		c.Jitter = v.(time.Duration)
	case "max_age":
		c.MaxAge = v.(time.Duration)
	case "critical":
		c.Critical = v.(bool)
	case "enabled":
		c.Enabled = v.(bool)
	case "groups":
		c.Groups = v.([]string)
		if len(c.Groups) == 0 {
			d.errs.add(line, path, "must name at least one group")
		}
	case "failure_threshold":
		c.FailureThreshold = v.(int)
		if c.FailureThreshold < 1 {
			d.errs.add(line, path, "must be at least 1")
		}
	case "success_threshold":
		c.SuccessThreshold = v.(int)
		if c.SuccessThreshold < 1 {
			d.errs.add(line, path, "must be at least 1")
		}
	default:
		if d.setAlert(&c.Alert, name, v, line, path) {
			return
		}
		c.Params[name] = Param{Line: line, Value: v}
	}
}

// validate lets a throwaway monitor judge the check's name, groups and
// option combinations (jitter shorter than the interval, max age longer
// than a run, …), so the file is held to exactly the rules the monitor
// applies when the check is added for real.
func (d *decoder) validate(c *Check, base string) {
	m := vitals.New(nil)
	defer m.Close()
	err := m.Add(c.Name, vitals.CheckFunc(func(context.Context) error { return nil }), c.Options()...)
	if err == nil {
		return
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "vitals: add: ")
	msg = strings.TrimPrefix(msg, fmt.Sprintf("vitals: add %q: ", c.Name))
	d.errs.add(c.Line, base, "%s", msg)
}

func fieldNames(typ string) []string {
	var names []string
	for _, f := range commonFields {
		names = append(names, f.Name)
	}
	for _, f := range types[typ] {
		names = append(names, f.Name)
	}
	return names
}

// Same reports whether two checks describe the same target, wherever they
// sit in their files: a reload keeps such a target running.
func (c *Check) Same(o *Check) bool {
	a, b := *c, *o
	// The alert rule is the alert engine's, swapped on reload without
	// restarting the target.
	a.Index, a.Line, a.file, a.lines, a.Expect, a.Alert = 0, 0, "", nil, nil, AlertRule{}
	b.Index, b.Line, b.file, b.lines, b.Expect, b.Alert = 0, 0, "", nil, nil, AlertRule{}
	if len(c.Expect) != len(o.Expect) {
		return false
	}
	for i := range c.Expect {
		if c.Expect[i].String() != o.Expect[i].String() {
			return false
		}
	}
	a.Params, b.Params = nil, nil
	return reflect.DeepEqual(a, b) && paramsEqual(c.Params, o.Params)
}

// paramsEqual compares the values of two Params, not their lines.
func paramsEqual(a, b Params) bool {
	if len(a) != len(b) {
		return false
	}
	for k, p := range a {
		q, ok := b[k]
		if !ok || !reflect.DeepEqual(p.Value, q.Value) {
			return false
		}
	}
	return true
}
