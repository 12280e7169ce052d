package notify

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// checkSlack checks a request against Slack's incoming-webhook format: a
// "text" fallback and Block Kit blocks within Slack's limits.
func checkSlack(t *testing.T, c captured) {
	wantPostJSON(t, c)
	v := decode(t, c)
	wantString(t, v, "text", 0)
	blocks := wantArray(t, v, "blocks")
	if len(blocks) > 50 {
		t.Errorf("%d blocks, Slack takes at most 50", len(blocks))
	}
	for i := range blocks {
		p := "blocks." + strconv.Itoa(i)
		switch wantEnum(t, v, p+".type", "header", "section") {
		case "header":
			wantEnum(t, v, p+".text.type", "plain_text")
			wantString(t, v, p+".text.text", 150)
		case "section":
			wantEnum(t, v, p+".text.type", "mrkdwn")
			wantString(t, v, p+".text.text", 3000)
		}
	}
}

func TestSlackGolden(t *testing.T) {
	goldenCase(t, http.StatusOK, func(base string) Config {
		return Config{Name: "ops", Type: "slack", URL: base + "/services/T000/B000/XXXX"}
	}, func(t *testing.T, c captured) {
		checkSlack(t, c)
		if c.uri != "/services/T000/B000/XXXX" {
			t.Errorf("URI %s", c.uri)
		}
	}, "Content-Type")
}

// Text from a check's message must not become Slack markup: "<!channel>"
// would notify everyone in the channel.
func TestSlackEscapes(t *testing.T) {
	body := slackBody(messages[1].m)
	for _, b := range body.Blocks {
		if b.Type == "section" && strings.Contains(b.Text.Text, "<!channel>") {
			t.Errorf("section %q holds markup from a message", b.Text.Text)
		}
	}
	if got := body.Blocks[2].Text.Text; !strings.Contains(got, "&lt;!channel&gt; &amp; co") {
		t.Errorf("message not escaped: %q", got)
	}
}

func TestSlackManyAlerts(t *testing.T) {
	var m Message
	for i := range 60 {
		m.Alerts = append(m.Alerts, Alert{Kind: Firing, Incident: fmt.Sprintf("t%d/1", i), Target: fmt.Sprintf("t%d", i),
			Message: strings.Repeat("x", 5000)})
	}
	rv := newReceiver(t, http.StatusOK, checkSlack)
	ch, err := New(Config{Name: "ops", Type: "slack", URL: rv.URL}, rv.options(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rv.requests()[0].body), "… and 15 more") {
		t.Error("the alerts past the limit are not counted")
	}
}
