package notify

import (
	"context"
	"net/http"
)

func init() { constructors["pagerduty"] = newPagerDuty }

// pagerDutyBase is the Events API v2's host.
const pagerDutyBase = "https://events.pagerduty.com"

// pagerDuty sends each alert of a message as one event to PagerDuty's
// Events API v2 (POST /v2/enqueue). The fields follow PagerDuty's "Send an
// Alert Event" reference: routing_key, event_action ("trigger" for firing
// and reminder news, "resolve"), dedup_key (the incident, so that its
// trigger, reminders and resolve are one PagerDuty alert), and for a
// trigger the payload: summary (≤ 1024 characters), source, severity
// (critical, error, warning or info), timestamp, group, custom_details;
// plus client, client_url and links.
type pagerDuty struct {
	*poster
	url        string
	routingKey string
}

var _ Channel = (*pagerDuty)(nil)

func newPagerDuty(c Config, o Options) (Channel, error) {
	base, err := apiBase(c, "routing_key", c.RoutingKey, pagerDutyBase)
	if err != nil {
		return nil, err
	}
	return &pagerDuty{
		poster:     newPoster(c, o, c.RoutingKey),
		url:        base + "/v2/enqueue",
		routingKey: c.RoutingKey,
	}, nil
}

func (p *pagerDuty) Name() string { return p.name }
func (p *pagerDuty) Type() string { return "pagerduty" }

// Send enqueues one event per alert, in order, and stops at the first
// failure: the retry sends them all again, which PagerDuty's dedup_key
// makes harmless (a second trigger of an open alert adds to its log). The
// API answers 202 Accepted.
func (p *pagerDuty) Send(ctx context.Context, m Message) error {
	ctx, cancel := p.bound(ctx)
	defer cancel()
	for _, a := range m.Alerts {
		body, err := encodeJSON(pagerDutyEvent(p.routingKey, a))
		if err != nil {
			return p.errorf("encode: %w", err)
		}
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		h.Set("User-Agent", userAgent)
		if err := p.do(ctx, request{method: http.MethodPost, url: p.url, header: h, body: body}); err != nil {
			return err
		}
	}
	return nil
}

type pdEvent struct {
	RoutingKey  string     `json:"routing_key"`
	EventAction string     `json:"event_action"` // "trigger" or "resolve"
	DedupKey    string     `json:"dedup_key,omitempty"`
	Payload     *pdPayload `json:"payload,omitempty"` // triggers only
	Client      string     `json:"client,omitempty"`
	ClientURL   string     `json:"client_url,omitempty"`
	Links       []pdLink   `json:"links,omitempty"`
}

type pdPayload struct {
	Summary       string         `json:"summary"`
	Source        string         `json:"source"`
	Severity      string         `json:"severity"`
	Timestamp     string         `json:"timestamp,omitempty"`
	Group         string         `json:"group,omitempty"`
	Class         string         `json:"class,omitempty"`
	CustomDetails map[string]any `json:"custom_details,omitempty"`
}

type pdLink struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

func pagerDutyEvent(routingKey string, a Alert) pdEvent {
	e := pdEvent{RoutingKey: routingKey, EventAction: "trigger", DedupKey: truncate(a.Incident, 255)}
	if a.Kind == Resolved {
		// A resolve needs only its dedup_key; PagerDuty ignores a payload.
		e.EventAction = "resolve"
		return e
	}
	source := a.Target
	if source == "" {
		source = "vitals" // required, and a target always has a name; belt and braces
	}
	details := map[string]any{"kind": string(a.Kind), "incident": a.Incident}
	if a.Message != "" {
		details["message"] = a.Message
	}
	if a.DedupKey != "" {
		details["dedup_key"] = a.DedupKey
	}
	if !a.Since.IsZero() {
		details["since"] = stamp(a.Since)
	}
	if a.Reminder > 0 {
		details["reminder"] = a.Reminder
	}
	if a.URL != "" {
		details["url"] = a.URL
	}
	e.Payload = &pdPayload{
		Summary:       truncate(headline(a), 1024),
		Source:        source,
		Severity:      pagerDutySeverity(a),
		Group:         a.Group,
		Class:         "health check",
		CustomDetails: details,
	}
	if !a.At.IsZero() {
		e.Payload.Timestamp = a.At.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	e.Client = "vitals"
	if a.URL != "" {
		e.ClientURL = a.URL
		e.Links = []pdLink{{Href: a.URL, Text: a.Target + " in vitals"}}
	}
	return e
}

// pagerDutySeverity maps a severity onto PagerDuty's four. One the monitor
// does not know is critical, like an unset one: paging too loudly beats
// not paging.
func pagerDutySeverity(a Alert) string {
	switch s := severity(a); s {
	case "critical", "error", "warning", "info":
		return s
	}
	return "critical"
}
