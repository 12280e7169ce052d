package config

import (
	"testing"

	"go.uber.org/goleak"
)

// Parse builds a throwaway monitor per check to validate its options; it
// must leave nothing running.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
