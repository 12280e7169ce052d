package config

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/robfig/cron/v3"

	"github.com/vitalsgo/vitals/monitor/notify"
)

// AlertRule is how a target alerts, as a check or a page group writes it:
// the fields notify, alert_after, resolve_after, send_resolved,
// remind_every, severity and depends_on. Zero values are unset: a check's
// rule is laid over its page group's, then defaults fill the rest (see
// [Config.RuleOf]).
type AlertRule struct {
	Notify       []string
	AlertAfter   int
	ResolveAfter int
	SendResolved *bool
	RemindEvery  time.Duration
	Severity     string
	DependsOn    []string
}

// alertFields are the fields of an [AlertRule], on a check and on a page
// group.
var alertFields = []Field{
	{Name: "notify", Kind: KindStrings, Doc: "channels (names in the notify list) an incident notifies"},
	{Name: "alert_after", Kind: KindInt, Doc: "failing results in a row that open an incident (default failure_threshold)"},
	{Name: "resolve_after", Kind: KindInt, Doc: "results in a row that do not fail and close it (default success_threshold)"},
	{Name: "send_resolved", Kind: KindBool, Doc: "notify when the incident closes (default true)"},
	{Name: "remind_every", Kind: KindDuration, Doc: "notify again while the incident stays open (default never)"},
	{Name: "severity", Kind: KindString, Doc: "critical (default), warning or info"},
	{Name: "depends_on", Kind: KindStrings, Doc: "targets: while one fails, this target's incidents do not notify"},
}

// Severities are the values of severity.
var Severities = []string{"critical", "warning", "info"}

// setAlert stores an alert field's converted value in r; it reports false
// for a field that is not one.
func (d *decoder) setAlert(r *AlertRule, name string, v any, line int, path string) bool {
	switch name {
	case "notify":
		r.Notify = v.([]string)
	case "alert_after", "resolve_after":
		n := v.(int)
		if n < 1 {
			d.errs.add(line, path, "must be at least 1")
		}
		if name == "alert_after" {
			r.AlertAfter = n
		} else {
			r.ResolveAfter = n
		}
	case "send_resolved":
		b := v.(bool)
		r.SendResolved = &b
	case "remind_every":
		r.RemindEvery = v.(time.Duration)
		if r.RemindEvery < time.Minute {
			d.errs.add(line, path, "must be at least 1m")
		}
	case "severity":
		r.Severity = v.(string)
		if !slices.Contains(Severities, r.Severity) {
			d.errs.add(line, path, "%s is not a severity%s", quote(r.Severity), suggest(r.Severity, Severities))
		}
	case "depends_on":
		r.DependsOn = v.([]string)
	default:
		return false
	}
	return true
}

// Alerting is the alerting block: how notifications are grouped and
// retried, and where the page is for links.
type Alerting struct {
	// GroupWait is how long a channel's first new alert waits for others
	// to go out in the same message. Default 10s; 0s for none.
	GroupWait time.Duration
	// MaxAttempts is how many deliveries are tried before a notification
	// is dead-lettered. Default 20.
	MaxAttempts int
	// ExternalURL is the page's address as receivers reach it, for links
	// in notifications.
	ExternalURL string
}

// Channel is one entry of the notify list.
type Channel struct {
	notify.Config
	Line int
}

// SilenceEntry is one entry of the silences list.
type SilenceEntry struct {
	Targets, Groups []string
	Starts, Ends    time.Time
	Comment         string
	Line            int
}

// MaintenanceEntry is one entry of the maintenance list: a recurring window
// (Cron, Duration, Location) or a one-off one (Start, End).
type MaintenanceEntry struct {
	Name            string
	Targets, Groups []string
	Cron            string
	Schedule        cron.Schedule // nil for a one-off window
	Duration        time.Duration
	Location        *time.Location
	Start, End      time.Time
	Line            int
}

