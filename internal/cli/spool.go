package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// spool holds output that must be written after something only known at
// the end (a HAR's entry count comes before its reports in the document):
// in memory up to a limit, then in a temporary file, so that a HAR with
// thousands of 401s is rendered in bounded memory.
type spool struct {
	limit int
	mem   bytes.Buffer
	file  *os.File
	err   error
}

// spoolMemory is how much a spool keeps in memory before it spills.
const spoolMemory = 4 << 20

func (s *spool) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.file == nil && s.mem.Len()+len(p) > s.limitOrDefault() {
		f, err := os.CreateTemp("", "why401-har-*.tmp")
		if err != nil {
			s.err = fmt.Errorf("spooling the reports: %w", err)
			return 0, s.err
		}
		// The file is removed at once: it lives as long as it is open,
		// and nothing is left behind if the program is killed.
		_ = os.Remove(f.Name())
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			f.Close()
			s.err = fmt.Errorf("spooling the reports: %w", err)
			return 0, s.err
		}
		s.mem = bytes.Buffer{}
		s.file = f
	}
	if s.file != nil {
		n, err := s.file.Write(p)
		if err != nil {
			s.err = fmt.Errorf("spooling the reports: %w", err)
		}
		return n, s.err
	}
	return s.mem.Write(p)
}

func (s *spool) limitOrDefault() int {
	if s.limit > 0 {
		return s.limit
	}
	return spoolMemory
}

// WriteTo copies what was spooled to w.
func (s *spool) WriteTo(w io.Writer) (int64, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.file == nil {
		return s.mem.WriteTo(w)
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("spooling the reports: %w", err)
	}
	return io.Copy(w, s.file)
}

// empty reports whether nothing was written yet (for the first comma of a
// list).
func (s *spool) empty() bool { return s.file == nil && s.mem.Len() == 0 }

// Close releases the temporary file, if any.
func (s *spool) Close() error {
	if s.file != nil {
		return s.file.Close()
	}
	return nil
}
