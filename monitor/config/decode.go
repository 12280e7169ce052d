package config

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/vitalsgo/vitals/internal/nearest"
	"github.com/vitalsgo/vitals/redact"
)

// decoder walks the YAML syntax tree itself rather than unmarshalling into
// structs: the fields a check takes depend on its type, and every error must
// name the line and the field path, which struct decoding reports only for
// some errors and in its own words.
type decoder struct {
	errs   errorList
	lookup func(string) (string, bool)
	files  *files // where included files are read from
	// channels names every channel of the notify list, valid or not, so
	// that an invalid one is not also reported as unknown where it is used.
	channelNames []string
}

// pair is one key: value entry of a mapping.
type pair struct {
	key   string
	line  int
	value ast.Node
}

func (d *decoder) file(data []byte) *Config {
	cfg := &Config{Storage: DefaultStorage, Retention: defaultRetention, Alerting: defaultAlerting}
	body := d.document(data)
	if body == nil {
		return cfg // an empty or a broken file
	}
	pairs, ok := d.mapping(body, "")
	if !ok {
		return cfg
	}
	var include *pair
	for _, p := range pairs {
		switch p.key {
		case "service":
			cfg.Service = d.service(p.value)
		case "listen":
			cfg.Listen, _ = d.scalar(p.value, "listen")
			if cfg.Listen != "" {
				if _, _, err := net.SplitHostPort(cfg.Listen); err != nil {
					d.errs.add(lineOf(p.value), "listen", "%q is not a host:port address", cfg.Listen)
				}
			}
		case "checks":
			cfg.Checks = d.checks(p.value)
		case "storage":
			if s, ok := d.scalar(p.value, "storage"); ok && s == "" {
				d.errs.add(lineOf(p.value), "storage", "must not be empty (default %s)", DefaultStorage)
			} else if ok {
				cfg.Storage = s
			}
		case "retention":
			cfg.Retention = d.retention(p.value)
		case "pages":
			cfg.Pages = d.pages(p.value)
		case "auth":
			cfg.Auth = d.auth(p.value)
		case "alerting":
			cfg.Alerting = d.alerting(p.value)
		case "notify":
			cfg.Notify = d.channels(p.value)
		case "silences":
			cfg.Silences = d.silences(p.value)
		case "maintenance":
			cfg.Maintenance = d.maintenance(p.value)
		case "cluster":
			cfg.Cluster = d.cluster(p.value)
		case "include":
			include = &p
		default:
			d.unknown(p, "", []string{"service", "listen", "storage", "retention", "pages", "auth", "checks",
				"alerting", "notify", "silences", "maintenance", "cluster", "include"})
		}
	}
	if include != nil {
		// After the file's own checks, so they come first.
		d.include(*include, cfg)
	}
	d.alertRefs(cfg)
	d.dependencyCycles(cfg)
	return cfg
}

// document parses data, within the limits, and returns the body of its one
// document, or nil when it is empty or broken (errors are recorded).
func (d *decoder) document(data []byte) ast.Node {
	toks, ok := d.bound(data)
	if !ok {
		return nil
	}
	f, err := parser.Parse(toks, 0)
	if err != nil {
		line, msg := 0, err.Error()
		var yerr yaml.Error
		if errors.As(err, &yerr) {
			msg = yerr.GetMessage()
			if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
				line = tk.Position.Line
			}
		}
		d.errs.add(line, "", "invalid YAML: %s", msg)
		return nil
	}
	var docs []*ast.DocumentNode
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	for _, doc := range docs {
		d.tags(doc)
	}
	switch {
	case len(docs) == 0:
		return nil // an empty file: no service, no checks
	case len(docs) > 1:
		d.errs.add(lineOf(docs[1]), "", "more than one YAML document")
		return nil
	}
	return docs[0].Body
}

func (d *decoder) service(n ast.Node) Service {
	var s Service
	d.each(n, "service", []string{"name", "version", "description"}, func(p pair, path string) bool {
		switch p.key {
		case "name":
			s.Name, _ = d.scalar(p.value, path)
		case "version":
			s.Version, _ = d.scalar(p.value, path)
		case "description":
			s.Description, _ = d.scalar(p.value, path)
		default:
			return false
		}
		return true
	})
	return s
}

// each calls f with each entry of the mapping n at base and the entry's
// path; an entry f reports false for is an unknown field of base, with
// known as the suggestions.
func (d *decoder) each(n ast.Node, base string, known []string, f func(p pair, path string) bool) {
	pairs, _ := d.mapping(n, base)
	for _, p := range pairs {
		if !f(p, base+"."+p.key) {
			d.unknown(p, base, known)
		}
	}
}

