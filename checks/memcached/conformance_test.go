package memcached_test

import (
	"testing"
	"time"

	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/memcached"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// TestConformance runs the checker suite; memcached has no credentials.
func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name: "memcached",
		// Below the client's own 500ms I/O timeout, so that the deadline
		// is what ends a check against a silent server.
		Timeout: 400 * time.Millisecond,
		Addr:    testservice.MemcachedAddr,
		Open: func(addr string) (checktest.Checker, error) {
			return memcached.Open(addr, nil)
		},
	})
}
