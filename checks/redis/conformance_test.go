package redis_test

import (
	"testing"

	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/redis"
	"github.com/vitalsgo/vitals/internal/testservice"
)

func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name: "Redis",
		Addr: testservice.RedisAddr,
		Open: func(addr string) (checktest.Checker, error) {
			return redis.Open("redis://"+addr, nil)
		},
		OpenWithPassword: func(addr, password string) (checktest.Checker, error) {
			return redis.Open("redis://checktest:"+password+"@"+addr, nil)
		},
	})
}
