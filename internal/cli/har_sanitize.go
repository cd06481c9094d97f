package cli

import (
	"bufio"
	"errors"
	"fmt"

	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/why401/why401/har"
)

// harSanitizeOptions are the flags of `why401 har sanitize`.
type harSanitizeOptions struct {
	io           *IO
	in, out      string
	keepClaims   bool
	keepPostData bool
	dropBodies   bool
	compact      bool
}

func newHARSanitizeCmd(io *IO) *cobra.Command {
	o := &harSanitizeOptions{io: io}
	c := &cobra.Command{
		Use:   "sanitize IN [-o OUT] [--keep-claims]",
		Short: "Scrub the secrets from a HAR, keeping what a diagnosis needs",
		Long: `Copy a HAR with every secret redacted, so that it can be shared: cookie values (Cookie, Set-Cookie,
the cookies arrays), Authorization and Proxy-Authorization credentials (the scheme is kept), API-key
and token headers, JWTs anywhere (with --keep-claims only their signatures), user:pass@ and token-like
parameters in every URL, request bodies (unless --keep-post-data), and secrets inside the short
response bodies it keeps. Names, attributes, statuses, challenges, timings and sizes are kept, and
equal values get equal tags, so why401 har diagnoses the copy as it diagnoses the original.

IN may be - (standard input); OUT defaults to standard output. OUT is written to a temporary file
next to it and renamed when complete, and may not be IN.`,
		Example: `  why401 har sanitize export.har -o export.sanitized.har
  why401 har sanitize export.har --keep-claims > shared.har   (keeps JWT expiry for token.expired)
  why401 har export.sanitized.har                            (diagnoses the same)`,
		Args: exactArgs(1, "the HAR file IN (- for standard input)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.in = args[0]
			return runHARSanitize(o)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.out, "output", "o", "", "write the sanitized HAR to `OUT` (default: standard output)")
	f.BoolVar(&o.keepClaims, "keep-claims", false, "keep the header and claims of JWTs (they name users and clients), redacting only their signatures")
	f.BoolVar(&o.keepPostData, "keep-post-data", false, "keep request bodies, scrubbed like response bodies, instead of removing them")
	f.BoolVar(&o.dropBodies, "drop-bodies", false, "remove every response body, even the short ones a diagnosis reads")
	f.BoolVar(&o.compact, "compact", false, "write without indentation")
	return c
}

func runHARSanitize(o *harSanitizeOptions) error {
	if o.out != "" && o.out != "-" && o.in != "-" && sameFile(o.in, o.out) {
		return usageError("-o %s is the input file: write the sanitized copy elsewhere", o.out)
	}
	in, _, closeIn, err := openHAR(o.io, o.in)
	if err != nil {
		return err
	}
	defer closeIn()
	opts := har.SanitizeOptions{KeepClaims: o.keepClaims, KeepPostData: o.keepPostData, DropBodies: o.dropBodies, Compact: o.compact}

	if o.out == "" || o.out == "-" {
		w := bufio.NewWriterSize(o.io.Out, 64<<10)
		st, err := har.Sanitize(in, w, opts)
		if ferr := w.Flush(); err == nil && ferr != nil {
			return fmt.Errorf("writing the sanitized HAR: %w", ferr)
		}
		if err != nil {
			return harInputError(err)
		}
		sanitizeSummary(o.io, st, "")
		return nil
	}

	// A temporary file next to OUT, renamed once complete: a half-written
	// file never takes OUT's name, and a failure leaves OUT as it was.
	tmp, err := os.CreateTemp(filepath.Dir(o.out), "."+filepath.Base(o.out)+".*.tmp")
	if err != nil {
		return usageError("-o: %v", unwrapPath(err))
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	w := bufio.NewWriterSize(tmp, 256<<10)
	st, err := har.Sanitize(in, w, opts)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		var he *har.Error
		var re *har.ReadError
		if errors.As(err, &he) || errors.As(err, &re) {
			return harInputError(err)
		}
		return fmt.Errorf("writing %s: %w", o.out, err)
	}
	// CreateTemp makes the file private (0600); a sanitized copy is meant
	// to be shared, and an existing OUT keeps its mode.
	mode := os.FileMode(0o644)
	if st, err := os.Stat(o.out); err == nil {
		mode = st.Mode().Perm()
	}
	_ = os.Chmod(tmp.Name(), mode)
	if err := os.Rename(tmp.Name(), o.out); err != nil {
		return fmt.Errorf("writing %s: %w", o.out, unwrapPath(err))
	}
	sanitizeSummary(o.io, st, o.out)
	return nil
}

// sameFile reports whether a and b name the same file (b may not exist).
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// sanitizeSummary says on standard error what was done.
func sanitizeSummary(ios *IO, st har.SanitizeStats, out string) {
	where := ""
	if out != "" {
		where = " to " + out
	}
	fmt.Fprintf(ios.Err, "Sanitized %d entries%s: %d values redacted, %d response bodies kept (scrubbed), %d removed, %d request bodies removed.\n",
		st.Entries, where, st.Redacted, st.BodiesKept, st.BodiesRemoved, st.PostDataRemoved)
}
