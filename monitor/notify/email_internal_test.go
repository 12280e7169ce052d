package notify

import (
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestEmailSubject(t *testing.T) {
	a := func(k Kind, target string) Alert { return Alert{Kind: k, Target: target} }
	tests := []struct {
		name   string
		alerts []Alert
		want   string
	}{
		{"one firing", []Alert{a(Firing, "api")}, "[FIRING] 1 target: api"},
		{"three firing", []Alert{a(Firing, "api"), a(Firing, "db"), a(Firing, "cache")}, "[FIRING] 3 targets: api, db, cache"},
		{"more than three", []Alert{a(Firing, "a"), a(Firing, "b"), a(Firing, "c"), a(Firing, "d")}, "[FIRING] 4 targets: a, b, c, …"},
		{"all resolved", []Alert{a(Resolved, "api"), a(Resolved, "db")}, "[RESOLVED] 2 targets: api, db"},
		{"reminders", []Alert{a(Reminder, "api")}, "[REMINDER] 1 target: api"},
		{"firing and resolved", []Alert{a(Resolved, "db"), a(Firing, "api")}, "[FIRING] 1 target: api (1 resolved)"},
		{"reminder and firing", []Alert{a(Reminder, "db"), a(Firing, "api")}, "[FIRING] 2 targets: db, api"},
		{"reminder and resolved", []Alert{a(Reminder, "db"), a(Resolved, "api")}, "[REMINDER] 1 target: db (1 resolved)"},
		// A target whose incident resolved and reopened in one group.
		{"same target twice", []Alert{a(Resolved, "api"), a(Firing, "api")}, "[FIRING] 1 target: api (1 resolved)"},
		{"duplicate names", []Alert{a(Firing, "api"), a(Firing, "api")}, "[FIRING] 1 target: api"},
	}
	for _, tt := range tests {
		if got := emailSubject(tt.alerts); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestEmailHeaderInjection: a target name cannot add a header.
func TestEmailHeaderInjection(t *testing.T) {
	from, _ := mail.ParseAddress("vitals@example.com")
	to, _ := mail.ParseAddress("ops@example.com")
	m := Message{Key: "k", Alerts: []Alert{{Kind: Firing, Target: "api\r\nBcc: thief@example.net"}}}
	head, _, _ := strings.Cut(string(emailBody(from, []*mail.Address{to}, m, time.Now())), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if strings.HasPrefix(line, "Bcc:") {
			t.Errorf("a target name added the header %q:\n%s", line, head)
		}
	}
}
