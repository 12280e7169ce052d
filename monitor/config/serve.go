package config

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/vitalsgo/vitals/monitor/expect"
)

// DefaultStorage is where `vitals serve` keeps its history when the file
// names no storage: a SQLite file in the working directory.
const DefaultStorage = "./vitals.db"

// Retention is the retention block: how long `vitals serve` keeps each
// kind of history. Status intervals and day rollups are kept forever.
type Retention struct {
	Raw    time.Duration // raw results; default 14 days
	Minute time.Duration // minute rollups; default 14 days
	Hour   time.Duration // hour rollups; default 400 days
}

// Pages is the pages block: how the status page is titled and grouped.
type Pages struct {
	Title  string // default the service name, else "Status"
	Groups []PageGroup
}

// PageGroup is one group of targets on the status page. Targets lists
// target names or path.Match patterns ("api-*"); a target goes to the
// first group that matches it, and targets no group matches to a last
// group named "Other" (or, without groups, to one group "Targets").
type PageGroup struct {
	Name    string
	Targets []string
	// Alert is the alert rule of the group's targets, under their own.
	Alert AlertRule
	Line  int
}

// GroupOf returns the page group of a target.
func (p *Pages) GroupOf(target string) string {
	for _, g := range p.Groups {
		for _, pat := range g.Targets {
			if ok, _ := path.Match(pat, target); ok || pat == target {
				return g.Name
			}
		}
	}
	if len(p.Groups) == 0 {
		return "Targets"
	}
	return "Other"
}

// Auth is the auth block: who may see the pages, badges and API of
// `vitals serve`, and who sees details (messages, sub-check output).
// Without it, pages are public and details hidden, as in vitalshttp.
type Auth struct {
	// Private makes pages, badges and the API need credentials.
	Private bool
	// PublicDetails shows details to everyone who may view; for a monitor
	// that only its own team can reach.
	PublicDetails bool
	// Token is a bearer token; "" for none. Use ${VAR}.
	Token string
	// Users are basic-auth users and their passwords. Use ${VAR}.
	Users map[string]string
}

// blockField is one field of a top-level block.
type blockField struct {
	Field
	set func(v any)
}

// block decodes a mapping of known fields, each converted to its kind.
func (d *decoder) block(n ast.Node, name string, fields []blockField) {
	pairs, _ := d.mapping(n, name)
	known := make([]string, len(fields))
	for i, f := range fields {
		known[i] = f.Name
	}
next:
	for _, p := range pairs {
		for _, f := range fields {
			if f.Name != p.key {
				continue
			}
			if v, ok := d.blockValue(f.Field, p.value, name+"."+p.key); ok {
				f.set(v)
			}
			continue next
		}
		d.unknown(p, name, known)
	}
}

// blockValue converts like value, and also takes the long durations of
// retention ("14d", "400d", "2w") for KindDuration fields of blocks.
func (d *decoder) blockValue(f Field, n ast.Node, path string) (any, bool) {
	if f.Kind != KindDuration {
		return d.value(f, n, path)
	}
	s, ok := d.scalar(n, path)
	if !ok {
		return nil, false
	}
	v, err := parseLongDuration(strings.TrimSpace(s))
	if err != "" {
		d.bad(f, n, path, s, err)
		return nil, false
	}
	return v, true
}

// maxRetention bounds retention values: beyond a hundred years a value is
// a typo; 0 keeps forever.
const maxRetention = 100 * 365 * 24 * time.Hour

// parseLongDuration reads a duration with days and weeks ("14d", "2w",
// "1d12h", "36h"), as the expect conditions read one.
func parseLongDuration(s string) (time.Duration, string) {
	v, err := expect.ParseDuration(s)
	switch {
	case err != nil:
		return 0, "is not a duration (e.g. 14d, 2w, 36h)"
	case v < 0:
		return 0, "must not be negative"
	case v > maxRetention:
		return 0, "is longer than 100 years"
	}
	return v, ""
}

var defaultRetention = Retention{Raw: 14 * 24 * time.Hour, Minute: 14 * 24 * time.Hour, Hour: 400 * 24 * time.Hour}

func (d *decoder) retention(n ast.Node) Retention {
	r := defaultRetention
	d.block(n, "retention", []blockField{
		{Field{Name: "raw", Kind: KindDuration}, func(v any) { r.Raw = v.(time.Duration) }},
		{Field{Name: "minute", Kind: KindDuration}, func(v any) { r.Minute = v.(time.Duration) }},
		{Field{Name: "hour", Kind: KindDuration}, func(v any) { r.Hour = v.(time.Duration) }},
	})
	return r
}

// Cluster is the cluster block: with it, the replicas of `vitals serve`
// that share one PostgreSQL store spread the targets over Shards virtual
// shards and hold them by leases in the database (package monitor/lease).
// The block turns replicas on (`cluster: {}` with the defaults); every
// field is optional, and zero means the lease package's default.
type Cluster struct {
	// Node names this replica; unique among the replicas running at once.
	// Default the host name and a random suffix, new at every start.
	Node string
	// Shards is the number of virtual shards, the same on every replica.
	// Default 128.
	Shards int
	// LeaseTTL is how long a lease lasts past its last renewal. Default
	// 15s.
	LeaseTTL time.Duration
	// Renew is the period of the lease rounds. Default 5s; it must be
	// shorter than LeaseTTL − 1s.
	Renew time.Duration
	Line  int
}

