package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/why401/why401"
	"github.com/why401/why401/internal/redact"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the renderers' output")

func clock() time.Time { return fixedNow }

// variants are the outputs pinned by golden files: the terminal report on a
// TTY (colour, 80 columns) and piped (no colour, default width), -v, and the
// other formats (Markdown and HTML with -v too, HTML -v as the fragment
// why401 serve embeds).
var variants = []struct {
	name string
	fn   func(*bytes.Buffer, *why401.Report) error
}{
	{"text-tty", func(b *bytes.Buffer, r *why401.Report) error {
		return Text(b, r, Options{Color: true, Width: 80, Explain: explain})
	}},
	{"text-pipe", func(b *bytes.Buffer, r *why401.Report) error {
		return Text(b, r, Options{Explain: explain})
	}},
	{"text-verbose", func(b *bytes.Buffer, r *why401.Report) error {
		return Text(b, r, Options{Verbose: true, Explain: explain})
	}},
	{"json", func(b *bytes.Buffer, r *why401.Report) error { return JSON(b, r) }},
	{"jsonl", func(b *bytes.Buffer, r *why401.Report) error { return JSONLines(b, r) }},
	{"md", func(b *bytes.Buffer, r *why401.Report) error {
		return Markdown(b, r, Options{Explain: explain, Now: clock, Version: "v0.1.0"})
	}},
	{"html", func(b *bytes.Buffer, r *why401.Report) error {
		return HTML(b, r, Options{Explain: explain, Now: clock, Version: "v0.1.0"})
	}},
	{"md-verbose", func(b *bytes.Buffer, r *why401.Report) error {
		return Markdown(b, r, Options{Verbose: true, Now: clock})
	}},
	{"html-verbose", func(b *bytes.Buffer, r *why401.Report) error {
		return HTMLFragment(b, r, Options{Verbose: true, Now: clock})
	}},
}

func TestRenderersMatchGoldenFiles(t *testing.T) {
	for _, fx := range fixtures {
		for _, v := range variants {
			name := fx.name + "." + v.name
			t.Run(name, func(t *testing.T) {
				var b bytes.Buffer
				if err := v.fn(&b, fx.report()); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				golden(t, filepath.Join("testdata", name+".golden"), b.Bytes())
			})
		}
	}
}

// golden compares got with the file, or rewrites the file with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render/ -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test ./render/ -update rewrites it):\n%s", path, diff(want, got))
	}
}

// diff shows the first differing line, which is enough to find the change.
func diff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, w, g)
		}
	}
	return "(lengths differ)"
}

// The document's top-level keys are a contract (DESIGN.md §2): these seven
// always, the optional ones only when set.
var (
	requiredKeys = []string{"schema", "target", "status", "verdict", "challenges", "exchanges", "findings"}
	optionalKeys = []string{"notes", "source"}
)

