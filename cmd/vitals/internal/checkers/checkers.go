package checkers

import (
	"io"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/cmd/vitals/internal/config"
	"github.com/vitalsgo/vitals/redact"
)

// builder makes the checker of one type. It returns a nil io.Closer when
// the checker holds nothing to release.
type builder func(c *config.Check) (vitals.Checker, io.Closer, error)

// builders maps every type of config.Types to its builder; a test keeps the
// two lists equal.
var builders = map[string]builder{
	"http":       buildHTTP,
	"remote":     buildRemote,
	"tcp":        buildTCP,
	"dns":        buildDNS,
	"tls":        buildTLS,
	"grpc":       buildGRPC,
	"disk":       buildDisk,
	"writable":   buildWritable,
	"memory":     buildMemory,
	"goroutines": buildGoroutines,
	"postgres":   buildPostgres,
	"mysql":      buildMySQL,
	"redis":      buildRedis,
	"amqp":       buildAMQP,
	"mqtt":       buildMQTT,
	"nats":       buildNATS,
	"etcd":       buildEtcd,
	"memcached":  buildMemcached,
	"bolt":       buildBolt,
	"badger":     buildBadger,
}

// Build returns the checker for c and a function that releases what the
// checker owns. Errors are located at c's field in the file (see
// config.Check.Errorf) and never quote a secret.
func Build(c *config.Check) (vitals.Checker, func() error, error) {
	b, ok := builders[c.Type]
	if !ok {
		return nil, nil, c.Errorf("type", "type %s is not built into this binary", c.Type)
	}
	chk, closer, err := b(c)
	if err != nil {
		return nil, nil, err
	}
	release := func() error { return nil }
	if closer != nil {
		release = closer.Close
	}
	return chk, release, nil
}

// fieldErr locates a constructor's error at field, with secrets redacted
// (the constructors promise not to quote passwords; this is the belt to
// their braces).
func fieldErr(c *config.Check, field string, err error) error {
	return c.Errorf(field, "%s", redact.String(err.Error()))
}
