package drivers

import (
	"io"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/consul"
	"github.com/vitalsgo/vitals/cmd/vitals/internal/checkers"
	"github.com/vitalsgo/vitals/monitor/config"
)

func buildConsul(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := consul.Open(c.Params.String("address"), &consul.Options{
		Token:     c.Params.String("token"),
		RoundTrip: c.Params.Bool("round_trip"),
		KeyPrefix: c.Params.String("key_prefix"),
		Service:   c.Params.String("service"),
	})
	return checkers.Opened(c, "address", chk, err)
}
