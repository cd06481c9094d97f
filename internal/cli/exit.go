package cli

import (
	"errors"
	"fmt"
)

// Exit codes, the one table (DESIGN.md §2). End-to-end tests assert them.
const (
	// ExitOK: no authentication problem (the resource answered, or the
	// credentials were accepted).
	ExitOK = 0
	// ExitProblem: an authentication problem was diagnosed.
	ExitProblem = 1
	// ExitUsage: bad usage or bad input.
	ExitUsage = 2
	// ExitUnreachable: the target could not be reached or a check could
	// not run.
	ExitUnreachable = 3
)

// exitError carries an exit code and a one-line message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is bad usage or bad input: exit 2.
func usageError(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// unreachable is a target that could not be reached: exit 3.
func unreachable(err error) error { return &exitError{code: ExitUnreachable, err: err} }

// silentExit ends with a code and no message (the report said it all).
type silentExit int

func (s silentExit) Error() string { return fmt.Sprintf("exit %d", int(s)) }

// codeOf maps an error to its exit code.
func codeOf(err error) int {
	var s silentExit
	if errors.As(err, &s) {
		return int(s)
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return ExitUsage // cobra's own errors: unknown flag, missing argument
}
