//go:build !linux

package dropaddr

import "testing"

// New skips the test: only Linux is known to drop the SYNs of a full listen
// queue.
func New(t testing.TB) string {
	t.Helper()
	t.Skip("dropaddr: needs Linux")
	return ""
}
