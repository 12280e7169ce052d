package client

import (
	"errors"
	"strings"
	"testing"
)

// A body's secrets do not reach a Parse error wherever the excerpt's cuts
// fall (internal/excerpt tests the cuts themselves).
func TestParseErrorRedactsBeforeCutting(t *testing.T) {
	const scan = 8 << 10
	dsn := "dial postgres://app:hunter2@db/app"
	tests := []struct {
		name   string
		body   string
		secret string
	}{
		{"blanks push a dsn to the scan limit", strings.Repeat(" ", scan-len("dial postgres://app:hunt")) + dsn, "hunt"},
		{"blanks push a token to the scan limit", strings.Repeat("\n", scan-len("ghp_Xq3v")) + "ghp_Xq3vT8kP2mZr5Lw9Nc4Hb7Jd1Fg6Ys0AeUi", "Xq3v"},
		{"dsn at the excerpt's end", strings.Repeat("x", excerptBytes-len("dial postgres://app:hu")) + dsn, "hu"},
		{"key at the excerpt's end", strings.Repeat("x", excerptBytes-len(" password=")) + " password=abc", "abc"},
		{"pem across the excerpt's end", strings.Repeat("x", excerptBytes-40) + " -----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\n-----END PRIVATE KEY-----", "MIIE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(401, "text/plain", []byte(tt.body))
			if err == nil || strings.Contains(err.Error(), tt.secret) {
				t.Errorf("Parse error %v shows %q", err, tt.secret)
			}
			var api *APIError
			if !errors.As(err, &api) || len(api.Body) > excerptBytes+len("…") {
				t.Errorf("Parse error %v: want an APIError with a body of at most %d bytes", err, excerptBytes)
			}
		})
	}
}
