package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	why401 "github.com/why401/why401"
	"github.com/why401/why401/checks"
	"github.com/why401/why401/cookies"
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
	f.StringVarP(&o.user, "user", "u", "", "`USER:PASSWORD` to answer a Basic or Digest challenge (sent once, after the challenge; on WordPress only, when that answer fails with rest_not_logged_in, once more in the body of one XML-RPC request, to tell a stripped Authorization header from a wrong password)")
	f.StringArrayVarP(&o.headers, "header", "H", nil, "extra `HEADER: value` (repeatable); an Authorization header is sent as given")
	f.StringArrayVarP(&o.cookies, "cookie", "b", nil, "cookies as `'NAME=VALUE; …'`, or a Netscape cookies.txt FILE (an argument without '=', as in curl; - for stdin); repeatable")
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
	f.StringArrayVar(&o.resolvers, "resolver", nil, "also ask the DNS server at `HOST:PORT` (port 53 if none) for the host's addresses, and compare its answer and TTLs with the system resolver's and --resolve's (repeatable)")
	f.BoolVar(&o.allBackends, "all-backends", false, "send your credentials to each address of the host (at most 16), once each: this counts as one login attempt per address, since each server counts failures on its own and may lock the account out; without it the addresses are compared without credentials")
	f.StringVar(&o.corsOrigin, "cors-origin", "", "also send the CORS preflight a page at `ORIGIN` would send")
	o.addOutputFlags(c)
}

