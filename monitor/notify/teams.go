package notify

import (
	"fmt"
	"strings"
)

func init() { constructors["teams"] = jsonHookOf(teamsBody) }

// teamsMaxAlerts bounds the alerts of one card: Teams refuses messages
// over about 28 KB. The rest are counted in a last block.
const teamsMaxAlerts = 20

type teamsPayload struct {
	Type        string            `json:"type"` // "message"
	Attachments []teamsAttachment `json:"attachments"`
}

type teamsAttachment struct {
	ContentType string    `json:"contentType"`
	Content     teamsCard `json:"content"`
}

type teamsCard struct {
	Schema  string         `json:"$schema"`
	Type    string         `json:"type"` // "AdaptiveCard"
	Version string         `json:"version"`
	Body    []teamsElement `json:"body"`
	MSTeams map[string]any `json:"msteams,omitempty"`
}

// teamsElement is one Adaptive Card element: a TextBlock, a Container, a
// FactSet or an ActionSet; only the fields of its type are set.
type teamsElement struct {
	Type      string         `json:"type"`
	Text      string         `json:"text,omitempty"`
	Size      string         `json:"size,omitempty"`
	Weight    string         `json:"weight,omitempty"`
	Color     string         `json:"color,omitempty"`
	Wrap      bool           `json:"wrap,omitempty"`
	Separator bool           `json:"separator,omitempty"`
	Items     []teamsElement `json:"items,omitempty"`
	Facts     []teamsFact    `json:"facts,omitempty"`
	Actions   []teamsAction  `json:"actions,omitempty"`
}

type teamsFact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

type teamsAction struct {
	Type  string `json:"type"` // "Action.OpenUrl"
	Title string `json:"title"`
	URL   string `json:"url"`
}

// teamsBody is what a teams channel posts: an Adaptive Card, for a
// Microsoft Teams Workflows webhook ("When a Teams webhook request is
// received"). Workflows take Adaptive Cards only, wrapped as Microsoft
// documents it:
// {"type":"message","attachments":[{"contentType":
// "application/vnd.microsoft.card.adaptive","content":{AdaptiveCard}}]},
// the card of version 1.4 with its "$schema", "type" and "body".
func teamsBody(m Message) teamsPayload {
	body := []teamsElement{{
		Type: "TextBlock", Text: summary(m), Size: "Large", Weight: "Bolder",
		Color: teamsColor(Kind(status(m))), Wrap: true,
	}}
	for i, a := range m.Alerts {
		if i == teamsMaxAlerts {
			body = append(body, teamsElement{Type: "TextBlock", Text: fmt.Sprintf("… and %d more", len(m.Alerts)-i), Wrap: true, Separator: true})
			break
		}
		body = append(body, teamsAlert(a))
	}
	return teamsPayload{
		Type: "message",
		Attachments: []teamsAttachment{{
			ContentType: "application/vnd.microsoft.card.adaptive",
			Content: teamsCard{
				Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
				Type:    "AdaptiveCard",
				Version: "1.4",
				Body:    body,
				MSTeams: map[string]any{"width": "Full"},
			},
		}},
	}
}

// teamsAlert is one alert as a Container: its headline, its message, a
// FactSet and a button to the target's page.
func teamsAlert(a Alert) teamsElement {
	items := []teamsElement{{
		Type: "TextBlock", Text: fmt.Sprintf("%s: %s", label(a), a.Target),
		Weight: "Bolder", Color: teamsColor(a.Kind), Wrap: true,
	}}
	if a.Message != "" {
		items = append(items, teamsElement{Type: "TextBlock", Text: truncate(strings.TrimSpace(a.Message), 2000), Wrap: true})
	}
	facts := []teamsFact{{Title: "Severity", Value: severity(a)}}
	if a.Group != "" {
		facts = append(facts, teamsFact{Title: "Group", Value: a.Group})
	}
	if a.Incident != "" {
		facts = append(facts, teamsFact{Title: "Incident", Value: a.Incident})
	}
	if !a.Since.IsZero() {
		facts = append(facts, teamsFact{Title: "Since", Value: stamp(a.Since)})
	}
	if !a.At.IsZero() {
		facts = append(facts, teamsFact{Title: "At", Value: stamp(a.At)})
	}
	items = append(items, teamsElement{Type: "FactSet", Facts: facts})
	if a.URL != "" {
		items = append(items, teamsElement{Type: "ActionSet", Actions: []teamsAction{{
			Type: "Action.OpenUrl", Title: "Open " + a.Target, URL: a.URL,
		}}})
	}
	return teamsElement{Type: "Container", Separator: true, Items: items}
}

// teamsColor is the Adaptive Card color of a kind of news.
func teamsColor(k Kind) string {
	switch k {
	case Resolved:
		return "Good"
	case Reminder:
		return "Warning"
	}
	return "Attention"
}
