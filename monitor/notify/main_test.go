package notify_test

import (
	"testing"

	"go.uber.org/goleak"
)

// The channels' tests start servers (mailpit, Alertmanager, listeners) and
// HTTP clients; each closes what it opened.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
