package checkers

import (
	"io"
	"slices"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/config"
	"github.com/vitalsgo/vitals/redact"
)

// Builder makes the checker of one type. It returns a nil io.Closer when
// the checker holds nothing to release.
type Builder func(c *config.Check) (vitals.Checker, io.Closer, error)

// builders maps every type to its builder. The stdlib and gRPC types are
// always here; the types of third-party drivers are added by package
// drivers, which only the vitals-full binary links (see [Register]).
var builders = map[string]Builder{
	"http":       buildHTTP,
	"remote":     buildRemote,
	"health":     buildHealth,
	"push":       buildPush,
	"tcp":        buildTCP,
	"dns":        buildDNS,
	"tls":        buildTLS,
	"grpc":       buildGRPC,
	"disk":       buildDisk,
	"writable":   buildWritable,
	"memory":     buildMemory,
	"goroutines": buildGoroutines,
}

// Register adds the builder of a check type whose driver lives outside this
// package. It is called from package drivers' init, before main, and panics
// on a type config does not know or one registered twice: both are
// programming errors.
func Register(typ string, b Builder) {
	if !slices.Contains(config.Types(), typ) {
		panic("checkers: Register of unknown type " + typ)
	}
	if _, dup := builders[typ]; dup {
		panic("checkers: Register called twice for type " + typ)
	}
	builders[typ] = b
}

// Missing returns the types of cfg's checks whose drivers are not linked
// into this binary, each once, in the order they first appear. The vitals
// binary leaves the third-party drivers out, so that `vitals probe` starts
// as fast as curl, and runs vitals-full for a configuration that needs them.
func Missing(cfg *config.Config) []string {
	var missing []string
	for i := range cfg.Checks {
		typ := cfg.Checks[i].Type
		if !Linked(typ) && !slices.Contains(missing, typ) {
			missing = append(missing, typ)
		}
	}
	return missing
}

// Linked reports whether this binary can build checks of type typ.
func Linked(typ string) bool {
	_, ok := builders[typ]
	return ok
}

// Build returns the checker for c and a function that releases what the
// checker owns. Errors are located at c's field in the file (see
// config.Check.Errorf) and never quote a secret; a type whose driver is
// not linked in (see [Missing]) is one of them.
func Build(c *config.Check) (vitals.Checker, func() error, error) {
	b, ok := builders[c.Type]
	if !ok {
		return nil, nil, c.Errorf("type", "type %s needs a driver that is not linked into this binary (vitals-full has it)", c.Type)
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

// built returns what a [Builder] returns for a constructor's checker and
// error: the error located at field (see [FieldError]), or the checker,
// which holds nothing to release.
func built(c *config.Check, field string, chk vitals.Checker, err error) (vitals.Checker, io.Closer, error) {
	if err != nil {
		return nil, nil, FieldError(c, field, err)
	}
	return chk, nil, nil
}

// Opened is what a [Builder] returns for a constructor's checker and
// error when the checker owns a connection: the error located at field
// (see [FieldError]), or the checker, which is also what releases the
// connection.
func Opened(c *config.Check, field string, chk interface {
	vitals.Checker
	io.Closer
}, err error) (vitals.Checker, io.Closer, error) {
	if err != nil {
		return nil, nil, FieldError(c, field, err)
	}
	return chk, chk, nil
}

// FieldError locates a constructor's error at field, with secrets redacted
// (the constructors promise not to quote passwords; this is the belt to
// their braces).
func FieldError(c *config.Check, field string, err error) error {
	return c.Errorf(field, "%s", redact.String(err.Error()))
}
