package notify

import (
	"testing"

	"go.uber.org/goleak"
)

// Every channel's Send makes requests (HTTP, SMTP) and some tests start
// servers (mailpit, Alertmanager); none may leave a connection's
// goroutines behind once its server and client are closed.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
