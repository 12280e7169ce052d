package notify

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const testAPIKey = "og-0123-4567-89ab"

// checkOpsgenie checks a request against the Alert API v2's create and
// close requests.
func checkOpsgenie(t *testing.T, c captured) {
	wantPostJSON(t, c)
	wantHeader(t, c, "Authorization", "GenieKey "+testAPIKey)
	v := decode(t, c)
	u, err := url.ParseRequestURI(c.uri)
	if err != nil {
		t.Fatal(err)
	}
	if u.Path == "/v2/alerts" {
		wantString(t, v, "message", 130)
		wantString(t, v, "alias", 512)
		wantString(t, v, "description", 15000)
		wantEnum(t, v, "priority", "P1", "P2", "P3", "P4", "P5")
		wantString(t, v, "source", 100)
		for i, tag := range wantArray(t, v, "tags") {
			if s, ok := tag.(string); !ok || s == "" || len(s) > 50 {
				t.Errorf("tags.%d: %v", i, tag)
			}
		}
		for k, d := range wantObject(t, v, "details") {
			if _, ok := d.(string); !ok {
				t.Errorf("details.%s: %T, want a string", k, d)
			}
		}
		return
	}
	alias, ok := strings.CutSuffix(strings.TrimPrefix(u.EscapedPath(), "/v2/alerts/"), "/close")
	if !ok || strings.Contains(alias, "/") || u.Query().Get("identifierType") != "alias" {
		t.Errorf("URI %s, want /v2/alerts/{alias, one segment}/close?identifierType=alias", c.uri)
	}
	wantString(t, v, "source", 100)
}

func TestOpsgenieGolden(t *testing.T) {
	goldenCase(t, http.StatusAccepted, func(base string) Config {
		return Config{Name: "oncall", Type: "opsgenie", URL: base + "/", APIKey: testAPIKey}
	}, checkOpsgenie, "Content-Type")
}
