package etcd_test

import (
	"testing"

	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/etcd"
	"github.com/vitalsgo/vitals/internal/testservice"
)

// TestConformance runs the checker suite; the test server has no users.
func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name: "etcd",
		Addr: testservice.EtcdAddr,
		Open: func(addr string) (checktest.Checker, error) {
			return etcd.Open("http://"+addr, nil)
		},
	})
}