func TestJSONRoundTripsWithTheDesignKeys(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			r := fx.report()
			var b bytes.Buffer
			if err := JSON(&b, r); err != nil {
				t.Fatal(err)
			}
			out := b.Bytes()
			if !json.Valid(out) || !bytes.HasSuffix(out, []byte("}\n")) || !bytes.HasPrefix(out, []byte("{\n  \"schema\": ")) {
				t.Fatalf("JSON(%s) is not an indented document ending in a newline:\n%s", fx.name, out)
			}

			var top map[string]json.RawMessage
			if err := json.Unmarshal(out, &top); err != nil {
				t.Fatal(err)
			}
			for _, k := range requiredKeys {
				if _, ok := top[k]; !ok {
					t.Errorf("JSON(%s) lacks the key %q", fx.name, k)
				}
			}
			for k := range top {
				if !slices.Contains(requiredKeys, k) && !slices.Contains(optionalKeys, k) {
					t.Errorf("JSON(%s) has the key %q, which DESIGN.md does not name", fx.name, k)
				}
			}
			for _, k := range []string{"challenges", "exchanges", "findings"} {
				if string(top[k])[0] != '[' {
					t.Errorf("JSON(%s).%s = %s; want an array", fx.name, k, top[k])
				}
			}

			// Decode what the document carries and compare it with the report.
			var got struct {
				Schema     string
				Target     why401.Target
				Status     int
				Verdict    why401.Verdict
				Challenges []struct {
					Scheme     string            `json:"scheme"`
					Token68    *string           `json:"token68"`
					Params     map[string]string `json:"params"`
					Registered bool              `json:"registered"`
				}
				Exchanges []why401.Exchange
				Findings  []why401.Finding
				Notes     []string
				Source    string
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if got.Schema != why401.Schema || got.Target != r.Target || got.Status != r.Status || got.Verdict != r.Verdict ||
				got.Source != r.Source || !reflect.DeepEqual(got.Notes, r.Notes) {
				t.Errorf("JSON(%s) round trip: head = %+v", fx.name, got)
			}
			if len(got.Challenges) != len(r.Challenges) {
				t.Fatalf("JSON(%s): %d challenges; want %d", fx.name, len(got.Challenges), len(r.Challenges))
			}
			for i, c := range r.Challenges {
				g := got.Challenges[i]
				if g.Scheme != c.Scheme || g.Registered != c.Registered || (g.Token68 != nil) != c.HasToken68 {
					t.Errorf("JSON(%s).challenges[%d] = %+v; want %+v", fx.name, i, g, c)
				}
				for _, p := range c.Params {
					if g.Params[p.Name] != p.Value {
						t.Errorf("JSON(%s).challenges[%d].params[%q] = %q; want %q", fx.name, i, p.Name, g.Params[p.Name], p.Value)
					}
				}
			}
			want := forJSON(r)
			if !reflect.DeepEqual(got.Findings, want.Findings) {
				t.Errorf("JSON(%s).findings round trip:\ngot  %+v\nwant %+v", fx.name, got.Findings, want.Findings)
			}
			wantEx := slices.Clone(want.Exchanges)
			for i := range wantEx {
				if resp := wantEx[i].Response; resp != nil {
					c := *resp
					c.Body, c.ContentType = nil, "" // never in the document
					wantEx[i].Response = &c
				}
			}
			if !reflect.DeepEqual(got.Exchanges, wantEx) {
				t.Errorf("JSON(%s).exchanges round trip:\ngot  %+v\nwant %+v", fx.name, got.Exchanges, wantEx)
			}

			// JSON Lines carries the same document on one line.
			var l bytes.Buffer
			if err := JSONLines(&l, r); err != nil {
				t.Fatal(err)
			}
			if bytes.Count(l.Bytes(), []byte("\n")) != 1 {
				t.Errorf("JSONLines(%s) is not one line", fx.name)
			}
			var a, c any
			_ = json.Unmarshal(out, &a)
			_ = json.Unmarshal(l.Bytes(), &c)
			if !reflect.DeepEqual(a, c) {
				t.Errorf("JSONLines(%s) and JSON(%s) differ", fx.name, fx.name)
			}
		})
	}
}

func TestJSONShowsRedactedLiterally(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, reportRejected()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"Basic <redacted>"`) || strings.Contains(b.String(), `\u003c`) {
		t.Errorf("JSON escapes <redacted>; want it literal:\n%s", b.String())
	}
}

func TestRenderersDoNotModifyTheReport(t *testing.T) {
	for _, fx := range fixtures {
		r, orig := fx.report(), fx.report()
		for _, v := range variants {
			var b bytes.Buffer
			_ = v.fn(&b, r)
		}
		if !reflect.DeepEqual(r, orig) {
			t.Errorf("rendering %s modified the report", fx.name)
		}
	}
}

// everyOutput renders r in every format and mode, by name.
func everyOutput(t *testing.T, r *why401.Report, explain func(string) string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range Names() {
		f, _ := ByName(name)
		for _, o := range []Options{
			{},
			{Color: true, Width: 60},
			{Verbose: true, Width: -1, Explain: explain, Now: clock},
			{Verbose: true, Color: true, Explain: explain, Now: clock},
		} {
			var b bytes.Buffer
			if err := f(&b, r, o); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out[fmt.Sprintf("%s %+v", name, struct{ Color, Verbose bool }{o.Color, o.Verbose})] = b.String()
		}
	}
	var b bytes.Buffer
	if err := HTMLFragment(&b, r, Options{Verbose: true, Explain: explain, Now: clock}); err != nil {
		t.Fatal(err)
	}
	out["html-fragment"] = b.String()
	return out
}

func TestNoRendererPrintsASecret(t *testing.T) {
	const secret = "hunter2-s3cr3t-T0ken"
	sec := redact.New(secret)

	// Build the report as the pipeline does: raw headers and URLs go
	// through redact; the secret also sits in a body and in a Secret that
	// a check formatted into its detail.
	raw := http.Header{
		"Authorization": {"Bearer " + secret},
		"Cookie":        {"sid=" + secret + "; theme=dark"},
		"X-Api-Key":     {secret},
	}
	rawResp := http.Header{
		"Set-Cookie":       {"sid=" + secret + "; Path=/; HttpOnly"},
		"Www-Authenticate": {`Bearer realm="api", error="invalid_token"`},
	}
	target := redact.URL("https://alice:" + secret + "@api.example.com/v1?access_token=" + secret + "&page=2")

	r := reportNoneSent()
	r.Target.URL = target
	r.Exchanges[0].Request.URL = target
	r.Exchanges[0].Request.Header = redact.Header(raw)
	r.Exchanges[0].Response.Header = redact.Header(rawResp)
	r.Exchanges[0].Response.Body = []byte("token=" + secret)
	r.Exchanges[0].CredentialsSent = true
	r.Findings[0].Detail = fmt.Sprintf("sent %v, %s, %+v, %#v, %q", sec, sec, sec, sec, sec)
	r.Notes = append(r.Notes, fmt.Sprint("a note about ", sec))
	explainSecret := func(string) string { return fmt.Sprintf("explained with %v", sec) }

	for name, out := range everyOutput(t, r, explainSecret) {
		if strings.Contains(out, secret) {
			t.Errorf("%s output contains the secret:\n%s", name, out)
		}
		if strings.Contains(out, bodySecret) {
			t.Errorf("%s output contains a response body", name)
		}
	}
	for _, fx := range fixtures {
		for name, out := range everyOutput(t, fx.report(), explain) {
			if strings.Contains(out, bodySecret) {
				t.Errorf("%s output of %s contains a response body", name, fx.name)
			}
		}
	}
}

// normalize undoes presentation so that text can be searched for: Markdown
// backslash escapes, and every run of whitespace (wrapping, indentation)
// as one space.
var mdEscapeRE = regexp.MustCompile("\\\\([!-/:-@\\[-`{-~])")