func newCheckCmd(io *IO) *cobra.Command {
	o := &checkOptions{io: io}
	c := &cobra.Command{
		Use:   "check URL [flags]",
		Short: "Diagnose a URL (the same as: why401 URL)",
		Long: `Send the request, follow redirects hop by hop, answer the challenge with your credentials once,
run every check, and print the ranked causes with evidence and fixes.

Cookies, as curl reads -b: 'NAME=VALUE; NAME2=VALUE2' is sent as given; an argument without "=" is a
Netscape cookies.txt file (as curl and the browser-export extensions write it; - reads stdin), from
which only the cookies that match the URL's host, path and scheme and have not expired are sent. The
report names the cookies left out and why, never a cookie's value. -b may be repeated.`,
		Example: `  why401 check https://intranet.example/reports/ -u alice:hunter2
  why401 check https://api.example/v1/me --oauth2-bearer "$TOKEN" --json | jq .verdict
  why401 check http://127.0.0.1:8080/admin/ -u admin --allow-http -v
  why401 check https://shop.example/account -b cookies.txt      (exported from the browser)`,
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
			return nil, probe.Options{}, usageError("-u has no colon: give USER:PASSWORD (why401 does not prompt; the value may be a password, so it is not echoed)")
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
			in.Creds.Cookie = redact.New(checks.JoinCookieHeaders(in.Creds.Cookie.Reveal(), val))
			cs, _ := cookies.ParseCookieHeader(val) // sent as given; a nameless pair is not described
			for _, c := range cs {
				c.Source = "-H Cookie"
				in.Cookies = append(in.Cookies, checks.CookieInfo(c, true))
			}
		default:
			in.Header.Add(name, val)
		}
	}
	if err := addCookieArgs(o.io, in, o.cookies); err != nil {
		return nil, probe.Options{}, err
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

// maxCookieFile bounds a cookies.txt file: a whole browser's export is a
// few megabytes.
const maxCookieFile = 16 << 20

// addCookieArgs reads the -b arguments as curl does: one with "=" is cookies
// ('a=1; b=2'), sent as given; one without is the name of a Netscape
// cookies.txt file ("-" is standard input; "" reads nothing, as curl's
// "turn the cookie engine on"), whose cookies go only to a URL they match
// (checks.ApplyCookies). A malformed cookie string, or a file of which no
// line could be read, is bad input (exit 2); a file with some malformed
// lines is read without them, each named on stderr. No message shows a
// value. Every command that takes curl's -b uses it.
func addCookieArgs(ios *IO, in *why401.Input, args []string) error {
	var given []cookies.Cookie
	for _, arg := range args {
		if !cookies.LooksLikeFile(arg) {
			cs, err := cookies.ParseCookieHeader(arg)
			if err != nil {
				return usageError("-b: %s; give 'NAME=VALUE; NAME2=VALUE2'", firstCookieError(err))
			}
			given = append(given, cs...)
			continue
		}
		if arg == "" {
			continue
		}
		cs, err := readCookieFile(ios, arg, in.Now)
		if err != nil {
			return err
		}
		given = append(given, cs...)
	}
	checks.ApplyCookies(in, given)
	return nil
}

// readCookieFile reads one -b FILE. Error messages do not name the file:
// the argument of -b may be a secret pasted without its name (a bare
// session value is a file name to curl), and the last guard in Main
// redacts it anyway.
func readCookieFile(ios *IO, name string, now time.Time) ([]cookies.Cookie, error) {
	label := filepath.Base(name)
	var r io.Reader
	if name == "-" {
		r, label = ios.In, "stdin"
	} else {
		f, err := os.Open(name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, usageError("-b: no such file; an argument without \"=\" is read as the name of a Netscape " +
				"cookie file, as curl does: to send a cookie, give NAME=VALUE")
		case err != nil:
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, usageError("-b: cannot open the cookie file: %v", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, usageError("-b: a directory, not a cookie file")
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxCookieFile+1))
	if err != nil {
		return nil, usageError("-b: reading the cookie file: %v", err)
	}
	if len(data) > maxCookieFile {
		return nil, usageError("-b: the cookie file is larger than %d MiB; is it a cookies.txt file?", maxCookieFile>>20)
	}
	cs, errs := cookies.ParseNetscape(bytes.NewReader(data), now)
	if len(cs) == 0 && len(errs) > 0 {
		hint := "want the Netscape cookies.txt format: seven tab-separated fields a line"
		if t := bytes.TrimSpace(data); len(t) > 0 && (t[0] == '[' || t[0] == '{') {
			hint = "this looks like JSON: export the cookies in the Netscape cookies.txt format instead"
		}
		return nil, usageError("-b: no cookie could be read from the cookie file (%s; %s)", cookieFileError(errs[0]), hint)
	}
	for i, e := range errs {
		if i == 5 {
			fmt.Fprintf(ios.Err, "why401: warning: -b %s: %d more malformed lines skipped\n", label, len(errs)-i)
			break
		}
		fmt.Fprintf(ios.Err, "why401: warning: -b %s: %s; the line was skipped\n", label, cookieFileError(e))
	}
	if len(cs) == 0 {
		fmt.Fprintf(ios.Err, "why401: warning: -b %s holds no cookies\n", label)
	}
	for i := range cs {
		cs[i].Source = label + strings.TrimPrefix(cs[i].Source, "cookies.txt")
	}
	return cs, nil
}

// cookieFileError words a cookies.txt error without the package prefix:
// "line 3: 5 tab-separated fields, want 7 (…)".
func cookieFileError(err error) string {
	var le *cookies.LineError
	if errors.As(err, &le) {
		return fmt.Sprintf("line %d: %s", le.Line, le.Msg)
	}
	return strings.TrimPrefix(strings.TrimPrefix(err.Error(), "cookies: "), "cookies.txt: ")
}

// firstCookieError words the first error of a cookie string, and how many
// more there are.
func firstCookieError(err error) string {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	msg := strings.TrimPrefix(errs[0].Error(), "cookies: ")
	if len(errs) > 1 {
		msg += fmt.Sprintf(" (and %d more malformed pairs)", len(errs)-1)
	}
	return msg
}

// runCheck diagnoses one URL and renders the report.
func runCheck(ctx context.Context, o *checkOptions) error {
	in, opts, err := o.input()
	if err != nil {
		return err
	}
	return diagnoseLive(ctx, o.io, in, opts, &o.output)
}

// diagnoseLive sends the request of in (probe.New with opts), runs every
// check, renders the report as out says and returns the exit code as an
// error: nil, silentExit(ExitProblem), or unreachable. `why401 URL` and
// `why401 curl` share it.
func diagnoseLive(ctx context.Context, ios *IO, in *why401.Input, opts probe.Options, out *output) error {
	s, err := probe.New(in, opts)
	if err != nil {
		return usageError("%s", strings.TrimPrefix(err.Error(), "probe: "))
	}
	defer s.Close()
	r, runErr := checks.Diagnose(ctx, in, s, false)
	if err := out.emit(ios, r); err != nil {
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
