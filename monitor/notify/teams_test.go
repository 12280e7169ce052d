package notify

import (
	"net/http"
	"strconv"
	"testing"
)

// checkTeams checks a request against the message a Teams Workflows
// webhook takes: one Adaptive Card attachment.
func checkTeams(t *testing.T, c captured) {
	wantPostJSON(t, c)
	v := decode(t, c)
	wantEnum(t, v, "type", "message")
	if a := wantArray(t, v, "attachments"); len(a) != 1 {
		t.Errorf("%d attachments, want 1", len(a))
	}
	wantEnum(t, v, "attachments.0.contentType", "application/vnd.microsoft.card.adaptive")
	card := "attachments.0.content"
	wantEnum(t, v, card+".$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
	wantEnum(t, v, card+".type", "AdaptiveCard")
	wantEnum(t, v, card+".version", "1.4")
	for i := range wantArray(t, v, card+".body") {
		checkTeamsElement(t, v, card+".body."+strconv.Itoa(i))
	}
}

func checkTeamsElement(t *testing.T, v any, p string) {
	t.Helper()
	switch wantEnum(t, v, p+".type", "TextBlock", "Container", "FactSet", "ActionSet") {
	case "TextBlock":
		wantString(t, v, p+".text", 0)
	case "Container":
		for i := range wantArray(t, v, p+".items") {
			checkTeamsElement(t, v, p+".items."+strconv.Itoa(i))
		}
	case "FactSet":
		for i := range wantArray(t, v, p+".facts") {
			wantString(t, v, p+".facts."+strconv.Itoa(i)+".title", 0)
			wantString(t, v, p+".facts."+strconv.Itoa(i)+".value", 0)
		}
	case "ActionSet":
		for i := range wantArray(t, v, p+".actions") {
			wantEnum(t, v, p+".actions."+strconv.Itoa(i)+".type", "Action.OpenUrl")
			wantString(t, v, p+".actions."+strconv.Itoa(i)+".title", 0)
			wantString(t, v, p+".actions."+strconv.Itoa(i)+".url", 0)
		}
	}
}

func TestTeamsGolden(t *testing.T) {
	goldenCase(t, http.StatusAccepted, func(base string) Config {
		return Config{Name: "ops", Type: "teams", URL: base + "/workflows/w1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=S"}
	}, checkTeams, "Content-Type")
}
