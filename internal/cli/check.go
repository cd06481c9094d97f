package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	why401 "github.com/why401/why401"
	"github.com/why401/why401/checks"
	"github.com/why401/why401/internal/redact"
	"github.com/why401/why401/probe"
	"github.com/why401/why401/render"
)

// checkOptions are the request and output flags of `why401 URL`, named as
// curl names them wherever curl has the flag.
type checkOptions struct {
	io  *IO
	url string

	user        string
	headers     []string
	cookies     []string
	method      string
	data        []string
	bearer      string
	userAgent   string
	insecure    bool
	resolve     []string
	maxTime     float64
	maxRedirs   int
	basic       bool
	allowHTTP   bool
	resolvers   []string
	allBackends bool
	corsOrigin  string

	output
}

// output are the flags that choose the renderer.
type output struct {
	json    bool
	report  string
	noColor bool
	verbose bool
}

func (o *output) addOutputFlags(c *cobra.Command) {
	f := c.Flags()
	f.BoolVar(&o.json, "json", false, "print the why401/v1 JSON document instead of the text report")
	f.StringVar(&o.report, "report", "", "also write a Markdown report for the site owner to `FILE` (secrets redacted)")
	f.BoolVar(&o.noColor, "no-color", false, "no colour (also: NO_COLOR set, or output not a terminal)")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "show every exchange, like curl -v (secrets redacted)")
}

func (o *checkOptions) addFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVarP(&o.user, "user", "u", "", "`USER:PASSWORD` to answer a Basic or Digest challenge (sent once, after the challenge)")
	f.StringArrayVarP(&o.headers, "header", "H", nil, "extra `HEADER: value` (repeatable); an Authorization header is sent as given")
	f.StringArrayVarP(&o.cookies, "cookie", "b", nil, "cookies as `'NAME=VALUE; …'` (repeatable)")
	f.StringVarP(&o.method, "request", "X", "", "request `METHOD` (default GET, or POST with -d)")
	f.StringArrayVarP(&o.data, "data", "d", nil, "request body `DATA` (repeatable, joined with &); implies POST")
	f.StringVar(&o.bearer, "oauth2-bearer", "", "send `TOKEN` as Authorization: Bearer (RFC 6750)")
	f.StringVarP(&o.userAgent, "user-agent", "A", "", "User-Agent `NAME` (default why401/VERSION)")
	f.BoolVarP(&o.insecure, "insecure", "k", false, "do not verify the TLS certificate")
	f.StringArrayVar(&o.resolve, "resolve", nil, "pin `HOST:PORT:ADDRESS` like curl (repeatable)")
	f.Float64VarP(&o.maxTime, "max-time", "m", 30, "give up after `SECONDS` in all")
	f.IntVar(&o.maxRedirs, "max-redirs", probe.DefaultMaxRedirects, "follow at most `N` redirects")
	f.BoolVar(&o.basic, "basic", false, "send -u as Basic with the first request, before any challenge (as curl does)")
	f.BoolVar(&o.allowHTTP, "allow-http", false, "allow credentials over plain http (they are readable on the network)")
	f.StringArrayVar(&o.resolvers, "resolver", nil, "also resolve the host with the DNS server at `HOST:PORT` (repeatable)")
	f.BoolVar(&o.allBackends, "all-backends", false, "send your credentials to every address of the host: one login attempt per address")
	f.StringVar(&o.corsOrigin, "cors-origin", "", "also send the CORS preflight a page at `ORIGIN` would send")
	o.addOutputFlags(c)
}

func newCheckCmd(io *IO) *cobra.Command {
	o := &checkOptions{io: io}
	c := &cobra.Command{
		Use:   "check URL [flags]",
		Short: "Diagnose a URL (the same as: why401 URL)",
		Long: `Send the request, follow redirects hop by hop, answer the challenge with your credentials once,
run every check, and print the ranked causes with evidence and fixes.`,
		Example: `  why401 check https://intranet.example/reports/ -u alice:hunter2
  why401 check https://api.example/v1/me --oauth2-bearer "$TOKEN" --json | jq .verdict
  why401 check http://127.0.0.1:8080/admin/ -u admin --allow-http -v`,
		Args: exactArgs(1, "URL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.url = args[0]
			return runCheck(cmd.Context(), o)
		},
	}
	o.addFlags(c)
	return c
}

// exactArgs is cobra.ExactArgs with a message that names the argument.
func exactArgs(n int, name string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError("%s needs %s (see %s --help)", cmd.CommandPath(), name, cmd.CommandPath())
		}
		return nil
	}
}

