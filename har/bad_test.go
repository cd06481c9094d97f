package har_test

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/why401/why401/har"
)

var update = flag.Bool("update", false, "rewrite the expected errors in testdata/bad/*.err")

// TestBadInputGivesItsExactError reads every file of testdata/bad (one fault
// per file) and compares the error with the .err file beside it. Every
// error is a *har.Error (bad input, exit 2) or, for a broken gzip stream, a
// *har.ReadError; none is a panic, and Sanitize refuses the same files.
func TestBadInputGivesItsExactError(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.har")
	if err != nil || len(files) == 0 {
		t.Fatal("no fixtures", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".har")
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = har.Read(f, func(*har.Entry) error { return nil })
			if err == nil {
				t.Fatal("Read: no error")
			}
			var he *har.Error
			var re *har.ReadError
			if !errors.As(err, &he) && !errors.As(err, &re) {
				t.Errorf("Read error %T is neither *har.Error nor *har.ReadError", err)
			}
			errFile := strings.TrimSuffix(file, ".har") + ".err"
			if *update {
				if err := os.WriteFile(errFile, []byte(err.Error()+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, rerr := os.ReadFile(errFile)
			if rerr != nil {
				t.Fatalf("%v (run go test -update)", rerr)
			}
			if got := err.Error(); got != strings.TrimSuffix(string(want), "\n") {
				t.Errorf("Read(%s) error\n got: %s\nwant: %s", name, got, want)
			}

			// Sanitize refuses the file too, with an error of the same kind.
			f.Seek(0, io.SeekStart)
			_, serr := har.Sanitize(f, io.Discard, har.SanitizeOptions{})
			if serr == nil {
				// Sanitize checks structure, not the fields a diagnosis needs.
				if he != nil && errors.Is(he, har.ErrMissingField) {
					return
				}
				t.Fatal("Sanitize: no error")
			}
			if he != nil && !errors.Is(serr, he.Err) {
				t.Errorf("Sanitize error %q, want kind %q", serr, he.Err)
			}
		})
	}
}
