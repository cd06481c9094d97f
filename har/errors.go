package har

import (
	"errors"
	"strconv"
)

// The kinds of bad input. Every error Read, Next, Cases and Sanitize return
// for a file that is not a readable HAR is an *Error whose Err is one of
// these, so errors.Is(err, har.ErrTruncated) works and a command can map any
// of them to "bad input" (exit 2). A failure of the underlying reader is a
// *ReadError instead, and an error returned by a callback is returned as is.
var (
	ErrNotJSON      = errors.New("not JSON")
	ErrNotHAR       = errors.New("not a HAR file")
	ErrSyntax       = errors.New("invalid JSON")
	ErrTruncated    = errors.New("truncated JSON")
	ErrUTF8         = errors.New("invalid UTF-8")
	ErrTooDeep      = errors.New("nested too deeply")
	ErrNoEntries    = errors.New("no log.entries")
	ErrMissingField = errors.New("missing or invalid field")
)

// Error is a HAR that cannot be read. Its message names the kind, the byte
// offset in the input (counted after decompression, for a gzip file), the
// entry when there is one, and what was expected; it never quotes the
// input, which may hold secrets.
type Error struct {
	Err    error // one of the Err… kinds above
	Offset int64 // byte offset in the input, -1 when not tied to a place
	Entry  int   // index of the entry in log.entries, -1 outside entries
	Msg    string
}

func (e *Error) Error() string {
	s := "har: " + e.Err.Error()
	if e.Offset >= 0 {
		s += " at byte " + strconv.FormatInt(e.Offset, 10)
	}
	if e.Entry >= 0 {
		s += " (entry " + strconv.Itoa(e.Entry) + ")"
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}

// Unwrap returns the kind, so that errors.Is matches it.
func (e *Error) Unwrap() error { return e.Err }

// ReadError is a failure of the underlying reader (an I/O error, a corrupt
// gzip stream), not a fault of the HAR itself.
type ReadError struct {
	Offset int64
	Err    error
}

func (e *ReadError) Error() string {
	return "har: reading input at byte " + strconv.FormatInt(e.Offset, 10) + ": " + e.Err.Error()
}

func (e *ReadError) Unwrap() error { return e.Err }
