// Package cli is why401's command line: one file per command, each with an
// options struct and a run function, all I/O through an injected IO so that
// tests run every command for a TTY and for a pipe.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"
	"github.com/why401/why401/internal/redact"
)

// Version is set at build time with -ldflags "-X …cli.Version=…".
var Version = "0.1.0-dev"

// Main runs the program with args (without the program name) and returns
// the exit code.
func Main(args []string, io *IO) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root := NewRoot(io)
	root.SetArgs(args)
	root.SetOut(io.Out)
	root.SetErr(io.Err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var s silentExit
	if !errors.As(err, &s) {
		// One line, no secret: messages are built from redacted values,
		// and this is the last guard.
		msg := strings.ReplaceAll(err.Error(), "\n", " ")
		msg = redact.Text(msg, secretsIn(args)...)
		fmt.Fprintln(io.Err, "why401: "+msg)
	}
	return codeOf(err)
}

// secretsIn returns the values of secret-carrying flags in args, so that
// an error message echoing one (a library error quoting its input) is
// redacted anyway.
func secretsIn(args []string) []redact.Secret {
	var out []redact.Secret
	secretFlags := map[string]bool{"-u": true, "--user": true, "--oauth2-bearer": true, "-b": true, "--cookie": true,
		"-H": true, "--header": true, "-d": true, "--data": true}
	for i, a := range args {
		name, val, hasVal := strings.Cut(a, "=")
		if secretFlags[name] {
			if hasVal {
				out = append(out, redact.New(val))
			} else if i+1 < len(args) {
				out = append(out, redact.New(args[i+1]))
				if _, p, ok := strings.Cut(args[i+1], ":"); ok {
					out = append(out, redact.New(strings.TrimSpace(p)))
				}
			}
		}
	}
	return out
}

// NewRoot builds the command tree.
func NewRoot(io *IO) *cobra.Command {
	checkOpts := &checkOptions{io: io}
	root := &cobra.Command{
		Use:   "why401 URL [flags]",
		Short: "Tell why a request gets 401 Unauthorized, and what to do about it",
		Long: `why401 sends a request the way curl would, reads every answer like an expert (challenges,
redirects, cookies, tokens, caches, security layers) and tells you why it gets 401 Unauthorized:
ranked causes, the evidence for each, who can fix it (you or the site owner) and the fix.

Your credentials go out at most once per run, only to the origin you addressed, and never over
plain http unless you pass --allow-http. No secret appears in any output.`,
		Example: `  why401 https://intranet.example/reports/ -u "alice:$PASSWORD"
  why401 https://api.example/v1/me --oauth2-bearer "$TOKEN" --json
  why401 https://example.com/wp-admin/ -b cookies.txt --report for-the-site-owner.md
  why401 curl 'https://api.example/v1/me' -H 'Authorization: Bearer …'   (paste "Copy as cURL")
  why401 demo                                                         (every cause, on a built-in lab)`,
		Args:          cobra.ArbitraryArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			if len(args) > 1 {
				return usageError("one URL at a time (got %d arguments); use `why401 scan` for many", len(args))
			}
			checkOpts.url = args[0]
			return runCheck(cmd.Context(), checkOpts)
		},
	}
	root.SetVersionTemplate("why401 {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError("%v (see %s --help)", err, cmd.CommandPath())
	})
	checkOpts.addFlags(root)
	root.AddCommand(
		newCheckCmd(io),
		newChallengeCmd(io),
		newExplainCmd(io),
		newLabCmd(io),
		newDemoCmd(io),
		newServeCmd(io),
		newVersionCmd(io),
		newScanCmd(io),
		newExporterCmd(io),
		newCurlCmd(io),
		newHARCmd(io),
	)
	return root
}
