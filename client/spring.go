package client

import (
	"encoding/json"

	"github.com/vitalsgo/vitals"
)

// --- Spring Boot actuator: {"status","details","components":{name:{…}}}
// (Boot 2.2+), components under "details" (Boot 2.0 and 2.1), or as
// top-level members beside "status" (Boot 1.x) ---

// maxSpringDepth bounds how deep nested components are listed: a hostile
// body nested thousands deep would otherwise make names quadratic in its
// size. Deeper components count through their ancestor's status.
const maxSpringDepth = 8

// springNode is one component, its own members kept raw because where its
// children are depends on the Spring Boot version.
type springNode = object

func parseSpring(r *Report, body []byte) error {
	var root springNode
	if err := json.Unmarshal(body, &root); err != nil {
		return err
	}
	words := root.words("status")
	if len(words) == 0 {
		return errNoStatus
	}
	s := vitals.StatusPass
	for _, word := range words {
		ws, err := parseWord(word)
		if err != nil {
			// Spring allows custom codes; their HTTP mapping is the
			// service's, so the code tells.
			ws = statusFromCode(r.Code)
			if r.Message == "" {
				r.Message = err.Error()
			}
		}
		s = worst(s, ws)
	}
	r.Status = s
	if r.Message == "" {
		r.Message = springMessage(root)
	}
	springChecks(r, "", springChildren(root), 1)
	return nil
}

// springChild is a component and the name its parent gives it.
type springChild struct {
	name string
	node springNode
}

func springChecks(r *Report, prefix string, children []springChild, depth int) {
	if depth > maxSpringDepth {
		return
	}
	for _, c := range children {
		st, msg := checkWords(c.node.words("status"), springMessage(c.node))
		r.Checks = append(r.Checks, Check{Name: prefix + c.name, Status: st, Message: msg})
		springChecks(r, prefix+c.name+"/", springChildren(c.node), depth+1)
	}
}

// words returns the string values of key; Spring's members are read
// leniently, a value of another type counting as absent.
func (o object) words(key string) []string {
	var out []string
	for _, m := range o {
		var s string
		if m.key == key && json.Unmarshal(m.value, &s) == nil && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// objects returns the object values of key, leniently as words does.
func (o object) objects(key string) []object {
	var out []object
	for _, m := range o {
		var obj object
		if m.key == key && string(m.value) != "null" && json.Unmarshal(m.value, &obj) == nil {
			out = append(out, obj)
		}
	}
	return out
}

// springMessage is the "error" Spring's indicators set on DOWN, in details
// (Boot 2+) or beside the status (Boot 1.x).
func springMessage(n springNode) string {
	var errs []string
	for _, details := range n.objects("details") {
		errs = append(errs, details.words("error")...)
	}
	if msg := joinText(errs); msg != "" {
		return msg
	}
	return joinText(n.words("error"))
}

// springChildren returns the components of n: its "components" (Boot
// 2.2+), or else the members of its "details" (Boot 2.0, 2.1) or of n
// itself (Boot 1.x) that are objects with a "status".
func springChildren(n springNode) []springChild {
	if comps := n.objects("components"); len(comps) > 0 {
		var out []springChild
		for _, c := range comps {
			for _, m := range c {
				var node springNode
				if json.Unmarshal(m.value, &node) == nil {
					out = append(out, springChild{name: m.key, node: node})
				}
			}
		}
		return out
	}
	var out []springChild
	for _, details := range n.objects("details") {
		out = append(out, statusMembers(details)...)
	}
	if len(out) > 0 {
		return out
	}
	return statusMembers(n)
}

func statusMembers(n springNode) []springChild {
	var out []springChild
	for _, m := range n {
		if m.key == "details" || m.key == "components" {
			continue
		}
		var node springNode
		if json.Unmarshal(m.value, &node) != nil || len(node.words("status")) == 0 {
			continue
		}
		out = append(out, springChild{name: m.key, node: node})
	}
	return out
}
