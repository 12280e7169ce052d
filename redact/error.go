package redact

// Error returns err with its text passed through [String]. The error it
// returns unwraps to err, so [errors.Is] and [errors.As] still see err's
// whole chain: a checker's failure keeps matching
// [context.DeadlineExceeded] or a driver's error type after redaction.
// Those errors are the originals, unredacted; whoever prints one of them
// redacts it again.
//
// When err's text holds no secret, Error returns err itself, so it
// allocates nothing for the common case and Error(Error(err)) is
// Error(err). A nil err gives nil.
func Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	shown := String(msg)
	if shown == msg {
		return err
	}
	return &redactedError{msg: shown, err: err}
}

// redactedError is an error whose text was redacted. It has no Format
// method: the fmt verbs all print the redacted text.
type redactedError struct {
	msg string // err's text, redacted
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
