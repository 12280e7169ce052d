package notify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// emailSubjectNames is how many target names a subject lists before "…".
const emailSubjectNames = 3

// emailBody returns the mail that carries m, headers and body, its lines
// ending in CRLF. now is its Date.
func emailBody(from *mail.Address, to []*mail.Address, m Message, now time.Time) []byte {
	var b bytes.Buffer
	rcpts := make([]string, len(to))
	for i, a := range to {
		rcpts[i] = a.String()
	}
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", strings.Join(rcpts, ", "))
	// Q-encoding also encodes CR and LF, so no target name can end the
	// header early and add one of its own.
	header("Subject", mime.QEncoding.Encode("utf-8", emailSubject(m.Alerts)))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", emailMessageID(m, from))
	header("Auto-Submitted", "auto-generated") // RFC 3834: no vacation replies
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")

	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(emailText(m.Alerts))) // a bytes.Buffer does not fail
	qp.Close()
	return b.Bytes()
}

// emailMessageID derives the Message-ID from the message's key, so that
// every retry of m has the same one and a receiver can drop duplicates:
// <first 16 bytes of SHA-256(Key), in hex>.vitals@<the From domain>.
func emailMessageID(m Message, from *mail.Address) string {
	key := m.Key
	if key == "" { // not from the dispatcher; still the same for the same alerts
		for _, a := range m.Alerts {
			key += a.DedupKey + "\n"
		}
	}
	sum := sha256.Sum256([]byte(key))
	domain := "vitals.invalid"
	if i := strings.LastIndexByte(from.Address, '@'); i >= 0 && i+1 < len(from.Address) {
		domain = from.Address[i+1:]
	}
	return "<" + hex.EncodeToString(sum[:16]) + ".vitals@" + domain + ">"
}

// emailSubject says what the mail is about: "[FIRING] 3 targets: api, db,
// cache", "[RESOLVED] 1 target: api". A message with open and resolved
// alerts is about the open ones ("[FIRING] 1 target: api (2 resolved)");
// "[REMINDER]" when every open alert is a reminder.
func emailSubject(alerts []Alert) string {
	var open, resolved []string
	reminders := true
	for _, a := range alerts {
		if a.Kind == Resolved {
			resolved = emailAddName(resolved, a.Target)
			continue
		}
		open = emailAddName(open, a.Target)
		reminders = reminders && a.Kind == Reminder
	}
	switch {
	case len(open) == 0:
		return "[RESOLVED] " + emailTargets(resolved)
	case len(resolved) == 0 && reminders:
		return "[REMINDER] " + emailTargets(open)
	case len(resolved) == 0:
		return "[FIRING] " + emailTargets(open)
	case reminders:
		return fmt.Sprintf("[REMINDER] %s (%d resolved)", emailTargets(open), len(resolved))
	default:
		return fmt.Sprintf("[FIRING] %s (%d resolved)", emailTargets(open), len(resolved))
	}
}

func emailAddName(names []string, n string) []string {
	for _, have := range names {
		if have == n {
			return names
		}
	}
	return append(names, n)
}

// emailTargets is "1 target: api" or "5 targets: a, b, c, …".
func emailTargets(names []string) string {
	noun := "targets"
	if len(names) == 1 {
		noun = "target"
	}
	shown := names
	if len(shown) > emailSubjectNames {
		shown = append(shown[:emailSubjectNames:emailSubjectNames], "…")
	}
	return fmt.Sprintf("%d %s: %s", len(names), noun, strings.Join(shown, ", "))
}

// emailText is the body: one paragraph per alert, in the message's order.
func emailText(alerts []Alert) string {
	var b strings.Builder
	counts := map[Kind]int{}
	for _, a := range alerts {
		counts[a.Kind]++
	}
	var summary []string
	for _, k := range []Kind{Firing, Reminder, Resolved} {
		if counts[k] > 0 {
			summary = append(summary, fmt.Sprintf("%d %s", counts[k], k))
		}
	}
	fmt.Fprintf(&b, "vitals: %s\n", strings.Join(summary, ", "))
	for _, a := range alerts {
		b.WriteString("\n")
		emailAlert(&b, a)
	}
	return b.String()
}

func emailAlert(b *strings.Builder, a Alert) {
	title := strings.ToUpper(string(a.Kind))
	if a.Kind == Reminder && a.Reminder > 0 {
		title = fmt.Sprintf("REMINDER %d", a.Reminder)
	}
	fmt.Fprintf(b, "[%s] %s\n", title, a.Target)
	field := func(k, v string) {
		if v == "" {
			return
		}
		// A multi-line message stays inside its field.
		v = strings.ReplaceAll(strings.TrimRight(v, "\n"), "\n", "\n            ")
		fmt.Fprintf(b, "  %-9s %s\n", k+":", v)
	}
	severity := a.Severity
	if severity == "" {
		severity = "critical"
	}
	field("group", a.Group)
	field("severity", severity)
	field("message", a.Message)
	field("since", emailTime(a.Since))
	switch a.Kind {
	case Resolved:
		field("resolved", emailTime(a.At))
		if !a.Since.IsZero() && !a.At.IsZero() {
			field("down for", a.At.Sub(a.Since).Round(time.Second).String())
		}
	case Reminder:
		field("still at", emailTime(a.At))
	}
	field("url", a.URL)
	field("incident", a.Incident)
}

func emailTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 MST")
}