func normalize(s string) string {
	s = mdEscapeRE.ReplaceAllString(s, "$1")
	return strings.Join(strings.Fields(s), " ")
}

func TestEveryFindingShowsItsTitleAndFix(t *testing.T) {
	for _, fx := range fixtures {
		r := fx.report()
		outs := map[string]string{}
		for _, o := range []Options{{}, {Color: true, Width: 50}, {Verbose: true}} {
			var b bytes.Buffer
			if err := Text(&b, r, o); err != nil {
				t.Fatal(err)
			}
			outs[fmt.Sprintf("Text %+v", o)] = stripSGR(b.String())
		}
		var b bytes.Buffer
		if err := Markdown(&b, r, Options{Now: clock}); err != nil {
			t.Fatal(err)
		}
		outs["Markdown"] = b.String()

		for name, out := range outs {
			n := normalize(out)
			for _, f := range r.Findings {
				for _, want := range append([]string{f.Title}, f.Fix...) {
					if !strings.Contains(n, normalize(want)) {
						t.Errorf("%s of %s lacks %q", name, fx.name, want)
					}
				}
				if !strings.Contains(n, f.ID) {
					t.Errorf("%s of %s lacks the finding ID %q", name, fx.name, f.ID)
				}
			}
			if !strings.Contains(n, normalize(r.Verdict.Summary)) {
				t.Errorf("%s of %s lacks the verdict %q", name, fx.name, r.Verdict.Summary)
			}
		}
	}
}

var sgrRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripSGR(s string) string { return sgrRE.ReplaceAllString(s, "") }

func TestTextIsCleanWhenPiped(t *testing.T) {
	for _, fx := range fixtures {
		for _, o := range []Options{{}, {Verbose: true}, {Width: -1}, {Color: true}, {Color: true, Verbose: true}} {
			var b bytes.Buffer
			if err := Text(&b, fx.report(), o); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if !o.Color && strings.Contains(out, "\x1b") {
				t.Errorf("Text(%s, %+v) writes escape sequences without colour", fx.name, o)
			}
			for i, l := range strings.Split(out, "\n") {
				if strings.TrimRight(stripSGR(l), " \t") != stripSGR(l) {
					t.Errorf("Text(%s, %+v) line %d has trailing space: %q", fx.name, o, i+1, l)
				}
				if o.Width == 0 && !o.Verbose {
					limit := DefaultWidth
					if w := visibleWidth(l); w > limit && !strings.Contains(l, "://") {
						t.Errorf("Text(%s, %+v) line %d is %d columns wide: %q", fx.name, o, i+1, w, l)
					}
				}
			}
			if !strings.HasSuffix(out, "\n") || strings.HasSuffix(out, "\n\n") {
				t.Errorf("Text(%s, %+v) does not end in exactly one newline", fx.name, o)
			}
		}
	}
}

