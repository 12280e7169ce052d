package notify

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

func init() { constructors["opsgenie"] = newOpsgenie }

// opsgenieBase is the Alert API's host (EU accounts configure
// https://api.eu.opsgenie.com as the URL).
const opsgenieBase = "https://api.opsgenie.com"

// opsgenie creates and closes alerts through Opsgenie's Alert API v2,
// following its "Create Alert" and "Close Alert" reference:
//
//   - firing: POST /v2/alerts with message (≤ 130 characters, required),
//     alias (≤ 512, the incident), description (≤ 15000), tags, details
//     (string values), entity, source and priority (P1…P5);
//   - reminder: the same create again. Opsgenie de-duplicates on the
//     alias: an open alert with that alias gets its count raised and a log
//     entry instead of a second alert, and an alert someone closed by hand
//     while the incident is still open is opened again, which is what a
//     reminder is for. (Adding a note would need the alert to exist, and
//     fail when it was closed.)
//   - resolved: POST /v2/alerts/{alias}/close?identifierType=alias with
//     source and note.
//
// Requests carry Authorization: GenieKey <api_key>. The API answers 202
// Accepted and processes the request later.
type opsgenie struct {
	*poster
	base   string
	apiKey string
}

var _ Channel = (*opsgenie)(nil)

func newOpsgenie(c Config, o Options) (Channel, error) {
	base, err := apiBase(c, "api_key", c.APIKey, opsgenieBase)
	if err != nil {
		return nil, err
	}
	return &opsgenie{poster: newPoster(c, o, c.APIKey), base: base, apiKey: c.APIKey}, nil
}

func (g *opsgenie) Name() string { return g.name }
func (g *opsgenie) Type() string { return "opsgenie" }

// Send makes one request per alert, in order, and stops at the first
// failure; the alias makes the retry's repeats harmless.
func (g *opsgenie) Send(ctx context.Context, m Message) error {
	ctx, cancel := g.bound(ctx)
	defer cancel()
	for _, a := range m.Alerts {
		r := g.request(a)
		if err := g.do(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

func (g *opsgenie) request(a Alert) request {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", userAgent)
	h.Set("Authorization", "GenieKey "+g.apiKey)
	if a.Kind == Resolved {
		// The alias is one path segment: "api/3" must not become two.
		u := g.base + "/v2/alerts/" + url.PathEscape(a.Incident) + "/close?identifierType=alias"
		body, _ := encodeJSON(opsgenieClose{Source: "vitals", Note: truncate(headline(a)+"\n"+when(a), 25000)})
		return request{method: http.MethodPost, url: u, header: h, body: body}
	}
	body, _ := encodeJSON(opsgenieCreateBody(a))
	return request{method: http.MethodPost, url: g.base + "/v2/alerts", header: h, body: body}
}

type opsgenieCreate struct {
	Message     string            `json:"message"`
	Alias       string            `json:"alias,omitempty"`
	Description string            `json:"description,omitempty"`
	Tags        []string          `json:"tags,omitempty"`
	Details     map[string]string `json:"details,omitempty"`
	Entity      string            `json:"entity,omitempty"`
	Source      string            `json:"source"`
	Priority    string            `json:"priority"`
}

type opsgenieClose struct {
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`
}

func opsgenieCreateBody(a Alert) opsgenieCreate {
	desc := a.Message
	if w := when(a); w != "" {
		desc += "\n\n" + w
	}
	if a.URL != "" {
		desc += "\n" + a.URL
	}
	tags := []string{"vitals", severity(a)}
	if a.Group != "" {
		tags = append(tags, truncate(a.Group, 50))
	}
	details := map[string]string{"kind": string(a.Kind), "target": a.Target, "severity": severity(a)}
	for k, v := range map[string]string{
		"incident": a.Incident, "dedup_key": a.DedupKey, "group": a.Group, "url": a.URL,
	} {
		if v != "" {
			details[k] = v
		}
	}
	if !a.Since.IsZero() {
		details["since"] = stamp(a.Since)
	}
	if !a.At.IsZero() {
		details["at"] = stamp(a.At)
	}
	if a.Reminder > 0 {
		details["reminder"] = fmt.Sprint(a.Reminder)
	}
	return opsgenieCreate{
		Message:     truncate(headline(a), 130),
		Alias:       truncate(a.Incident, 512),
		Description: truncate(strings.TrimSpace(desc), 15000),
		Tags:        tags,
		Details:     details,
		Entity:      truncate(a.Target, 512),
		Source:      "vitals",
		Priority:    opsgeniePriority(a),
	}
}

// opsgeniePriority maps a severity onto Opsgenie's P1 (highest) … P5.
// An unknown severity is P1, like critical, the default.
func opsgeniePriority(a Alert) string {
	switch severity(a) {
	case "warning":
		return "P3"
	case "info":
		return "P5"
	case "error":
		return "P2"
	}
	return "P1"
}

// apiBase checks the key an API takes, named keyField in the
// configuration (required, without blanks or control characters), and
// returns the API's base: c.URL without a trailing '/', or def when c.URL
// is unset.
func apiBase(c Config, keyField, key, def string) (string, error) {
	if key == "" {
		return "", errorf(c, "%s is required", keyField)
	}
	if strings.ContainsFunc(key, isSpaceOrControl) {
		return "", errorf(c, "%s holds a blank or a control character", keyField)
	}
	if c.URL == "" {
		return def, nil
	}
	if err := checkURL(c, "url"); err != nil {
		return "", err
	}
	if strings.ContainsAny(c.URL, "?#") {
		return "", errorf(c, "url is an API base and must not hold a query or fragment")
	}
	return strings.TrimRight(c.URL, "/"), nil
}

// errorf is a construction error naming c's type and name.
func errorf(c Config, format string, args ...any) error {
	return fmt.Errorf("notify: %s %q: "+format, append([]any{c.Type, c.Name}, args...)...)
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }
