package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"
	why401 "github.com/why401/why401"
	"github.com/why401/why401/checks"
	"github.com/why401/why401/har"
	"github.com/why401/why401/probe"
	"github.com/why401/why401/render"
)

// HARSchema names the document `why401 har --json` prints: the file's
// counts and one why401/v1 report per refused request (DESIGN.md §2).
const HARSchema = "why401/har/v1"

// harOptions are the flags of `why401 har`.
type harOptions struct {
	io    *IO
	file  string
	entry int // -1: every refusal

	count bool

	replay    bool
	insecure  bool
	allowHTTP bool
	maxTime   float64

	output
}

func newHARCmd(io *IO) *cobra.Command {
	o := &harOptions{io: io}
	c := &cobra.Command{
		Use:   "har FILE [--entry N] [--json] [--replay] [-v] [--report FILE.md]",
		Short: "Diagnose the 401s of a HAR export, offline",
		Long: `Read a HAR export (Chrome, Edge, Firefox, Safari, Playwright; gzip too; - reads standard input),
streaming, and diagnose every request the server refused: each 401 and 407, and each 200 login page a
redirect led to or an "access denied" page (a soft 401), with what led to it (the redirect chain, the
earlier requests to the same origin, the Set-Cookie history of the site). Nothing is sent: the passive
checks read the recording, and the checks that need the network say check.skipped. With --replay each
refused GET is sent once more, live, as it was recorded (its credentials and cookies included).

The text output lists each refusal with its entry number (its index in log.entries, from 0), URL,
verdict and finding IDs, then the full diagnosis of each. --json prints
{"schema": "why401/har/v1", "entries": N, "status_counts": {...}, "sanitized": bool, "reports": [...]}
with one why401/v1 report per refusal; each report adds "har": {"entry": N, "entries": [...]}, the HAR
entry of each of its exchanges.

A Chrome or Edge export is sanitized by default (no Cookie, Set-Cookie or Authorization): the report
then says that whether credentials were sent is unknown, not that none were. Exit 0 when nothing was
refused, 1 when some request was, 2 when the file cannot be read (the error gives the byte offset).`,
		Example: `  why401 har checkout.har
  why401 har export.har --entry 42 -v
  why401 har export.har --json | jq -r '.reports[] | [.har.entry, .verdict.id] | @tsv'
  why401 har big.har --count --json     (only the counts, as fast as the file can be read)
  why401 har export.har --replay -k     (send the refused requests again, live)
  gunzip -c export.har.gz | why401 har -`,
		Args: exactArgs(1, "a HAR FILE (- for standard input)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = args[0]
			return runHAR(cmd.Context(), o)
		},
	}
	f := c.Flags()
	f.IntVar(&o.entry, "entry", -1, "diagnose only entry `N` (its index in log.entries, from 0), whatever its status")
	f.BoolVar(&o.count, "count", false, "print only the file's counts (entries, statuses, sanitized), without diagnosing; with --json, the why401/har/v1 document with no reports")
	f.BoolVar(&o.replay, "replay", false, "send each refused GET again, live, with the credentials and cookies it was recorded with (a warning says so)")
	f.BoolVarP(&o.insecure, "insecure", "k", false, "with --replay: do not verify TLS certificates")
	f.BoolVar(&o.allowHTTP, "allow-http", false, "with --replay: send recorded credentials over plain http too")
	f.Float64VarP(&o.maxTime, "max-time", "m", 30, "with --replay: give up on one request after `SECONDS`")
	o.addOutputFlags(c)
	c.AddCommand(newHARSanitizeCmd(io))
	return c
}

// harRun is one run of `why401 har`: what has been found so far.
type harRun struct {
	o       *harOptions
	ro      render.Options
	list    spool // text: one block per refusal
	details spool // text: each report in full; --json: the reports
	md      *os.File

	found, problems, unreachable int
	cache                        exchangeCache
}

func runHAR(ctx context.Context, o *harOptions) error {
	if o.replay && o.count {
		return usageError("--count and --replay do not go together: --count diagnoses nothing")
	}
	if o.maxTime <= 0 {
		return usageError("-m must be a positive number of seconds")
	}
	in, name, closeIn, err := openHAR(o.io, o.file)
	if err != nil {
		return err
	}
	defer closeIn()
	defer tuneGC(o.io)()

	if o.count {
		r := har.NewReader(in)
		r.MaxBody = -1 // counting reads no body: each is validated and skipped
		sum, err := r.Read(func(*har.Entry) error { return ctx.Err() })
		if err != nil {
			return harInputError(err)
		}
		if o.json {
			return writeHARDocument(o.io.Out, sum, nil)
		}
		var b bytes.Buffer
		writeHARSummary(&b, name, sum)
		_, err = o.io.Out.Write(b.Bytes())
		return err
	}

	run := &harRun{o: o, ro: renderOptions(o.io, o.noColor, o.verbose)}
	defer run.list.Close()
	defer run.details.Close()
	if o.report != "" {
		f, err := os.Create(o.report)
		if err != nil {
			return usageError("--report: %v", err)
		}
		run.md = f
		defer f.Close()
	}
	if o.replay {
		fmt.Fprintln(o.io.Err, "why401: warning: --replay sends each refused GET of the file again, live, to the host it was "+
			"recorded from, with the credentials and cookies recorded with it (once each). Other methods are diagnosed offline.")
	}
	// The file is read on this goroutine and the refusals diagnosed on
	// another, in order: with thousands of 401s the diagnoses take as long
	// as the reading, and there are two cores. After a failure the worker
	// drains the queue without diagnosing, and stop ends the reading.
	jobs := make(chan harJob, 16)
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		var err error
		for j := range jobs {
			if err != nil {
				continue
			}
			if err = run.diagnose(ctx, j); err != nil {
				close(stop)
			}
		}
		done <- err
	}()
	sel := newHARSelector(o.entry)
	r := har.NewReader(in)
	sum, err := r.Cases(sel.want, func(c har.Case) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		select {
		case jobs <- run.prepare(c):
			return nil
		case <-stop:
			return errStopped
		}
	})
	close(jobs)
	if werr := <-done; werr != nil && (err == nil || errors.Is(err, errStopped)) {
		err = werr
	}
	if err != nil {
		if run.md != nil {
			run.md.Close()
			os.Remove(o.report)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return harInputError(err)
	}
	if o.entry >= sum.Entries {
		return usageError("--entry %d: the file has %d entries (0 to %d)", o.entry, sum.Entries, sum.Entries-1)
	}
	if o.json {
		err = writeHARDocument(o.io.Out, sum, &run.details)
	} else {
		err = run.writeText(name, sum)
	}
	if err != nil {
		return fmt.Errorf("writing the reports: %w", err)
	}
	if run.md != nil {
		if err := run.md.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", o.report, err)
		}
		if !o.json {
			fmt.Fprintf(o.io.Err, "Markdown report written to %s (secrets redacted).\n", o.report)
		}
	}
	switch {
	case run.unreachable > 0:
		return silentExit(ExitUnreachable)
	case run.problems > 0:
		return silentExit(ExitProblem)
	}
	return nil
}

// errStopped ends the reading of a HAR when a diagnosis failed; the
// diagnosis's own error is returned instead.
var errStopped = errors.New("why401: the diagnoses stopped")

// harMemory bounds the memory of `why401 har` (a soft limit: the collector
// and the scavenger work harder as the runtime's memory nears it). The live
// heap stays small (one entry, a window of recent ones, the reports
// spooled to a file past 4 MiB), but without a limit freed memory is
// returned to the system lazily and the peak RSS of a file with thousands
// of 401s reaches 63 MiB; with 48 MiB it stays under 58 MiB, and a tighter
// limit makes the scavenger cost more time than the collector saves. The
// HAR benchmark holds the peak to 64 MiB.
const harMemory = 48 << 20