func TestOutsideTextCannotInjectMarkupOrEscapes(t *testing.T) {
	r := reportNoneSent()
	hostile := "Evil\x1b]0;owned\x07 \x1b[2J <img src=x onerror=alert(1)> [click](https://evil.example) \u202egnp.exe"
	r.Challenges[0].Params[0].Value = hostile
	r.Findings[0].Detail = hostile
	r.Findings[0].Title = "# heading | pipe ` tick"
	r.Exchanges[0].Response.Header.Set("X-Evil", hostile)

	var text bytes.Buffer
	if err := Text(&text, r, Options{Color: true, Verbose: true}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"\x1b]0;", "\x1b[2J", "\x07", "\u202e"} {
		if strings.Contains(text.String(), bad) {
			t.Errorf("Text passes %q through from the server", bad)
		}
	}
	if !strings.Contains(text.String(), `\x1b[2J`) || !strings.Contains(text.String(), `\u202e`) {
		t.Errorf("Text does not show the escaped control characters:\n%s", text.String())
	}

	var md bytes.Buffer
	if err := Markdown(&md, r, Options{Verbose: true, Now: clock}); err != nil {
		t.Fatal(err)
	}
	m := md.String()
	// Outside code spans and fences, markup from the server must be
	// escaped (a backslash before it); raw control characters never pass.
	unescaped := regexp.MustCompile(`(^|[^\\])(<img|\[click\]\()`)
	for _, l := range strings.Split(m, "\n") {
		if unescaped.MatchString(l) && !strings.HasPrefix(l, "< ") && !strings.Contains(l, "`") {
			t.Errorf("Markdown line shows markup unescaped: %q", l)
		}
		if strings.ContainsAny(l, "\x1b\u202e") {
			t.Errorf("Markdown line holds a raw control character: %q", l)
		}
	}
	if !strings.Contains(m, `\<img src=x onerror=alert(1)> \[click\](https://evil.example)`) {
		t.Errorf("Markdown does not escape the hostile detail:\n%s", m)
	}
	if !strings.Contains(m, "### Error: \\# heading | pipe \\` tick") {
		t.Errorf("Markdown does not escape the hostile title:\n%s", m)
	}
	for _, l := range strings.Split(m, "\n") {
		if strings.HasPrefix(l, "| WWW-Authenticate | Bearer |") && !strings.Contains(l, `\|`) {
			t.Errorf("Markdown table cell leaves a pipe unescaped: %q", l)
		}
	}

	var h bytes.Buffer
	if err := HTML(&h, r, Options{Verbose: true, Now: clock}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<img", "\x1b", "\u202e", "<script"} {
		if strings.Contains(h.String(), bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
}

func TestMarkdownShowsRedactedAsCode(t *testing.T) {
	r := reportRejected()
	r.Findings[0].Detail = "sent Authorization: Basic <redacted> | twice"
	var b bytes.Buffer
	if err := Markdown(&b, r, Options{Now: clock}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "sent Authorization: Basic `<redacted>` | twice") {
		t.Errorf("Markdown does not show <redacted> as code:\n%s", b.String())
	}
}

func TestMarkdownEscaping(t *testing.T) {
	tests := []struct{ in, want string }{
		// Inline markup is escaped, so it shows as typed.
		{"*bold* _em_ [a](b) <b> ~x~ $x$", `\*bold\* \_em\_ \[a\](b) \<b> \~x\~ \$x\$`},
		// An underscore inside a word cannot open emphasis: left alone.
		{"error=invalid_token", "error=invalid_token"},
		// Backtick pairs stay code; a lone backtick is escaped.
		{"run `why401 -v` now", "run `why401 -v` now"},
		{"a ` b", "a \\` b"},
		{"x `a`b`", "x `a`b\\`"},
		// Code containing a backtick gets a longer fence.
		{"", ""},
		// Line starts that would make a block.
		{"# not a heading", `\# not a heading`},
		{"- not a list", `\- not a list`},
		{"1. not a list", `1\. not a list`},
		{"> not a quote", `\> not a quote`},
		// Entities would be decoded; a lone ampersand is fine.
		{"&amp; and a & b", `\&amp; and a & b`},
		{`C:\path`, `C:\\path`},
		{"Basic <redacted>", "Basic `<redacted>`"},
	}
	for _, tt := range tests {
		if got := mdText(tt.in); got != tt.want {
			t.Errorf("mdText(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	codes := []struct{ in, want string }{
		{"a`b", "``a`b``"},
		{"`x", "`` `x ``"},
		{"<redacted>", "`<redacted>`"},
	}
	for _, tt := range codes {
		if got := mdCode(tt.in); got != tt.want {
			t.Errorf("mdCode(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	if got, want := mdCell("a | `b|c`"), "a \\| `b\\|c`"; got != want {
		t.Errorf("mdCell = %q; want %q", got, want)
	}
}

func TestHTMLIsAccessibleAndSelfContained(t *testing.T) {
	for _, fx := range fixtures {
		var b bytes.Buffer
		if err := HTML(&b, fx.report(), Options{Verbose: true, Now: clock}); err != nil {
			t.Fatal(err)
		}
		h := b.String()
		for _, want := range []string{`<html lang="en">`, "<h1>", "<h2>For the site owner</h2>", "<h2>For the visitor</h2>",
			`<th scope="col">`, "Content-Security-Policy"} {
			if !strings.Contains(h, want) {
				t.Errorf("HTML(%s) lacks %q", fx.name, want)
			}
		}
		for _, bad := range []string{"<script", " src=", "<link", "@import", "url("} {
			if strings.Contains(h, bad) {
				t.Errorf("HTML(%s) loads something: %q", fx.name, bad)
			}
		}
		if strings.Count(h, "<table>") != strings.Count(h, "<caption>") {
			t.Errorf("HTML(%s): a table without a caption", fx.name)
		}
	}
	var b bytes.Buffer
	if err := HTMLFragment(&b, reportRejected(), Options{Now: clock}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), `<article class="why401">`) || strings.Contains(b.String(), "<html") {
		t.Errorf("HTMLFragment is not a bare article:\n%.200s", b.String())
	}
}

func TestByNameKnowsEveryFormat(t *testing.T) {
	if got, want := Names(), []string{"html", "json", "jsonl", "markdown", "text"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v; want %v", got, want)
	}
	for _, n := range Names() {
		f, ok := ByName(n)
		if !ok || f == nil {
			t.Errorf("ByName(%q) = _, %v", n, ok)
			continue
		}
		var b bytes.Buffer
		if err := f(&b, reportRejected(), Options{Now: clock}); err != nil || b.Len() == 0 {
			t.Errorf("ByName(%q) rendered %d bytes, %v", n, b.Len(), err)
		}
	}
	if _, ok := ByName("yaml"); ok {
		t.Error(`ByName("yaml") = _, true; want false`)
	}
}

func TestNilReportIsAnError(t *testing.T) {
	names := Names()
	sort.Strings(names)
	for _, n := range names {
		f, _ := ByName(n)
		if err := f(&bytes.Buffer{}, nil, Options{}); !errors.Is(err, errNilReport) {
			t.Errorf("%s(nil) = %v; want errNilReport", n, err)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorsAreReturned(t *testing.T) {
	for _, n := range Names() {
		f, _ := ByName(n)
		if err := f(failWriter{}, reportRejected(), Options{Now: clock}); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s to a failing writer = %v; want the write error", n, err)
		}
	}
}

func TestWrapKeepsWordsAndWidth(t *testing.T) {
	p := &textPrinter{width: 20}
	got := p.wrap("one two three four five six https://a.very.long.example/path/that/does/not/fit end", 2, 4)
	want := []string{"one two three four", "five six", "https://a.very.long.example/path/that/does/not/fit", "end"}
	if !slices.Equal(got, want) {
		t.Errorf("wrap = %q; want %q", got, want)
	}
	p.width = -1
	if got := p.wrap("a b", 0, 0); !slices.Equal(got, []string{"a b"}) {
		t.Errorf("wrap with width -1 = %q; want the line whole", got)
	}
}

func TestCleanEscapesControlCharacters(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a\tb", "a b"},
		{"\x1b[2J", `\x1b[2J`},
		{"bell\x07", `bell\x07`},
		{"del\x7f", `del\x7f`},
		{"c1\u0085", `c1\u0085`},
		{"rtl\u202eexe", `rtl\u202eexe`},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"héllo ✓", "héllo ✓"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestProducedByNamesTheCommandWithoutFlags(t *testing.T) {
	tests := []struct {
		r    why401.Report
		want string
	}{
		{why401.Report{Target: why401.Target{URL: "https://a.example/x", Method: "GET"}, Source: "url"}, "why401 https://a.example/x"},
		{why401.Report{Target: why401.Target{URL: "https://a.example/x?a=1&b=<redacted>", Method: "POST"}},
			"why401 -X POST 'https://a.example/x?a=1&b=<redacted>'"},
		{why401.Report{Target: why401.Target{URL: "https://a.example/it's"}}, `why401 'https://a.example/it'\''s'`},
		{why401.Report{Source: "curl"}, "why401 curl …"},
		{why401.Report{Source: "har"}, "why401 har FILE"},
	}
	for _, tt := range tests {
		if got := producedBy(&tt.r); got != tt.want {
			t.Errorf("producedBy(%+v) = %q; want %q", tt.r.Target, got, tt.want)
		}
	}
}
