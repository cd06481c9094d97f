package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	why401 "github.com/why401/why401"
	"github.com/why401/why401/curlcmd"
	"github.com/why401/why401/internal/redact"
	"github.com/why401/why401/probe"
)

// curlOptions are `why401 curl`'s own flags; everything after them is
// curl's.
type curlOptions struct {
	io        *IO
	allowHTTP bool
	output
	// args are the curl arguments, or ["-"] to read a command line from
	// standard input.
	args []string
}

// maxCurlLine bounds a command line read from standard input: a "Copy as
// cURL" with a large body is a few hundred kilobytes.
const maxCurlLine = 4 << 20

func newCurlCmd(io *IO) *cobra.Command {
	o := &curlOptions{io: io}
	c := &cobra.Command{
		Use:   "curl [--json] [--report FILE.md] [-v] [--no-color] [--allow-http] [--] <curl arguments> | -",
		Short: "Diagnose a request given as curl arguments (DevTools' \"Copy as cURL\")",
		Long: `Diagnose the request a curl command makes, live, exactly as why401 URL does: DevTools' "Copy as
cURL" (Chrome, Edge, Firefox; bash or Windows cmd quoting) pasted after "why401", or given on standard
input with "why401 curl -". The headers, cookies (-b, -H Cookie), credentials (-u, --oauth2-bearer,
Authorization), method, body (-d, --data-raw, --json) and -k, -m, --resolve, --max-redirs are taken
from the command; a -b FILE is read as a Netscape cookies.txt, as curl reads it. Options why401 does
not reproduce are named in a warning on standard error, never silently dropped. Your credentials go
out at most once, after the challenge, and never over plain http unless you pass --allow-http.

why401's own flags (--json, --report, -v, --no-color, --allow-http) come before the curl arguments;
put -- between them when in doubt (curl has a --json of its own).`,
		Example: `  why401 curl 'https://api.example/v1/me' -H 'Authorization: Bearer …' --compressed
  why401 curl --json -- 'https://intranet.example/reports/' -u alice:…
  pbpaste | why401 curl -                 (macOS clipboard; Linux: xclip -o | why401 curl -)
  why401 curl - < request.txt             (a command copied from DevTools, bash or cmd)`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			rest, help, err := o.parseFlags(args)
			if err != nil {
				return err
			}
			if help {
				return cmd.Help()
			}
			o.args = rest
			return runCurl(cmd.Context(), o)
		},
	}
	// Declared for --help only: DisableFlagParsing hands every argument
	// to parseFlags, which reads these by hand.
	f := c.Flags()
	f.BoolVar(&o.allowHTTP, "allow-http", false, "allow credentials over plain http (they are readable on the network)")
	o.addOutputFlags(c)
	return c
}

// parseFlags reads why401's own flags from the front of args and returns
// the rest, curl's arguments. It stops at the first argument that is not
// one of them, and after "--".
func (o *curlOptions) parseFlags(args []string) (rest []string, help bool, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a, "=")
		switch {
		case a == "--":
			return args[i+1:], false, nil
		case a == "-h" || a == "--help":
			if i == 0 {
				return nil, true, nil
			}
			return args[i:], false, nil
		case a == "--json":
			o.json = true
		case a == "--no-color":
			o.noColor = true
		case a == "-v" || a == "--verbose":
			o.verbose = true
		case a == "--allow-http":
			o.allowHTTP = true
		case name == "--report":
			if !hasVal {
				if i+1 >= len(args) {
					return nil, false, usageError("--report needs a FILE (see why401 curl --help)")
				}
				i++
				val = args[i]
			}
			o.report = val
		default:
			return args[i:], false, nil
		}
	}
	return nil, false, nil
}

func runCurl(ctx context.Context, o *curlOptions) error {
	args := o.args
	switch {
	case len(args) == 0:
		return usageError("why401 curl needs curl arguments, or - to read a command line from standard input (see why401 curl --help)")
	case len(args) == 1 && args[0] == "-":
		line, err := io.ReadAll(io.LimitReader(o.io.In, maxCurlLine+1))
		if err != nil {
			return usageError("reading the command from standard input: %v", err)
		}
		if len(line) > maxCurlLine {
			return usageError("the command on standard input is larger than %d MiB", maxCurlLine>>20)
		}
		if args, err = splitCurl(string(line)); err != nil {
			return err
		}
	case len(args) == 1 && strings.HasPrefix(strings.TrimSpace(args[0]), "curl "):
		// The whole pasted command as one quoted argument.
		var err error
		if args, err = splitCurl(args[0]); err != nil {
			return err
		}
	}
	res, err := curlcmd.Parse(args)
	if err != nil {
		return usageError("%s", strings.TrimPrefix(err.Error(), "curlcmd: "))
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(o.io.Err, "why401: warning: curl: %s\n", w)
	}
	if res.Proxy != "" {
		fmt.Fprintln(o.io.Err, "why401: warning: curl: the proxy of -x is not used: why401 connects directly (a 407 from a proxy is diagnosed, not answered)")
	}
	in := res.Input
	in.Source, in.Now = "curl", o.io.Now()
	// -b FILE: the cookie file, read as `why401 URL -b FILE` reads it.
	if err := addCookieArgs(o.io, in, res.CookieFiles); err != nil {
		return err
	}
	opts := probe.Options{
		MaxTime:        res.MaxTime,
		ConnectTimeout: res.ConnectTimeout,
		Insecure:       res.Insecure,
		AllowHTTP:      o.allowHTTP,
		Resolve:        res.Resolve,
		UserAgent:      "why401/" + Version,
	}
	switch {
	case res.MaxRedirs == 0:
		opts.MaxRedirects = -1 // --max-redirs 0: stop at the first answer
	case res.MaxRedirs > 0:
		opts.MaxRedirects = res.MaxRedirs
	}
	err = diagnoseLive(ctx, o.io, in, opts, &o.output)
	var ee *exitError
	if errors.As(err, &ee) {
		// A library error may echo a value of the command; the command
		// came from standard input, out of reach of Main's last guard.
		ee.err = errors.New(redact.Text(ee.err.Error(), secretsOfInput(in)...))
	}
	return err
}

// splitCurl splits a pasted command line (bash or Windows cmd quoting,
// detected), joining the backslash (bash) or caret (cmd) continuations
// DevTools writes at the end of each line.
func splitCurl(line string) ([]string, error) {
	args, err := curlcmd.Split(strings.TrimSpace(line))
	if err != nil {
		return nil, usageError("the curl command could not be split into arguments: %s; paste it exactly as DevTools copied it",
			strings.TrimPrefix(err.Error(), "curlcmd: "))
	}
	if len(args) == 0 {
		return nil, usageError("no curl command on standard input")
	}
	return args, nil
}

// secretsOfInput lists the secrets of an input, each cookie value on its
// own, for redact.Text.
func secretsOfInput(in *why401.Input) []redact.Secret {
	c := in.Creds
	out := []redact.Secret{c.Password, c.Bearer, c.Authorization, c.Cookie, in.Body}
	for _, part := range strings.Split(c.Cookie.Reveal(), ";") {
		if _, v, ok := strings.Cut(part, "="); ok {
			out = append(out, redact.New(strings.TrimSpace(v)))
		}
	}
	return out
}