// tuneGC sets the memory limit for a HAR run, unless GOMEMLIMIT or GOGC
// say otherwise, and returns the function that restores it.
func tuneGC(ios *IO) func() {
	if ios.Getenv != nil && (ios.Getenv("GOGC") != "" || ios.Getenv("GOMEMLIMIT") != "") {
		return func() {}
	}
	limit := debug.SetMemoryLimit(harMemory)
	return func() { debug.SetMemoryLimit(limit) }
}

// openHAR opens the HAR argument: a file, or standard input for "-".
func openHAR(ios *IO, name string) (io.Reader, string, func(), error) {
	if name == "-" {
		return ios.In, "standard input", func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, "", nil, usageError("%s: %v", name, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, "", nil, usageError("%s is a directory, not a HAR file", name)
	}
	ra := readAhead(f)
	return ra, name, func() { ra.Close(); f.Close() }, nil
}

// harInputError words a file that cannot be read as bad input (exit 2).
// har's errors name the kind and the byte offset and never quote the file.
func harInputError(err error) error {
	var he *har.Error
	var re *har.ReadError
	switch {
	case errors.As(err, &he), errors.As(err, &re):
		return usageError("%s", err.Error())
	}
	return err
}

// harJob is one refusal, taken out of its case on the reading goroutine:
// Cases may still change the entries of a case after delivering it (it
// decides late whether a Chromium export was sanitized), so everything the
// diagnosis reads is copied or built here, and the worker sees only this.
type harJob struct {
	entry   int    // the target's index in log.entries
	method  string // the target's method
	in      *why401.Input
	session why401.Session // offline: the case's exchanges, made in advance
	entries []int          // the HAR entry of each exchange
	replay  *why401.Input  // --replay of a GET: the target's own request
	note    string         // said in the report (Chromium's hidden answer)
}

// prepare takes what the diagnosis of a case needs out of it.
func (run *harRun) prepare(c har.Case) harJob {
	j := harJob{entry: c.Target.Index, method: c.Target.Method, in: c.Input(), session: run.cache.session(c), entries: caseEntries(c)}
	if run.o.replay && safeMethod(c.Target.Method) {
		// The target, not the first request of its chain: that may be a
		// login POST or a logout, and the refusal is what is diagnosed;
		// its redirects are followed anew.
		j.replay = c.Target.Input()
	}
	if c.Target.HiddenRetry() {
		j.note = fmt.Sprintf("Entry %d received about %d bytes more than its one recorded response "+
			"(response._transferSize): Chromium most likely answered the challenge itself, with credentials from a login "+
			"prompt or an automation tool, and they were refused. The HAR keeps only the first request and the last answer.",
			c.Target.Index, c.Target.ExtraTransfer())
	}
	return j
}

// diagnose diagnoses one refusal and spools what it prints. It runs on
// the worker goroutine, while the file is read on.
func (run *harRun) diagnose(ctx context.Context, j harJob) error {
	run.found++
	o := run.o
	entries := j.entries
	var (
		rep    *why401.Report
		err    error
		live   bool
		reason string
	)
	if j.replay != nil {
		rep, err = run.replayLive(ctx, j.replay)
		live = rep != nil
		if err != nil {
			run.unreachable++
			reason = strings.TrimPrefix(err.Error(), "probe: ")
		}
	}
	if rep == nil {
		rep, err = checks.Diagnose(ctx, j.in, j.session, true)
		if rep == nil {
			return err
		}
		switch {
		case o.replay && !safeMethod(j.method):
			rep.Notes = append(rep.Notes, fmt.Sprintf("Not replayed: a %s may change data on the server; diagnosed from the recording.", j.method))
		case reason != "":
			rep.Notes = append(rep.Notes, "The replay failed ("+reason+"); diagnosed from the recording.")
		}
		if j.note != "" {
			rep.Notes = append(rep.Notes, j.note)
		}
	}
	rep.Source = "har"
	if live || len(rep.Exchanges) != len(entries) {
		entries = nil // only the target's own number is known
	}
	if rep.Problem() {
		run.problems++
	}
	if o.json {
		return run.writeJSONReport(rep, j.entry, entries)
	}
	run.writeListItem(rep, j.entry, reason)
	if err := run.writeDetail(rep, j.entry, entries, live); err != nil {
		return err
	}
	if run.md != nil {
		if run.found > 1 {
			fmt.Fprint(run.md, "\n---\n\n")
		}
		fmt.Fprintf(run.md, "<!-- HAR entry %d -->\n", j.entry)
		mo := run.ro
		mo.Color = false
		if err := render.Markdown(run.md, rep, mo); err != nil {
			return fmt.Errorf("writing %s: %w", o.report, err)
		}
	}
	return nil
}

// replayLive sends a recorded request again, live.
func (run *harRun) replayLive(ctx context.Context, in *why401.Input) (*why401.Report, error) {
	o := run.o
	in.Now = o.io.Now()
	opts := probe.Options{
		MaxTime:   time.Duration(o.maxTime * float64(time.Second)),
		Insecure:  o.insecure,
		AllowHTTP: o.allowHTTP,
		UserAgent: "why401/" + Version,
	}
	s, err := probe.New(in, opts)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return checks.Diagnose(ctx, in, s, false)
}

// safeMethod reports whether a recorded request may be sent again without
// changing anything on the server (RFC 9110 §9.2.1).
func safeMethod(m string) bool {
	switch strings.ToUpper(m) {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// caseEntries returns the HAR entry of each exchange of the case, in the
// order Case.Exchanges gives them: the context entries, then the redirect
// chain, then the target. The offline diagnosis keeps that order, so
// Report.Exchanges[i] is entry caseEntries(c)[i].
func caseEntries(c har.Case) []int {
	inChain := map[*har.Entry]bool{}
	for _, e := range c.Chain {
		inChain[e] = true
	}
	out := make([]int, 0, len(c.Related)+1)
	for _, e := range c.Related {
		if !inChain[e] {
			out = append(out, e.Index)
		}
	}
	for _, e := range c.Chain {
		out = append(out, e.Index)
	}
	return append(out, c.Target.Index)
}

// writeListItem adds a refusal to the list printed first: entry number,
// status, request, verdict and finding IDs.
func (run *harRun) writeListItem(rep *why401.Report, entry int, failed string) {
	w := &run.list
	fmt.Fprintf(w, "  entry %-4d %s  %s %s\n", entry, statusWord(rep.Status), plain(rep.Target.Method), plain(rep.Target.URL))
	if failed != "" {
		fmt.Fprintf(w, "             replay failed: %s\n", plain(failed))
	}
	v := rep.Verdict
	verdict := plain(firstLine(v.Summary))
	for _, f := range rep.Findings {
		if f.ID == v.ID {
			verdict = fmt.Sprintf("[%s] %s: %s", f.Severity, v.ID, plain(f.Title))
			break
		}
	}
	fmt.Fprintf(w, "             %s\n", verdict)
	var ids []string
	skipped := 0
	for _, id := range rep.IDs() {
		if id == why401.KindCheckSkipped.ID {
			skipped++
			continue
		}
		ids = append(ids, id)
	}
	line := "findings: " + strings.Join(ids, " ")
	if len(ids) == 0 {
		line = "findings: (none)"
	}
	if skipped > 0 {
		line += fmt.Sprintf(" (%d %s skipped)", skipped, plural(skipped, "check", "checks"))
	}
	fmt.Fprintf(w, "             %s\n", line)
}

// writeDetail spools the full text report of one refusal under a heading
// that names its entry and the entries of its exchanges.
func (run *harRun) writeDetail(rep *why401.Report, entry int, entries []int, live bool) error {
	w := &run.details
	head := fmt.Sprintf("── entry %d ", entry)
	fmt.Fprintf(w, "\n%s%s\n", head, strings.Repeat("─", max(3, 60-utf8.RuneCountInString(head))))
	switch {
	case live:
		fmt.Fprintln(w, "Replayed live: the exchanges below were sent now, not recorded.")
	case len(entries) > 1:
		parts := make([]string, len(entries))
		for i, n := range entries {
			parts[i] = fmt.Sprintf("#%d = entry %d", i, n)
		}
		fmt.Fprintf(w, "Exchanges: %s.\n", strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
	return render.Text(w, rep, run.ro)
}

// writeJSONReport spools one report of the why401/har/v1 document: the
// why401/v1 report as render writes it (render.JSONLines), with "har"
// added, on one line.
func (run *harRun) writeJSONReport(rep *why401.Report, entry int, entries []int) error {
	var one bytes.Buffer
	if err := render.JSONLines(&one, rep); err != nil {
		return err
	}
	doc := bytes.TrimRight(one.Bytes(), "\n")
	if len(doc) < 2 || doc[len(doc)-1] != '}' {
		return errors.New("render: unexpected report document")
	}
	ref := struct {
		Entry   int   `json:"entry"`
		Entries []int `json:"entries,omitempty"`
	}{entry, entries}
	extra, err := json.Marshal(ref)
	if err != nil {
		return err
	}
	doc = append(append(append(doc[:len(doc)-1:len(doc)-1], `,"har":`...), extra...), '}')
	// One report per line: a file with thousands of refusals gives a
	// document a line-oriented tool can cut, and indenting every report
	// would cost a third of the run (jq . indents it for reading).
	if !run.details.empty() {
		if _, err := run.details.Write([]byte(",\n")); err != nil {
			return err
		}
	}
	_, err = run.details.Write(append([]byte("    "), doc...))
	return err
}

// writeHARDocument writes the why401/har/v1 document; reports holds the
// spooled reports, or is nil (--count: an empty list).
func writeHARDocument(w io.Writer, sum har.Summary, reports *spool) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n  \"schema\": %q,\n  \"entries\": %d,\n  \"status_counts\": {", HARSchema, sum.Entries)
	codes := make([]int, 0, len(sum.StatusCounts))
	for s := range sum.StatusCounts {
		codes = append(codes, s)
	}
	sort.Ints(codes)
	for i, s := range codes {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n    \"%d\": %d", s, sum.StatusCounts[s])
	}
	if len(codes) > 0 {
		b.WriteString("\n  ")
	}
	fmt.Fprintf(&b, "},\n  \"sanitized\": %t,\n  \"reports\": [", sum.Sanitized)
	if reports == nil || reports.empty() {
		b.WriteString("]\n}\n")
		_, err := w.Write(b.Bytes())
		return err
	}
	b.WriteString("\n")
	if _, err := w.Write(b.Bytes()); err != nil {
		return err
	}
	if _, err := reports.WriteTo(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n  ]\n}\n")
	return err
}

// writeText prints the summary of the file, the list of refusals, then
// each one in full.
func (run *harRun) writeText(name string, sum har.Summary) error {
	var b bytes.Buffer
	writeHARSummary(&b, name, sum)
	switch {
	case run.found == 0 && run.o.entry >= 0:
		fmt.Fprintf(&b, "Entry %d was not diagnosed.\n", run.o.entry)
	case run.found == 0:
		b.WriteString("No request was refused: no 401, 407 or login page in place of a page.\n")
	default:
		how := "diagnosed offline: the checks that need the network are skipped; --replay sends the requests again"
		if run.o.replay {
			how = "refused GETs replayed live, the others diagnosed offline"
		}
		if run.o.entry >= 0 {
			fmt.Fprintf(&b, "Entry %d, %s:\n\n", run.o.entry, how)
		} else {
			fmt.Fprintf(&b, "%s, %s:\n\n", plural(run.found, "1 refused request", strconv.Itoa(run.found)+" refused requests"), how)
		}
	}
	w := run.o.io.Out
	if _, err := w.Write(b.Bytes()); err != nil {
		return err
	}
	if _, err := run.list.WriteTo(w); err != nil {
		return err
	}
	_, err := run.details.WriteTo(w)
	return err
}

// writeHARSummary writes what the file is: its entries and statuses, its
// exporter, whether it was sanitized, and the reader's notes.
func writeHARSummary(b *bytes.Buffer, name string, sum har.Summary) {
	fmt.Fprintf(b, "%s: %s (%s)", plain(name), plural(sum.Entries, "1 entry", strconv.Itoa(sum.Entries)+" entries"), statusCounts(sum.StatusCounts))
	if sum.Creator != "" {
		fmt.Fprintf(b, ", exported by %s", plain(strings.TrimSpace(sum.Creator+" "+sum.CreatorVersion)))
	}
	b.WriteString(".\n")
	switch sum.SanitizedBy {
	case "browser":
		b.WriteString("Sanitized by the browser: no Cookie, Set-Cookie or Authorization in the file, so whether credentials were sent is unknown.\n")
	case "why401":
		b.WriteString("Sanitized by why401 har sanitize: values redacted, names kept.\n")
	}
	for _, n := range sum.Notes {
		if sum.SanitizedBy == "browser" && strings.Contains(n, "Whether credentials were sent is unknown") {
			continue
		}
		fmt.Fprintf(b, "Note: %s\n", plain(n))
	}
}

// statusCounts writes "200: 3, 401: 2", statuses in order; 0 counts the
// entries without a response.
func statusCounts(m map[int]int) string {
	codes := make([]int, 0, len(m))
	for s := range m {
		codes = append(codes, s)
	}
	sort.Ints(codes)
	parts := make([]string, 0, len(codes))
	for _, s := range codes {
		label := strconv.Itoa(s)
		if s == 0 {
			label = "no response"
		}
		parts = append(parts, fmt.Sprintf("%s: %d", label, m[s]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func statusWord(s int) string {
	if s == 0 {
		return "---"
	}
	return strconv.Itoa(s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// plain makes text from the file or the server safe for a terminal:
// control characters, bidirectional overrides and invalid UTF-8 are shown
// escaped, as the text renderer shows them.
func plain(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f || unicode.Is(unicode.Bidi_Control, r) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f || unicode.Is(unicode.Bidi_Control, r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// harSelector chooses the entries to diagnose: every 401 and 407, and
// every 200 page that is really a refusal (a soft 401) when that shows
// cheaply: a login form that a redirect led to, or a page whose title says
// access is denied; or, with --entry, that one entry.
type harSelector struct {
	entry      int
	redirected map[string]bool // normalized URLs recent redirects pointed to
	order      []string        // the same, oldest first, to forget
}

// maxRedirectTargets bounds what the selector remembers.
const maxRedirectTargets = 1024

func newHARSelector(entry int) *harSelector {
	return &harSelector{entry: entry, redirected: map[string]bool{}}
}

var (
	reLoginForm    = regexp.MustCompile(`(?i)<input[^>]+type\s*=\s*["']?password`)
	reDeniedTitle  = regexp.MustCompile(`(?is)<title[^>]*>[^<]{0,200}?\b(access denied|unauthori[sz]ed|401|not logged in|session (has )?expired|please (log|sign) ?in)\b[^<]{0,200}</title>`)
	htmlMimePrefix = "text/html"
)

func (s *harSelector) want(e *har.Entry) bool {
	if s.entry >= 0 {
		return e.Index == s.entry
	}
	if har.Want401(e) {
		return true
	}
	if e.Status >= 300 && e.Status < 400 {
		s.remember(e)
		return false
	}
	if e.Status != http.StatusOK || len(e.Body) == 0 || !strings.HasPrefix(strings.ToLower(e.MimeType), htmlMimePrefix) ||
		e.ResourceType != "" && e.ResourceType != "document" {
		return false
	}
	if reDeniedTitle.Match(e.Body) {
		return true
	}
	return s.redirected[normalizeURL(e.URL)] && reLoginForm.Match(e.Body)
}

// remember notes where a redirect points.
func (s *harSelector) remember(e *har.Entry) {
	loc := e.Location()
	if loc == "" {
		return
	}
	from, err1 := url.Parse(e.URL)
	to, err2 := url.Parse(loc)
	if err1 != nil || err2 != nil {
		return
	}
	k := normalizeURL(from.ResolveReference(to).String())
	if s.redirected[k] {
		return
	}
	s.redirected[k] = true
	s.order = append(s.order, k)
	if len(s.order) > maxRedirectTargets {
		delete(s.redirected, s.order[0])
		s.order = s.order[1:]
	}
}

// normalizeURL writes a URL without its fragment, scheme and host in lower
// case, so that a Location and the request it led to compare equal.
func normalizeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Fragment, u.RawFragment = "", ""
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

// exchangeCache builds the exchanges of a case as Case.Exchanges does, with
// the context entries' exchanges kept from one case to the next: refusals
// to one origin share most of their context (up to 20 earlier entries), and
// redacting an entry's headers and URLs is most of what an offline case
// costs. With thousands of 401s in a file this halves the time.
type exchangeCache struct {
	m map[exchangeKey]why401.Exchange
}

// exchangeKey names a context exchange: the entry, and whether the file
// could tell what it carried when the case was delivered (Cases decides
// that late for a Chromium export).
type exchangeKey struct {
	e       *har.Entry
	unknown bool
}

// maxCachedExchanges bounds the cache; Cases remembers 1024 entries.
const maxCachedExchanges = 2048

// session returns an offline session that hands over the case's exchanges:
// the context entries (Purpose har.PurposeContext, no Hop), then the chain
// and the target as Case.Exchanges makes them, indexed from 0. It behaves
// as har.NewSession(cs) and holds nothing of the case.
func (c *exchangeCache) session(cs har.Case) why401.Session {
	return &cachedSession{ex: c.exchanges(cs)}
}

func (c *exchangeCache) exchanges(cs har.Case) []why401.Exchange {
	if c.m == nil || len(c.m) > maxCachedExchanges {
		c.m = make(map[exchangeKey]why401.Exchange)
	}
	inChain := make(map[*har.Entry]bool, len(cs.Chain))
	for _, e := range cs.Chain {
		inChain[e] = true
	}
	out := make([]why401.Exchange, 0, len(cs.Related)+1)
	for _, e := range cs.Related {
		if inChain[e] {
			continue
		}
		k := exchangeKey{e, e.CredentialsUnknown}
		x, ok := c.m[k]
		if !ok {
			x = e.Exchange()
			x.Purpose, x.Hop = har.PurposeContext, nil
			c.m[k] = x
		}
		out = append(out, x)
	}
	// The chain and the target, with their hops compared with the
	// chain's first request: Case.Exchanges of the case without context.
	out = append(out, har.Case{Target: cs.Target, Chain: cs.Chain, Related: cs.Chain}.Exchanges()...)
	for i := range out {
		out[i].Index = i
	}
	return out
}

// cachedSession is har.Session with its exchanges made in advance.
type cachedSession struct {
	ex []why401.Exchange
}

var _ why401.Session = (*cachedSession)(nil)

// Start returns the case's exchanges, target last.
func (s *cachedSession) Start(context.Context) ([]why401.Exchange, error) { return s.ex, nil }

// Answer returns nothing: a recording cannot answer a challenge.
func (s *cachedSession) Answer(context.Context, []why401.Exchange) ([]why401.Exchange, error) {
	return nil, nil
}

// Probe returns why401.ErrOffline: a recording cannot send requests.
func (s *cachedSession) Probe(context.Context, why401.Probe) ([]why401.Exchange, error) {
	return nil, why401.ErrOffline
}
