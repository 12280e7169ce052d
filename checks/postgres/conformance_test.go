package postgres_test

import (
	"testing"

	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/postgres"
	"github.com/vitalsgo/vitals/internal/testservice"
)

func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name: "PostgreSQL",
		Addr: testservice.PostgresAddr,
		Open: func(addr string) (checktest.Checker, error) {
			return postgres.Open("postgres://postgres@"+addr+"/test?sslmode=disable", nil)
		},
		OpenWithPassword: func(addr, password string) (checktest.Checker, error) {
			return postgres.Open("postgres://"+testservice.PostgresPasswordRole+":"+password+"@"+addr+"/test?sslmode=disable", nil)
		},
	})
}
