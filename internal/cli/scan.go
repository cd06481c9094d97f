package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/why401/why401/internal/redact"
	"github.com/why401/why401/render"
	"github.com/why401/why401/scan"
)

type scanOptions struct {
	checkOptions
	file    string
	workers int
	perHost int
}

func newScanCmd(io *IO) *cobra.Command {
	o := &scanOptions{checkOptions: checkOptions{io: io}}
	c := &cobra.Command{
		Use:   "scan [-f FILE | URL …] [flags]",
		Short: "Diagnose many targets at once, JSON Lines out",
		Long: `Diagnose every target of a list (one URL per line; blank lines and # comments skipped; - or no -f
reads standard input) with a bounded number of workers and a limit per host, and print one why401/v1
document per line, in the order they finish. A progress bar goes to standard error when it is a terminal.

The request flags apply to every target. Credentials given here go to every listed host, once each:
list only the hosts you mean them for. Exit 0 when no target has a problem, 1 when some has, 3 when
some could not be reached.`,
		Example: `  why401 scan -f urls.txt > results.jsonl
  why401 scan -f urls.txt --per-host 1 | jq -r 'select(.verdict.id != "") | [.target.url, .verdict.id] | @tsv'
  printf 'https://a.example/\nhttps://b.example/admin/\n' | why401 scan`,
		RunE: func(cmd *cobra.Command, args []string) error { return runScan(cmd.Context(), o, args) },
	}
	c.Flags().StringVarP(&o.file, "file", "f", "", "read targets from `FILE` (- for standard input)")
	c.Flags().IntVar(&o.workers, "workers", scan.DefaultWorkers, "diagnose `N` targets at once")
	c.Flags().IntVar(&o.perHost, "per-host", scan.DefaultPerHost, "at most `N` diagnoses at once against one host")
	o.checkOptions.addFlags(c)
	return c
}

func runScan(ctx context.Context, o *scanOptions, args []string) error {
	if o.workers <= 0 || o.perHost <= 0 {
		return usageError("--workers and --per-host must be positive")
	}
	var src io.Reader
	switch {
	case len(args) > 0 && o.file != "":
		return usageError("give URLs as arguments or with -f, not both")
	case len(args) > 0:
		src = strings.NewReader(strings.Join(args, "\n"))
	case o.file == "" || o.file == "-":
		src = o.io.In
	default:
		f, err := os.Open(o.file)
		if err != nil {
			return usageError("-f: %v", err)
		}
		defer f.Close()
		src = f
	}
	// Validate the shared flags once, on a placeholder URL.
	o.url = "https://example.invalid/"
	if _, _, err := o.input(); err != nil {
		return err
	}

	var bar *progressbar.ProgressBar
	if o.io.ErrTTY {
		bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(o.io.Err), progressbar.OptionSetDescription("scanning"),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionClearOnFinish())
	}
	targets := make(chan scan.Target)
	readErr := make(chan error, 1)
	go func() {
		defer close(targets)
		readErr <- readTargets(ctx, src, o, targets)
	}()
	start := time.Now()
	var n, problems, unreachable int
	out := bufio.NewWriter(o.io.Out)
	scan.Run(ctx, targets, scan.Options{Workers: o.workers, PerHost: o.perHost}, func(r scan.Result) {
		n++
		if bar != nil {
			_ = bar.Add(1)
		}
		switch {
		case r.Report == nil:
			unreachable++
			fmt.Fprintf(o.io.Err, "why401: line %d: %s\n", r.Target.Line, strings.TrimPrefix(r.Err.Error(), "probe: "))
			return
		case r.Err != nil:
			unreachable++
		case r.Report.Problem():
			problems++
		}
		_ = render.JSONLines(out, r.Report)
	})
	if err := out.Flush(); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	if bar != nil {
		_ = bar.Finish()
	}
	if err := <-readErr; err != nil {
		return err
	}
	fmt.Fprintf(o.io.Err, "%d targets in %s: %d with an authentication problem, %d unreachable or invalid.\n",
		n, time.Since(start).Round(time.Millisecond), problems, unreachable)
	switch {
	case unreachable > 0:
		return silentExit(ExitUnreachable)
	case problems > 0:
		return silentExit(ExitProblem)
	}
	return nil
}

// maxLine bounds one line of the list.
const maxLine = 64 << 10

func readTargets(ctx context.Context, src io.Reader, o *scanOptions, out chan<- scan.Target) error {
	sc := bufio.NewScanner(src)
	sc.Buffer(make([]byte, 4096), maxLine)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		o.url = t
		in, opts, err := o.input()
		if err != nil {
			return err
		}
		select {
		case out <- scan.Target{Line: line, Input: in, Opts: opts}:
		case <-ctx.Done():
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		return usageError("reading targets at line %d: %s", line+1, redact.Text(err.Error()))
	}
	return nil
}
