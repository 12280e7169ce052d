package notify

import (
	"fmt"
	"strings"
)

func init() { constructors["slack"] = jsonHookOf(slackBody) }

// Slack's documented limits for incoming webhooks and Block Kit: at most
// 50 blocks per message, 150 characters of a header's text and 3000 of a
// section's. Alerts past slackMaxAlerts are counted in a last section.
const (
	slackMaxAlerts  = 45
	slackHeaderText = 150
	slackSection    = 3000
	slackMessage    = 500 // of an alert's message, so that a section stays readable
)

type slackPayload struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type string     `json:"type"` // "header" or "section"
	Text *slackText `json:"text"`
}

type slackText struct {
	Type  string `json:"type"` // "plain_text" or "mrkdwn"
	Text  string `json:"text"`
	Emoji bool   `json:"emoji,omitempty"` // plain_text only
}

// slackBody is what a slack channel posts to a Slack incoming webhook:
// {"text": …, "blocks": […]}, the shape Slack documents for incoming
// webhooks ("text" is the fallback shown in notifications when a message
// has blocks; blocks are Block Kit header and section blocks, section text
// in mrkdwn).
func slackBody(m Message) slackPayload {
	p := slackPayload{
		Text: slackEscape(summary(m)),
		Blocks: []slackBlock{{Type: "header", Text: &slackText{
			Type: "plain_text", Text: truncate(slackTitle(m), slackHeaderText), Emoji: true,
		}}},
	}
	for i, a := range m.Alerts {
		if i == slackMaxAlerts {
			p.Blocks = append(p.Blocks, slackSectionBlock(fmt.Sprintf("… and %d more", len(m.Alerts)-i)))
			break
		}
		p.Blocks = append(p.Blocks, slackSectionBlock(slackAlert(a)))
	}
	return p
}

func slackSectionBlock(text string) slackBlock {
	return slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: truncate(text, slackSection)}}
}

// slackTitle heads the message: the headline of one alert, or the counts.
func slackTitle(m Message) string {
	if len(m.Alerts) == 1 {
		a := m.Alerts[0]
		return fmt.Sprintf("%s %s: %s", slackEmoji(a.Kind), label(a), a.Target)
	}
	return fmt.Sprintf("%s %s", slackEmoji(Kind(status(m))), summary(m))
}

// slackAlert is one alert as a section's mrkdwn.
func slackAlert(a Alert) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s* %s", label(a), slackEscape(a.Target))
	meta := []string{severity(a)}
	if a.Group != "" {
		meta = append(meta, "group "+a.Group)
	}
	fmt.Fprintf(&b, " (%s)", slackEscape(strings.Join(meta, ", ")))
	if a.Message != "" {
		b.WriteString("\n>" + slackEscape(truncate(oneLine(a.Message), slackMessage)))
	}
	if w := when(a); w != "" {
		b.WriteString("\n" + w)
	}
	if a.URL != "" {
		// A link's URL is escaped like text; '|' would end it early.
		fmt.Fprintf(&b, " · <%s|open>", slackEscape(strings.ReplaceAll(a.URL, "|", "%7C")))
	}
	return b.String()
}

func slackEmoji(k Kind) string {
	switch k {
	case Resolved:
		return "✅"
	case Reminder:
		return "🔔"
	}
	return "🚨"
}

// slackEscape escapes the three characters Slack's mrkdwn reads as markup
// (Slack's "Escaping text" in its formatting reference): a message
// holding "<!channel>" must not ping a channel.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
