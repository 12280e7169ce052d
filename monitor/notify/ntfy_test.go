package notify

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// checkNtfy checks a request against ntfy's publishing API.
func checkNtfy(t *testing.T, c captured) {
	if c.method != http.MethodPost {
		t.Errorf("method %s", c.method)
	}
	if c.uri != "/alerts-topic" {
		t.Errorf("URI %s", c.uri)
	}
	wantHeader(t, c, "Content-Type", "text/plain; charset=utf-8")
	wantHeader(t, c, "Authorization", "Bearer tk_golden")
	wantHeader(t, c, "X-Title", "")
	if p, err := strconv.Atoi(c.header.Get("X-Priority")); err != nil || p < 1 || p > 5 {
		t.Errorf("X-Priority %q, want 1…5", c.header.Get("X-Priority"))
	}
	for tag := range strings.SplitSeq(c.header.Get("X-Tags"), ",") {
		if tag == "" || strings.TrimSpace(tag) != tag {
			t.Errorf("X-Tags %q", c.header.Get("X-Tags"))
		}
	}
	if len(c.body) == 0 {
		t.Error("empty body")
	}
}

func TestNtfyGolden(t *testing.T) {
	goldenCase(t, http.StatusOK, func(base string) Config {
		return Config{Name: "phone", Type: "ntfy", URL: base + "/alerts-topic", Token: "tk_golden"}
	}, checkNtfy, "Content-Type", "X-Title", "X-Priority", "X-Tags", "X-Click")
}

func TestNtfyTitleNotASCII(t *testing.T) {
	m := Message{Alerts: []Alert{{Kind: Firing, Target: "données"}}}
	title, _, _, _ := ntfyHeaders(m)
	enc := mime.QEncoding.Encode("utf-8", title)
	dec, err := new(mime.WordDecoder).DecodeHeader(enc)
	if err != nil || dec != "FIRING: données" || strings.ContainsFunc(enc, func(r rune) bool { return r > 0x7e }) {
		t.Errorf("title %q encoded %q decodes to %q (%v)", title, enc, dec, err)
	}
}

func TestNtfyPriority(t *testing.T) {
	tests := []struct {
		name   string
		alerts []Alert
		want   int
	}{
		{"critical", []Alert{{Kind: Firing}}, 5},
		{"warning", []Alert{{Kind: Firing, Severity: "warning"}}, 4},
		{"info reminder", []Alert{{Kind: Reminder, Severity: "info"}}, 3},
		{"resolved critical", []Alert{{Kind: Resolved, Severity: "critical"}}, 3},
		{"most severe open", []Alert{{Kind: Resolved}, {Kind: Firing, Severity: "info"}, {Kind: Firing, Severity: "warning"}}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got, _, _ := ntfyHeaders(Message{Alerts: tt.alerts}); got != tt.want {
				t.Errorf("priority %d, want %d", got, tt.want)
			}
		})
	}
}
