package redact

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
)

func TestError(t *testing.T) {
	if Error(nil) != nil {
		t.Error("Error(nil) is not nil")
	}
	clean := errors.New("dial tcp 10.0.0.1:5432: connection refused")
	if got := Error(clean); got != clean {
		t.Errorf("Error of a clean error = %#v, want the error itself", got)
	}

	inner := &net.OpError{Op: "dial", Net: "tcp", Err: context.DeadlineExceeded}
	err := fmt.Errorf("ping postgres://app:hunter2@db:5432/app: %w", inner)
	red := Error(err)
	const want = "ping postgres://app:***@db:5432/app: dial tcp: context deadline exceeded"
	if red.Error() != want {
		t.Errorf("Error(%q) = %q, want %q", err, red, want)
	}
	for _, verb := range []string{"%v", "%+v", "%s", "%q", "%#v"} {
		if s := fmt.Sprintf(verb, red); strings.Contains(s, "hunter2") {
			t.Errorf("%s shows the secret: %s", verb, s)
		}
	}
	if !errors.Is(red, context.DeadlineExceeded) {
		t.Error("errors.Is does not reach context.DeadlineExceeded through Error")
	}
	var op *net.OpError
	if !errors.As(red, &op) || op != inner {
		t.Error("errors.As does not reach the *net.OpError through Error")
	}
	if errors.Unwrap(red) != err {
		t.Error("Error does not unwrap to the error it was given")
	}
	if again := Error(red); again != red {
		t.Errorf("Error(Error(err)) = %#v, want Error(err)", again)
	}

	// Wrapped again, the chain is whole and the text stays redacted.
	wrapped := fmt.Errorf("check db: %w", red)
	if !errors.Is(wrapped, context.DeadlineExceeded) || strings.Contains(wrapped.Error(), "hunter2") {
		t.Errorf("wrapping loses the chain or shows the secret: %v", wrapped)
	}
}

func TestErrorCleanDoesNotAllocate(t *testing.T) {
	err := errors.New(cleanMessage)
	if n := testing.AllocsPerRun(100, func() { _ = Error(err) }); n != 0 {
		t.Errorf("Error of a clean error allocated %v times, want 0", n)
	}
}

func ExampleError() {
	err := fmt.Errorf("dial postgres://app:hunter2@db:5432/app: %w", context.DeadlineExceeded)
	err = Error(err)
	fmt.Println(err)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output:
	// dial postgres://app:***@db:5432/app: context deadline exceeded
	// true
}