// maxShards bounds cluster.shards: more shards than this only add rows to
// renew.
const maxShards = 4096

func (d *decoder) cluster(n ast.Node) Cluster {
	c := Cluster{Line: lineOf(n)}
	d.block(n, "cluster", []blockField{
		{Field{Name: "node", Kind: KindString}, func(v any) { c.Node = v.(string) }},
		{Field{Name: "shards", Kind: KindInt}, func(v any) { c.Shards = v.(int) }},
		{Field{Name: "lease_ttl", Kind: KindDuration}, func(v any) { c.LeaseTTL = v.(time.Duration) }},
		{Field{Name: "renew", Kind: KindDuration}, func(v any) { c.Renew = v.(time.Duration) }},
	})
	ttl, renew := c.LeaseTTL, c.Renew
	if ttl == 0 {
		ttl = 15 * time.Second
	}
	if renew == 0 {
		renew = 5 * time.Second
	}
	switch {
	case c.Shards < 0 || c.Shards > maxShards:
		d.errs.add(c.Line, "cluster.shards", "must be between 1 and %d (default 128)", maxShards)
	case renew >= ttl-time.Second:
		d.errs.add(c.Line, "cluster.renew", "%v must be shorter than lease_ttl − 1s (%v)", renew, ttl-time.Second)
	}
	if strings.ContainsAny(c.Node, " \t\n") {
		d.errs.add(c.Line, "cluster.node", "%q must not contain white space", c.Node)
	}
	return c
}

func (d *decoder) auth(n ast.Node) Auth {
	var a Auth
	line := lineOf(n)
	d.block(n, "auth", []blockField{
		{Field{Name: "private", Kind: KindBool}, func(v any) { a.Private = v.(bool) }},
		{Field{Name: "public_details", Kind: KindBool}, func(v any) { a.PublicDetails = v.(bool) }},
		{Field{Name: "token", Kind: KindString, Secret: true}, func(v any) { a.Token = v.(string) }},
		{Field{Name: "users", Kind: KindMap, Secret: true}, func(v any) { a.Users = v.(map[string]string) }},
	})
	for user, pass := range a.Users {
		if user == "" || strings.Contains(user, ":") || pass == "" {
			d.errs.add(line, "auth.users", "each user needs a name without ':' and a password")
		}
	}
	if a.Private && a.Token == "" && len(a.Users) == 0 {
		d.errs.add(line, "auth.private", "private pages need a token or users to let anyone in")
	}
	return a
}

func (d *decoder) pages(n ast.Node) Pages {
	var p Pages
	d.each(n, "pages", []string{"title", "groups"}, func(pr pair, path string) bool {
		switch pr.key {
		case "title":
			p.Title, _ = d.scalar(pr.value, path)
		case "groups":
			p.Groups = d.pageGroups(pr.value)
		default:
			return false
		}
		return true
	})
	return p
}

func (d *decoder) pageGroups(n ast.Node) []PageGroup {
	var groups []PageGroup
	for i, v := range d.items(n, "pages.groups", "{name, targets}") {
		base := fmt.Sprintf("pages.groups[%d]", i)
		g := PageGroup{Line: lineOf(v)}
		fields := []blockField{
			{Field{Name: "name", Kind: KindString}, func(v any) { g.Name = v.(string) }},
			{Field{Name: "targets", Kind: KindStrings}, func(v any) { g.Targets = v.([]string) }},
		}
		for _, f := range alertFields {
			fields = append(fields, blockField{f, func(v any) { d.setAlert(&g.Alert, f.Name, v, g.Line, base+"."+f.Name) }})
		}
		d.block(v, base, fields)
		if g.Name == "" {
			d.errs.add(lineOf(v), base+".name", "a page group needs a name")
		}
		for _, pat := range g.Targets {
			if _, err := path.Match(pat, ""); err != nil {
				d.errs.add(lineOf(v), base+".targets", "%s is not a valid pattern", quote(pat))
			}
		}
		groups = append(groups, g)
	}
	return groups
}

// minPushToken is the shortest push token: the token is the only secret
// of a push URL.
const minPushToken = 16

// typeRules checks what the field list cannot say of a type's values.
func (d *decoder) typeRules(c *Check) {
	switch c.Type {
	case "push":
		if len(c.Params.String("token")) < minPushToken {
			d.errs.errs = append(d.errs.errs, c.Errorf("token", "a push token needs at least %d characters", minPushToken).(*Error))
		}
	case "http", "health":
		d.expect(c)
	}
}

// expect parses the expect conditions, each error located at its item
// and column: vitals.yaml:12: checks[3].expect[1]: col 9: unknown field …
func (d *decoder) expect(c *Check) {
	srcs := c.Params.Strings("expect")
	if len(srcs) == 0 {
		return
	}
	list, errs := expect.ParseList(srcs)
	for i, err := range errs {
		if err != nil {
			d.errs.errs = append(d.errs.errs, c.Errorf(fmt.Sprintf("expect[%d]", i), "%s", err).(*Error))
		}
	}
	for i, e := range list {
		if e.Field() == "status" && c.Type == "http" {
			d.errs.errs = append(d.errs.errs, c.Errorf(fmt.Sprintf("expect[%d]", i),
				"status is the health status a health target reports; an http target has code (or use type: health)").(*Error))
		}
	}
	c.Expect = list
}