func (d *decoder) checks(n ast.Node) []Check {
	items := d.items(n, "checks", "checks")
	checks := make([]Check, 0, len(items))
	seen := map[string]int{}   // name → index of its first use
	tokens := map[string]int{} // push token → index of its first use
	for i, v := range items {
		c, ok := d.check(v, i)
		if !ok {
			continue
		}
		if first, dup := seen[c.Name]; dup {
			d.errs.add(c.Line, fmt.Sprintf("checks[%d].name", i), "%q is already the name of checks[%d]", c.Name, first)
			continue
		}
		seen[c.Name] = i
		// A push names its target by token alone: two targets with one
		// token would each take the other's pushes.
		if c.Type == "push" {
			token := c.Params.String("token")
			if first, dup := tokens[token]; dup {
				d.errs.errs = append(d.errs.errs, c.Errorf("token", "checks[%d] has the same push token; each push target needs its own", first).(*Error))
				continue
			}
			tokens[token] = i
		}
		checks = append(checks, c)
	}
	return checks
}

// unknown reports a key that has no meaning where it is.
func (d *decoder) unknown(p pair, parent string, known []string) {
	path := p.key
	if parent != "" {
		path = parent + "." + p.key
	}
	d.errs.add(p.line, path, "unknown field%s", suggest(p.key, known))
}

// mapping returns the entries of a mapping node, reporting anything else.
func (d *decoder) mapping(n ast.Node, path string) ([]pair, bool) {
	n = unwrap(n)
	if _, null := n.(*ast.NullNode); null {
		return nil, true
	}
	m, ok := n.(ast.MapNode)
	if !ok {
		what := path
		if what == "" {
			what = "the file"
		}
		d.errs.add(lineOf(n), path, "%s must be a mapping of field: value", what)
		return nil, false
	}
	var pairs []pair
	it := m.MapRange()
	for it.Next() {
		key, ok := scalarText(it.Key())
		if !ok || it.Key().IsMergeKey() {
			d.errs.add(lineOf(it.Key()), path, "keys must be plain field names")
			continue
		}
		pairs = append(pairs, pair{key: key, line: lineOf(it.Key()), value: it.Value()})
	}
	return pairs, true
}

// scalar returns the text of a scalar with ${VAR} expanded.
func (d *decoder) scalar(n ast.Node, path string) (string, bool) {
	text, ok := scalarText(n)
	if !ok {
		if _, alias := unwrap(n).(*ast.AliasNode); alias {
			d.errs.add(lineOf(n), path, "aliases (*name) are not supported")
		} else {
			d.errs.add(lineOf(n), path, "must be a single value, not a %s", nodeKind(n))
		}
		return "", false
	}
	s, err := expand(text, d.lookup)
	if err != nil {
		d.errs.add(lineOf(n), path, "%v", err)
		return "", false
	}
	return s, true
}

// tags reports every tag (!!binary, !custom) under n: the decoder reads
// values as text, so a tag would be silently dropped, and the value it
// marks would not mean what its author meant.
func (d *decoder) tags(n ast.Node) {
	for _, t := range ast.Filter(ast.TagType, n) {
		tag := t.GetToken().Value
		if len(tag) > maxWordBytes {
			tag = strings.ToValidUTF8(tag[:maxWordBytes], "") + "…"
		}
		d.errs.add(lineOf(t), "", "YAML tags such as %s are not supported; write the value without it", quote(tag))
	}
}

// maxWordBytes caps how much of a tag an error quotes.
const maxWordBytes = 40

// unwrap looks through tags (reported by [decoder.tags]) and anchors
// (&name) to the value.
func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		case *ast.MappingKeyNode:
			n = v.Value
		default:
			return n
		}
		if n == nil {
			return &ast.NullNode{}
		}
	}
}

func scalarText(n ast.Node) (string, bool) {
	switch v := unwrap(n).(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return v.GetToken().Value, true
	case *ast.NullNode:
		return "", true
	}
	return "", false
}

func nodeKind(n ast.Node) string {
	switch unwrap(n).(type) {
	case *ast.SequenceNode:
		return "list"
	case ast.MapNode:
		return "mapping"
	}
	return strings.ToLower(unwrap(n).Type().String())
}

func lineOf(n ast.Node) int {
	if n == nil {
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// quote quotes a value for an error message, with any secret it holds
// redacted: a ${VAR} may have put a password where a duration belongs.
func quote(s string) string {
	return fmt.Sprintf("%q", redact.String(s))
}

// maxKnown is the most names an error lists: every field of a check
// type, not every target of a large file.
const maxKnown = 50

// suggest returns " (did you mean x?)" for a close match among known, or
// the list of known names, the first maxKnown of them.
func suggest(s string, known []string) string {
	if best, ok := nearest.Name(s, known); ok {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	switch {
	case len(known) == 0:
		return " (there are none)"
	case len(known) > maxKnown:
		// 30,000 target names would make an error no one reads.
		return fmt.Sprintf(" (known: %s, and %d more)", strings.Join(known[:maxKnown], ", "), len(known)-maxKnown)
	}
	return fmt.Sprintf(" (known: %s)", strings.Join(known, ", "))
}
