package har

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
)

func readFile(name string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", name)) }

func seeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.har")
	bad, _ := filepath.Glob("testdata/bad/*.har")
	for _, file := range append(files, bad...) {
		if b, err := os.ReadFile(file); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"u"},"response":{"status":401}}]}}`))
}

// FuzzRead: any input gives entries or a *Error / *ReadError, never a panic;
// reading a byte at a time gives the same result; an input read without
// error is valid JSON.
func FuzzRead(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		whole := describe(b, func(r io.Reader) io.Reader { return r })
		if chunked := describe(b, iotest.OneByteReader); chunked != whole {
			t.Fatalf("read whole:\n%s\nread a byte at a time:\n%s", whole, chunked)
		}
		n := 0
		sum, err := Read(bytes.NewReader(b), func(*Entry) error { n++; return nil })
		if err != nil {
			var he *Error
			var re *ReadError
			if !errors.As(err, &he) && !errors.As(err, &re) {
				t.Fatalf("error %T: %v", err, err)
			}
			return
		}
		if sum.Entries != n {
			t.Fatalf("Summary.Entries %d, %d callbacks", sum.Entries, n)
		}
		if !sum.Gzip && !json.Valid(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
	})
}

// FuzzSanitize: Sanitize writes valid JSON or fails; what Read accepts
// before, it accepts after, with the same entries and statuses.
func FuzzSanitize(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var out bytes.Buffer
		_, err := Sanitize(bytes.NewReader(b), &out, SanitizeOptions{KeepClaims: len(b)%2 == 0, KeepPostData: len(b)%3 == 0})
		if err != nil {
			return
		}
		if !json.Valid(out.Bytes()) {
			t.Fatalf("Sanitize wrote invalid JSON:\n%s", out.Bytes())
		}
		before, berr := Read(bytes.NewReader(b), func(*Entry) error { return nil })
		after, aerr := Read(bytes.NewReader(out.Bytes()), func(*Entry) error { return nil })
		if berr != nil {
			return
		}
		if aerr != nil {
			t.Fatalf("read before: ok; after Sanitize: %v", aerr)
		}
		if before.Entries != after.Entries || len(before.StatusCounts) != len(after.StatusCounts) {
			t.Fatalf("before %+v\nafter %+v", before, after)
		}
		for s, n := range before.StatusCounts {
			if after.StatusCounts[s] != n {
				t.Fatalf("status %d: %d before, %d after", s, n, after.StatusCounts[s])
			}
		}
	})
}
