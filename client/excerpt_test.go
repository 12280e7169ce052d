package client

import (
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
)

// Excerpts are redacted before they are cut, and the cut neither splits a
// secret into something no rule recognises nor makes one look whole again.
func TestExcerptRedactsBeforeCutting(t *testing.T) {
	dsn := "dial postgres://app:hunter2@db/app"
	tests := []struct {
		name   string
		body   string
		secret string
	}{
		// Blanks fold away, so a cut at the scan limit would land in the
		// URL's user info, before the '@' that makes it a URL password.
		{"blanks push a dsn to the scan limit", strings.Repeat(" ", excerptScan-len("dial postgres://app:hunt")) + dsn, "hunt"},
		{"blanks push a token to the scan limit", strings.Repeat("\n", excerptScan-len("ghp_Xq3v")) + "ghp_Xq3vT8kP2mZr5Lw9Nc4Hb7Jd1Fg6Ys0AeUi", "Xq3v"},
		{"dsn at the excerpt's end", strings.Repeat("x", excerptBytes-len("dial postgres://app:hu")) + dsn, "hu"},
		{"key at the excerpt's end", strings.Repeat("x", excerptBytes-len(" password=")) + " password=abc", "abc"},
		{"pem across the excerpt's end", strings.Repeat("x", excerptBytes-40) + " -----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\n-----END PRIVATE KEY-----", "MIIE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := excerpt([]byte(tt.body))
			if strings.Contains(s, tt.secret) {
				t.Errorf("excerpt shows %q: %q", tt.secret, s)
			}
			if vitals.Redact(s) != s {
				t.Errorf("excerpt %q is not redacted: %q", s, vitals.Redact(s))
			}
			if len(s) > excerptBytes+len("…") {
				t.Errorf("excerpt of %d bytes", len(s))
			}
			_, err := Parse(401, "text/plain", []byte(tt.body))
			if err == nil || strings.Contains(err.Error(), tt.secret) {
				t.Errorf("Parse error %v shows %q", err, tt.secret)
			}
		})
	}
	// What is not cut stays as it was.
	if s := excerpt([]byte("  no\tsecret\r\n here ")); s != "no secret here" {
		t.Errorf("excerpt = %q", s)
	}
}
