// Package excerpttest holds the bodies that test an excerpt's redaction
// where its cuts fall, for the excerpt package and for every caller that
// shows an excerpt of a body it was sent.
package excerpttest

import "strings"

// scan is how far into a body an excerpt looks (excerpt's scan limit).
const scan = 8 << 10

// Case is a body with a secret placed where an excerpt cuts, and a part
// of the secret that must not be shown.
type Case struct {
	Name   string
	Body   string
	Secret string
}

// Cases returns the bodies for an excerpt of n bytes.
func Cases(n int) []Case {
	dsn := "dial postgres://app:hunter2@db/app"
	return []Case{
		// Blanks fold away, so a cut at the scan limit would land in the
		// URL's user info, before the '@' that makes it a URL password.
		{"blanks push a dsn to the scan limit", strings.Repeat(" ", scan-len("dial postgres://app:hunt")) + dsn, "hunt"},
		{"blanks push a token to the scan limit", strings.Repeat("\n", scan-len("ghp_Xq3v")) + "ghp_Xq3vT8kP2mZr5Lw9Nc4Hb7Jd1Fg6Ys0AeUi", "Xq3v"},
		{"dsn at the excerpt's end", strings.Repeat("x", n-len("dial postgres://app:hu")) + dsn, "hu"},
		{"key at the excerpt's end", strings.Repeat("x", n-len(" password=")) + " password=abc", "abc"},
		{"pem across the excerpt's end", strings.Repeat("x", n-40) + " -----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\n-----END PRIVATE KEY-----", "MIIE"},
	}
}
