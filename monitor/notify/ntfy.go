package notify

import (
	"context"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

func init() { constructors["ntfy"] = newNtfy }

// ntfyMaxBody keeps a message under ntfy's default message limit (4096
// bytes); a longer body would arrive as an attachment.
const ntfyMaxBody = 4000

// ntfy publishes to an ntfy topic: POST to the topic URL with the message
// as a plain-text body and ntfy's publishing headers (its "Publishing"
// documentation): X-Title, X-Priority (1 min … 5 max/urgent), X-Tags
// (comma-separated; emoji short codes show as emojis), X-Click (the page
// a tap opens), and Authorization: Bearer <token> for a protected topic.
type ntfy struct {
	*poster
	url     string
	token   string
	headers map[string]string
}

var _ Channel = (*ntfy)(nil)

func newNtfy(c Config, o Options) (Channel, error) {
	if err := checkURL(c, "url"); err != nil {
		return nil, err
	}
	reserved := []string{"X-Title", "X-Priority", "X-Tags", "X-Click"}
	if c.Token != "" {
		reserved = append(reserved, "Authorization")
		if strings.ContainsFunc(c.Token, isSpaceOrControl) {
			return nil, errorf(c, "token holds a blank or a control character")
		}
	}
	if err := checkHeaders(c, reserved...); err != nil {
		return nil, err
	}
	// The topic URL is a secret too: on a public server, whoever knows
	// the topic reads it. Header values may be a credential.
	return &ntfy{
		poster:  newPoster(c, o, append(headerValues(c.Headers), c.URL, c.Token)...),
		url:     c.URL,
		token:   c.Token,
		headers: c.Headers,
	}, nil
}

func (n *ntfy) Name() string { return n.name }
func (n *ntfy) Type() string { return "ntfy" }

// Send publishes m as one notification.
func (n *ntfy) Send(ctx context.Context, m Message) error {
	ctx, cancel := n.bound(ctx)
	defer cancel()
	h := http.Header{}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("User-Agent", userAgent)
	addHeaders(h, n.headers)
	title, prio, tags, click := ntfyHeaders(m)
	// Header values must be ASCII; ntfy decodes RFC 2047 encoded words.
	h.Set("X-Title", mime.QEncoding.Encode("utf-8", title))
	h.Set("X-Priority", strconv.Itoa(prio))
	h.Set("X-Tags", strings.Join(tags, ","))
	if click != "" {
		h.Set("X-Click", click)
	}
	if n.token != "" {
		h.Set("Authorization", "Bearer "+n.token)
	}
	return n.do(ctx, request{method: http.MethodPost, url: n.url, header: h, body: []byte(ntfyBody(m))})
}

// ntfyHeaders derives the publishing headers: a title; the priority of the
// most severe alert not resolved (critical 5, error and warning 4, info 3),
// 3 (default) when all are resolved; a status emoji and "vitals" as tags;
// the first alert's page to open on a tap.
func ntfyHeaders(m Message) (title string, prio int, tags []string, click string) {
	title = "vitals: " + summary(m)
	if len(m.Alerts) == 1 {
		a := m.Alerts[0]
		title = label(a) + ": " + a.Target
	}
	prio = 3
	for _, a := range m.Alerts {
		if a.Kind == Resolved {
			continue
		}
		p := 5
		switch severity(a) {
		case "warning", "error":
			p = 4
		case "info":
			p = 3
		}
		prio = max(prio, p)
	}
	emoji := "rotating_light"
	switch {
	case status(m) == string(Resolved):
		emoji = "white_check_mark"
	case allKind(m, Reminder):
		emoji = "bell"
	}
	for _, a := range m.Alerts {
		if a.URL != "" {
			click = a.URL
			break
		}
	}
	return truncate(oneLine(title), 250), prio, []string{emoji, "vitals"}, click
}

func allKind(m Message, k Kind) bool {
	for _, a := range m.Alerts {
		if a.Kind != k {
			return false
		}
	}
	return len(m.Alerts) > 0
}

// ntfyBody is the plain-text message: for each alert its headline, when,
// and its page.
func ntfyBody(m Message) string {
	var b strings.Builder
	for i, a := range m.Alerts {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(headline(a))
		b.WriteString(" (" + severity(a))
		if a.Group != "" {
			b.WriteString(", group " + a.Group)
		}
		b.WriteString(")")
		if w := when(a); w != "" {
			b.WriteString("\n" + w)
		}
		if a.URL != "" {
			b.WriteString("\n" + a.URL)
		}
	}
	return truncate(b.String(), ntfyMaxBody)
}