var defaultAlerting = Alerting{GroupWait: 10 * time.Second, MaxAttempts: 20}

func (d *decoder) alerting(n ast.Node) Alerting {
	a := defaultAlerting
	d.block(n, "alerting", []blockField{
		{Field{Name: "group_wait", Kind: KindDuration}, func(v any) { a.GroupWait = v.(time.Duration) }},
		{Field{Name: "max_attempts", Kind: KindInt}, func(v any) { a.MaxAttempts = v.(int) }},
		{Field{Name: "external_url", Kind: KindString}, func(v any) { a.ExternalURL = v.(string) }},
	})
	if a.MaxAttempts < 1 {
		d.errs.add(lineOf(n), "alerting.max_attempts", "must be at least 1")
	}
	if a.ExternalURL != "" && !strings.HasPrefix(a.ExternalURL, "http://") && !strings.HasPrefix(a.ExternalURL, "https://") {
		d.errs.add(lineOf(n), "alerting.external_url", "must be an http:// or https:// URL")
	}
	return a
}

// list returns the items of a sequence node, reporting anything else.
func (d *decoder) items(n ast.Node, name, what string) []ast.Node {
	n = unwrap(n)
	if _, null := n.(*ast.NullNode); null {
		return nil
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.errs.add(lineOf(n), name, "must be a list of %s", what)
		return nil
	}
	return seq.Values
}

func (d *decoder) channels(n ast.Node) []Channel {
	var out []Channel
	seen := map[string]int{}
	for i, v := range d.items(n, "notify", "channels {name, type, …}") {
		base := fmt.Sprintf("notify[%d]", i)
		c := Channel{Line: lineOf(v)}
		var to []string
		d.block(v, base, []blockField{
			{Field{Name: "name", Kind: KindString}, func(v any) { c.Name = v.(string) }},
			{Field{Name: "type", Kind: KindString}, func(v any) { c.Type = v.(string) }},
			{Field{Name: "url", Kind: KindString, Secret: true}, func(v any) { c.URL = v.(string) }},
			{Field{Name: "headers", Kind: KindMap, Secret: true}, func(v any) { c.Headers = v.(map[string]string) }},
			{Field{Name: "secret", Kind: KindString, Secret: true}, func(v any) { c.Secret = v.(string) }},
			{Field{Name: "template", Kind: KindString}, func(v any) { c.Template = v.(string) }},
			{Field{Name: "routing_key", Kind: KindString, Secret: true}, func(v any) { c.RoutingKey = v.(string) }},
			{Field{Name: "api_key", Kind: KindString, Secret: true}, func(v any) { c.APIKey = v.(string) }},
			{Field{Name: "token", Kind: KindString, Secret: true}, func(v any) { c.Token = v.(string) }},
			{Field{Name: "host", Kind: KindString}, func(v any) { c.Host = v.(string) }},
			{Field{Name: "port", Kind: KindInt}, func(v any) { c.Port = v.(int) }},
			{Field{Name: "username", Kind: KindString}, func(v any) { c.Username = v.(string) }},
			{Field{Name: "password", Kind: KindString, Secret: true}, func(v any) { c.Password = v.(string) }},
			{Field{Name: "from", Kind: KindString}, func(v any) { c.From = v.(string) }},
			{Field{Name: "to", Kind: KindStrings}, func(v any) { to = v.([]string) }},
			{Field{Name: "tls", Kind: KindString}, func(v any) { c.TLS = v.(string) }},
			{Field{Name: "ca_file", Kind: KindString}, func(v any) { c.CAFile = v.(string) }},
			{Field{Name: "timeout", Kind: KindDuration}, func(v any) { c.Timeout = v.(time.Duration) }},
		})
		c.To = to
		switch {
		case c.Name == "":
			d.errs.add(c.Line, base+".name", "a channel needs a name")
			continue
		case c.Type == "":
			d.errs.add(c.Line, base+".type", "a channel needs a type: one of %s", strings.Join(notify.Types(), ", "))
			continue
		case !slices.Contains(notify.Types(), c.Type):
			d.errs.add(c.Line, base+".type", "unknown channel type %s%s", quote(c.Type), suggest(c.Type, notify.Types()))
			continue
		}
		if first, dup := seen[c.Name]; dup {
			d.errs.add(c.Line, base+".name", "%q is already the name of notify[%d]", c.Name, first)
			continue
		}
		seen[c.Name] = i
		d.channelNames = append(d.channelNames, c.Name)
		// The channel judges its own fields (a URL, a key, a template
		// that parses); its errors never quote a secret.
		if _, err := notify.New(c.Config, nil); err != nil {
			d.errs.add(c.Line, base, "%s", strings.TrimPrefix(err.Error(), "notify: "))
			continue
		}
		out = append(out, c)
	}
	return out
}

