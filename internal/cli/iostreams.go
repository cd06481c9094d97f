package cli

import (
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// IO is the program's view of the world: streams, whether stdout is a
// terminal, the environment and the clock. Tests inject all of it, so the
// same test covers a TTY and a pipe (cli/cli's IOStreams).
type IO struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	OutTTY bool
	ErrTTY bool
	Width  int
	Getenv func(string) string
	Now    func() time.Time
}

// System returns the real streams.
func System() *IO {
	tty := term.IsTerminal(int(os.Stdout.Fd()))
	width := 100
	if tty {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 20 {
			width = w
		}
	}
	return &IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, OutTTY: tty, ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		Width: width, Getenv: os.Getenv, Now: time.Now}
}

// color reports whether output may be coloured: a TTY, no NO_COLOR
// (no-color.org), no --no-color, and not TERM=dumb.
func (o *IO) color(noColor bool) bool {
	if noColor || !o.OutTTY {
		return false
	}
	if o.Getenv != nil && (o.Getenv("NO_COLOR") != "" || o.Getenv("TERM") == "dumb") {
		return false
	}
	return true
}
