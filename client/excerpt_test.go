package client

import (
	"errors"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals/internal/excerpt/excerpttest"
)

// A body's secrets do not reach a Parse error wherever the excerpt's cuts
// fall (internal/excerpt tests the cuts themselves).
func TestParseErrorRedactsBeforeCutting(t *testing.T) {
	for _, tt := range excerpttest.Cases(excerptBytes) {
		t.Run(tt.Name, func(t *testing.T) {
			_, err := Parse(401, "text/plain", []byte(tt.Body))
			if err == nil || strings.Contains(err.Error(), tt.Secret) {
				t.Errorf("Parse error %v shows %q", err, tt.Secret)
			}
			var api *APIError
			if !errors.As(err, &api) || len(api.Body) > excerptBytes+len("…") {
				t.Errorf("Parse error %v: want an APIError with a body of at most %d bytes", err, excerptBytes)
			}
		})
	}
}