// timeValue reads an RFC 3339 time.
func (d *decoder) timeValue(n ast.Node, path string) (time.Time, bool) {
	s, ok := d.scalar(n, path)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		d.errs.add(lineOf(n), path, "%s is not an RFC 3339 time (e.g. 2026-12-24T22:00:00Z)", quote(s))
		return time.Time{}, false
	}
	return t, true
}

// matcherField reads the targets (names or patterns, checked) and groups
// of a silence or a maintenance window; it reports false for another key.
func (d *decoder) matcherField(p pair, at string, targets, groups *[]string) bool {
	var dst *[]string
	switch p.key {
	case "targets":
		dst = targets
	case "groups":
		dst = groups
	default:
		return false
	}
	v, ok := d.value(Field{Name: p.key, Kind: KindStrings}, p.value, at)
	if !ok {
		return true
	}
	*dst = v.([]string)
	if p.key == "targets" {
		for _, pat := range *dst {
			if _, err := path.Match(pat, ""); err != nil {
				d.errs.add(lineOf(p.value), at, "%s is not a valid pattern", quote(pat))
			}
		}
	}
	return true
}

func (d *decoder) silences(n ast.Node) []SilenceEntry {
	var out []SilenceEntry
	for i, v := range d.items(n, "silences", "silences {targets, groups, starts, ends, comment}") {
		base := fmt.Sprintf("silences[%d]", i)
		s := SilenceEntry{Line: lineOf(v)}
		d.each(v, base, []string{"targets", "groups", "starts", "ends", "comment"}, func(p pair, path string) bool {
			if d.matcherField(p, path, &s.Targets, &s.Groups) {
				return true
			}
			switch p.key {
			case "starts":
				s.Starts, _ = d.timeValue(p.value, path)
			case "ends":
				s.Ends, _ = d.timeValue(p.value, path)
			case "comment":
				s.Comment, _ = d.scalar(p.value, path)
			default:
				return false
			}
			return true
		})
		switch {
		case s.Ends.IsZero():
			d.errs.add(s.Line, base+".ends", "a silence needs an end")
		case !s.Starts.IsZero() && !s.Starts.Before(s.Ends):
			d.errs.add(s.Line, base+".ends", "must be after starts")
		case len(s.Targets) == 0 && len(s.Groups) == 0:
			d.errs.add(s.Line, base, "a silence needs targets or groups (write targets: [\"*\"] for all)")
		default:
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) maintenance(n ast.Node) []MaintenanceEntry {
	var out []MaintenanceEntry
	seen := map[string]bool{}
	for i, v := range d.items(n, "maintenance", "windows {name, cron, duration, timezone | start, end, targets, groups}") {
		base := fmt.Sprintf("maintenance[%d]", i)
		m := MaintenanceEntry{Line: lineOf(v), Location: time.UTC}
		before := len(d.errs.errs)
		d.each(v, base, []string{"name", "targets", "groups", "cron", "duration", "timezone", "start", "end"}, func(p pair, path string) bool {
			if d.matcherField(p, path, &m.Targets, &m.Groups) {
				return true
			}
			switch p.key {
			case "name":
				m.Name, _ = d.scalar(p.value, path)
			case "cron":
				m.Cron, _ = d.scalar(p.value, path)
				sched, err := cron.ParseStandard(m.Cron)
				if _, fixed := sched.(*cron.SpecSchedule); err == nil && !fixed {
					// @every counts from whenever it is asked, not from
					// the clock: a window cannot be placed by it.
					err = errors.New("@every is not a time of day; write minute hour day-of-month month day-of-week")
				}
				if err != nil {
					d.errs.add(lineOf(p.value), path, "%s is not a cron expression (minute hour day-of-month month day-of-week, e.g. \"0 3 * * 0\"): %v", quote(m.Cron), err)
				}
				m.Schedule = sched
			case "duration":
				if dv, ok := d.value(Field{Name: "duration", Kind: KindDuration}, p.value, path); ok {
					m.Duration = dv.(time.Duration)
				}
			case "timezone":
				tz, _ := d.scalar(p.value, path)
				loc, err := time.LoadLocation(tz)
				if err != nil {
					d.errs.add(lineOf(p.value), path, "%s is not a time zone (e.g. Europe/Berlin, UTC)", quote(tz))
				} else {
					m.Location = loc
				}
			case "start":
				m.Start, _ = d.timeValue(p.value, path)
			case "end":
				m.End, _ = d.timeValue(p.value, path)
			default:
				return false
			}
			return true
		})
		switch {
		case m.Name == "":
			d.errs.add(m.Line, base+".name", "a maintenance window needs a name")
		case seen[m.Name]:
			d.errs.add(m.Line, base+".name", "%q is already the name of a maintenance window", m.Name)
		case m.Cron != "" && (!m.Start.IsZero() || !m.End.IsZero()):
			d.errs.add(m.Line, base, "a window is either recurring (cron, duration) or one-off (start, end), not both")
		case m.Cron != "" && m.Duration <= 0:
			d.errs.add(m.Line, base+".duration", "a recurring window needs a positive duration")
		case m.Cron == "" && (m.Start.IsZero() || !m.Start.Before(m.End)):
			d.errs.add(m.Line, base, "a one-off window needs a start before its end (or write cron and duration)")
		case len(m.Targets) == 0 && len(m.Groups) == 0:
			d.errs.add(m.Line, base, "a maintenance window needs targets or groups (write targets: [\"*\"] for all)")
		}
		seen[m.Name] = true
		if len(d.errs.errs) == before {
			out = append(out, m)
		}
	}
	return out
}

// alertRefs checks what alert rules name: channels in the notify list,
// targets of depends_on.
func (d *decoder) alertRefs(cfg *Config) {
	channels := d.channelNames
	targets := make([]string, len(cfg.Checks))
	known := make(map[string]bool, len(cfg.Checks))
	for i, c := range cfg.Checks {
		targets[i], known[c.Name] = c.Name, true
	}
	check := func(r *AlertRule, file string, line func(field string) int, path, self string) {
		for j, ch := range r.Notify {
			if !slices.Contains(channels, ch) {
				d.errs.addIn(file, line(fmt.Sprintf("notify[%d]", j)), fmt.Sprintf("%s.notify[%d]", path, j), "no channel %s in the notify list%s", quote(ch), suggest(ch, channels))
			}
		}
		for j, t := range r.DependsOn {
			switch {
			case t == self:
				d.errs.addIn(file, line(fmt.Sprintf("depends_on[%d]", j)), fmt.Sprintf("%s.depends_on[%d]", path, j), "a target cannot depend on itself")
			case !known[t]:
				d.errs.addIn(file, line(fmt.Sprintf("depends_on[%d]", j)), fmt.Sprintf("%s.depends_on[%d]", path, j), "no target %s%s", quote(t), suggest(t, targets))
			}
		}
	}
	for i := range cfg.Checks {
		c := &cfg.Checks[i]
		check(&c.Alert, c.file, func(f string) int {
			if l := c.lines[f]; l > 0 {
				return l
			}
			return c.Line
		}, fmt.Sprintf("checks[%d]", c.Index), c.Name)
	}
	for i := range cfg.Pages.Groups {
		g := &cfg.Pages.Groups[i]
		check(&g.Alert, d.errs.file, func(string) int { return g.Line }, fmt.Sprintf("pages.groups[%d]", i), "")
	}
}

// Rule is a target's alert rule with defaults filled in.
type Rule struct {
	Notify       []string
	AlertAfter   int
	ResolveAfter int
	SendResolved bool
	RemindEvery  time.Duration
	Severity     string
	DependsOn    []string
}

// RuleOf returns how a check alerts: its own fields laid over those of its
// page group, defaults filling the rest (alert_after: the check's
// failure_threshold; resolve_after: its success_threshold; send_resolved:
// true; severity: critical). ok is false when no channel is named: the
// target does not alert.
func (cfg *Config) RuleOf(c *Check) (Rule, bool) {
	r := c.Alert
	group := cfg.Pages.GroupOf(c.Name)
	for _, g := range cfg.Pages.Groups {
		if g.Name != group {
			continue
		}
		if r.Notify == nil {
			r.Notify = g.Alert.Notify
		}
		r.AlertAfter = cmpOr(r.AlertAfter, g.Alert.AlertAfter)
		r.ResolveAfter = cmpOr(r.ResolveAfter, g.Alert.ResolveAfter)
		if r.SendResolved == nil {
			r.SendResolved = g.Alert.SendResolved
		}
		r.RemindEvery = cmpOr(r.RemindEvery, g.Alert.RemindEvery)
		r.Severity = cmpOr(r.Severity, g.Alert.Severity)
		if r.DependsOn == nil {
			r.DependsOn = g.Alert.DependsOn
		}
		break
	}
	out := Rule{
		Notify: r.Notify, AlertAfter: cmpOr(r.AlertAfter, c.FailureThreshold), ResolveAfter: cmpOr(r.ResolveAfter, c.SuccessThreshold),
		SendResolved: r.SendResolved == nil || *r.SendResolved, RemindEvery: r.RemindEvery, Severity: cmpOr(r.Severity, "critical"),
		DependsOn: slices.DeleteFunc(slices.Clone(r.DependsOn), func(t string) bool { return t == c.Name }),
	}
	return out, len(out.Notify) > 0
}

func cmpOr[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

// dependencyCycles reports targets that depend on themselves through
// others (a → b → a): when they fail together each would keep the other's
// incident quiet, and nobody would hear of the outage.
func (d *decoder) dependencyCycles(cfg *Config) {
	deps := map[string][]string{}
	at := map[string]*Check{}
	for i := range cfg.Checks {
		c := &cfg.Checks[i]
		r, _ := cfg.RuleOf(c)
		deps[c.Name], at[c.Name] = r.DependsOn, c
	}
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(t string) bool
	visit = func(t string) bool {
		switch state[t] {
		case open:
			start := slices.Index(path, t)
			cycle := append(slices.Clone(path[start:]), t)
			first := at[cycle[0]]
			d.errs.addIn(first.file, first.Line, fmt.Sprintf("checks[%d].depends_on", first.Index),
				"depends_on makes a cycle: %s (while all of them fail, none would alert)", strings.Join(cycle, " → "))
			return true
		case done:
			return false
		}
		state[t] = open
		path = append(path, t)
		for _, dep := range deps[t] {
			if _, known := deps[dep]; known && visit(dep) {
				return true
			}
		}
		path = path[:len(path)-1]
		state[t] = done
		return false
	}
	for _, c := range cfg.Checks {
		if state[c.Name] == unseen && visit(c.Name) {
			return // one cycle reported is enough to fix the file
		}
	}
}
