package api_test

import (
	"testing"

	"go.uber.org/goleak"
)

// The store's database/sql pool runs goroutines; every test closes what it
// opened.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
