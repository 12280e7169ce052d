package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

const testWebhookSecret = "whsec-golden"

// checkWebhook checks a request against the documented webhook contract:
// headers, signature and the version 1 schema.
func checkWebhook(t *testing.T, c captured) {
	wantPostJSON(t, c)
	if c.uri != "/hook" {
		t.Errorf("URI %s, want /hook", c.uri)
	}
	wantHeader(t, c, "Idempotency-Key", "")
	if sig := c.header.Get(SignatureHeader); !VerifySignature(testWebhookSecret, c.body, sig) {
		t.Errorf("%s %q does not sign the body", SignatureHeader, sig)
	}
	v := decode(t, c)
	if v["version"] != "1" {
		t.Errorf("version %v, want \"1\"", v["version"])
	}
	if got, want := v["key"], c.header.Get("Idempotency-Key"); got != want {
		t.Errorf("key %v, Idempotency-Key %q: want the same", got, want)
	}
	wantString(t, v, "channel", 0)
	status := wantEnum(t, v, "status", "firing", "resolved")
	firing := false
	for i := range wantArray(t, v, "alerts") {
		p := "alerts." + strconv.Itoa(i)
		kind := wantEnum(t, v, p+".kind", "firing", "reminder", "resolved")
		firing = firing || kind != "resolved"
		wantString(t, v, p+".incident", 0)
		wantString(t, v, p+".target", 0)
		wantEnum(t, v, p+".severity", "critical", "warning", "info")
		wantTime(t, v, p+".since")
		wantTime(t, v, p+".at")
		if r, ok := at(v, p+".reminder"); ok {
			if _, isNum := r.(float64); !isNum || kind != "reminder" {
				t.Errorf("%s.reminder: %v on a %s alert", p, r, kind)
			}
		}
	}
	if firing != (status == "firing") {
		t.Errorf("status %s, but an alert firing is %v", status, firing)
	}
}

func TestWebhookGolden(t *testing.T) {
	goldenCase(t, http.StatusOK, func(base string) Config {
		return Config{Name: "ops", Type: "webhook", URL: base + "/hook", Secret: testWebhookSecret}
	}, checkWebhook, "Content-Type", "Idempotency-Key", SignatureHeader)
}

func TestWebhookHeaders(t *testing.T) {
	rv := newReceiver(t, http.StatusNoContent, nil)
	ch, err := New(Config{
		Name: "ops", Type: "webhook", URL: rv.URL,
		Headers: map[string]string{"X-Team": "sre", "Content-Type": "application/vnd.ops+json"},
	}, rv.options(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(context.Background(), messages[0].m); err != nil {
		t.Fatal(err)
	}
	c := rv.requests()[0]
	wantHeader(t, c, "X-Team", "sre")
	wantHeader(t, c, "Content-Type", "application/vnd.ops+json")
	wantHeader(t, c, "Idempotency-Key", "msg-1")
	if sig := c.header.Get(SignatureHeader); sig != "" {
		t.Errorf("%s %q sent without a secret", SignatureHeader, sig)
	}
}

func TestWebhookTemplate(t *testing.T) {
	c, logs := sendTemplated(t, Config{
		Secret:   "s",
		Template: `{"text": {{json (printf "%s: %d alerts (%s), first %s at %s" .Channel (len .Alerts) .Status (index .Alerts 0).Target (rfc3339 (index .Alerts 0).At))}}, "key": {{json .Key}}, "v": {{json .Version}}}`,
	}, messages[1].m)
	want := `{"text": "ops: 3 alerts (firing), first db at 2026-12-06T04:53:00Z", "key": "msg-2", "v": "1"}`
	if string(c.body) != want {
		t.Errorf("body\n%s\nwant\n%s", c.body, want)
	}
	if !VerifySignature("s", c.body, c.header.Get(SignatureHeader)) {
		t.Error("the template's output is not what was signed")
	}
	if logs.Len() != 0 {
		t.Errorf("logged %q", logs.String())
	}
}

// A template that fails when executed must not lose the alert: the
// default body goes out, and one log line says so.
func TestWebhookTemplateFailsSendsDefault(t *testing.T) {
	c, logs := sendTemplated(t, Config{Template: "{\n  \"third\": {{json (index .Alerts 2).Target}}\n}"}, messages[0].m)
	var got webhookPayload
	if err := json.Unmarshal(c.body, &got); err != nil || got.Version != "1" || len(got.Alerts) != 1 {
		t.Errorf("body %s (%v), want the default body", c.body, err)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "template failed") || !strings.Contains(lines[0], "channel=ops") ||
		!strings.Contains(lines[0], ":2:") {
		t.Errorf("log %q, want one line naming the channel and the template's line", logs.String())
	}
}

func TestWebhookTemplateTooLong(t *testing.T) {
	c, logs := sendTemplated(t, Config{Template: `{{printf "%2000000s" ""}}`}, messages[0].m)
	if b := c.body; len(b) > 4096 || !bytes.HasPrefix(b, []byte(`{"version":"1"`)) {
		t.Errorf("body of %d bytes, want the default one", len(b))
	}
	if !strings.Contains(logs.String(), "longer than 1 MiB") {
		t.Errorf("log %q", logs.String())
	}
}

func TestWebhookTemplateParseError(t *testing.T) {
	_, err := New(Config{Name: "ops", Type: "webhook", URL: "https://h.example/x", Template: "{\n\"a\": {{.Key}\n}"}, nil)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`webhook "ops"`, "template", "line 2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"version":"1"}`)
	good := sign([]byte("k"), body)
	tests := []struct {
		name, secret, header string
		body                 []byte
		want                 bool
	}{
		{"good", "k", good, body, true},
		{"other secret", "k2", good, body, false},
		{"other body", "k", good, []byte(`{"version":"2"}`), false},
		{"no prefix", "k", strings.TrimPrefix(good, "sha256="), body, false},
		{"not hex", "k", "sha256=zz", body, false},
		{"empty", "k", "", body, false},
		{"upper hex", "k", "sha256=" + strings.ToUpper(strings.TrimPrefix(good, "sha256=")), body, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifySignature(tt.secret, tt.body, tt.header); got != tt.want {
				t.Errorf("VerifySignature = %v, want %v", got, tt.want)
			}
		})
	}
}

// sendTemplated sends m through a webhook channel named ops, configured as
// c with the URL of a new receiver, and returns the request the receiver
// got and what the channel logged.
func sendTemplated(t *testing.T, c Config, m Message) (captured, *bytes.Buffer) {
	t.Helper()
	rv := newReceiver(t, http.StatusOK, nil)
	c.Name, c.Type, c.URL = "ops", "webhook", rv.URL
	var logs bytes.Buffer
	ch, err := New(c, rv.options(&logs))
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return rv.requests()[0], &logs
}