// input builds the diagnosis input from the flags, validating each.
func (o *checkOptions) input() (*why401.Input, probe.Options, error) {
	in := &why401.Input{Method: strings.ToUpper(o.method), URL: o.url, Header: http.Header{}, Source: "url", Now: o.io.Now()}
	in.CORSOrigin, in.AllBackends, in.Resolvers = o.corsOrigin, o.allBackends, o.resolvers
	if o.user != "" {
		user, pass, ok := strings.Cut(o.user, ":")
		if !ok {
			return nil, probe.Options{}, usageError("-u %q has no colon: give USER:PASSWORD (why401 does not prompt)", user)
		}
		in.Creds.User, in.Creds.Password, in.Creds.HasUser = user, redact.New(pass), true
	}
	in.Creds.Basic = o.basic
	if o.bearer != "" {
		in.Creds.Bearer = redact.New(o.bearer)
	}
	for _, h := range o.headers {
		name, val, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t\r\n") {
			return nil, probe.Options{}, usageError("-H %q: want \"Name: value\"", redact.HeaderValue(name, "x"))
		}
		val = strings.TrimLeft(val, " \t")
		switch http.CanonicalHeaderKey(name) {
		case "Authorization":
			in.Creds.Authorization = redact.New(val)
		case "Cookie":
			in.Creds.Cookie = redact.New(joinCookies(in.Creds.Cookie.Reveal(), val))
		default:
			in.Header.Add(name, val)
		}
	}
	for _, c := range o.cookies {
		if !strings.Contains(c, "=") {
			return nil, probe.Options{}, usageError("-b: want 'NAME=VALUE; …' (a cookie file is not supported yet)")
		}
		in.Creds.Cookie = redact.New(joinCookies(in.Creds.Cookie.Reveal(), c))
	}
	if len(o.data) > 0 {
		in.Body = redact.New(strings.Join(o.data, "&"))
		if in.Header.Get("Content-Type") == "" {
			in.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if o.userAgent != "" {
		in.Header.Set("User-Agent", o.userAgent)
	}
	if o.maxTime <= 0 {
		return nil, probe.Options{}, usageError("-m must be a positive number of seconds")
	}
	if o.maxRedirs < 0 {
		return nil, probe.Options{}, usageError("--max-redirs must be 0 or more")
	}
	opts := probe.Options{
		MaxTime:      time.Duration(o.maxTime * float64(time.Second)),
		MaxRedirects: o.maxRedirs,
		Insecure:     o.insecure,
		AllowHTTP:    o.allowHTTP,
		Resolve:      o.resolve,
		UserAgent:    "why401/" + Version,
	}
	if o.maxRedirs == 0 {
		opts.MaxRedirects = -1
	}
	return in, opts, nil
}

func joinCookies(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return strings.TrimSuffix(a, ";") + "; " + b
}

// runCheck diagnoses one URL and renders the report.
func runCheck(ctx context.Context, o *checkOptions) error {
	in, opts, err := o.input()
	if err != nil {
		return err
	}
	s, err := probe.New(in, opts)
	if err != nil {
		return usageError("%s", strings.TrimPrefix(err.Error(), "probe: "))
	}
	defer s.Close()
	r, runErr := checks.Diagnose(ctx, in, s, false)
	if err := o.output.emit(o.io, r); err != nil {
		return err
	}
	if runErr != nil {
		return unreachable(errors.New(strings.TrimPrefix(runErr.Error(), "probe: ")))
	}
	if r.Problem() {
		return silentExit(ExitProblem)
	}
	return nil
}

// emit renders the report to stdout and, with --report, to a Markdown
// file.
func (o *output) emit(io *IO, r *why401.Report) error {
	ro := renderOptions(io, o.noColor, o.verbose)
	var err error
	if o.json {
		err = render.JSON(io.Out, r)
	} else {
		err = render.Text(io.Out, r, ro)
	}
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if o.report != "" {
		f, err := os.Create(o.report)
		if err != nil {
			return usageError("--report: %v", err)
		}
		mo := ro
		mo.Color = false
		if err := render.Markdown(f, r, mo); err != nil {
			f.Close()
			return fmt.Errorf("writing %s: %w", o.report, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", o.report, err)
		}
		if !o.json {
			fmt.Fprintf(io.Err, "Markdown report written to %s (secrets redacted).\n", o.report)
		}
	}
	return nil
}

func renderOptions(io *IO, noColor, verbose bool) render.Options {
	width := io.Width
	if !io.OutTTY {
		width = 0
	}
	return render.Options{
		Color:   io.color(noColor),
		Verbose: verbose,
		Explain: explainText,
		Width:   width,
		Now:     io.Now,
		Version: Version,
	}
}

// explainText is the catalogue's explanation of a finding kind.
func explainText(id string) string {
	if k, ok := checks.Lookup(id); ok {
		return k.Explain
	}
	return ""
}
