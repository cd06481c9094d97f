package render

import (
	"io"
	"strconv"
	"strings"

	"github.com/why401/why401"
	"github.com/why401/why401/internal/redact"
)

// Markdown writes a report a visitor can send to the site owner: the date,
// the request, the final status and the verdict; the findings the site
// owner can fix, then the visitor's; the challenges and the exchange chain
// as tables; the notes; and a footer saying that every secret was redacted
// and how the report was produced.
//
// Everything that came from outside (a realm, an error_description, a URL)
// is escaped so that it renders literally: a hostile server must not be able
// to put a link, an image or raw HTML into a report that someone will open
// in a Markdown viewer. Text between backticks in the catalogue's prose
// stays a code span, and "<redacted>" is always shown as code.
func Markdown(w io.Writer, r *why401.Report, o Options) error {
	if r == nil {
		return errNilReport
	}
	v := newView(r, o)
	var b strings.Builder
	p := func(ss ...string) {
		for _, s := range ss {
			b.WriteString(s)
		}
		b.WriteByte('\n')
	}

	p("# why401 report")
	p()
	p("- **Date:** ", v.Date)
	p("- **Request:** ", mdCode(v.Method+" "+v.URL))
	st := "- **Final status:** " + mdText(v.Status)
	if v.FinalURL != "" {
		st += " at " + mdCode(v.FinalURL)
		if v.Redirects > 0 {
			st += " (after " + plural(v.Redirects, "redirect") + ")"
		}
	}
	p(st)
	p("- **Verdict:** ", v.Verdict.Label, ": ", mdText(v.Verdict.Text))

	section := func(title, none string, fs []findingView) {
		p()
		p("## ", title)
		if len(fs) == 0 {
			p()
			p(none)
			return
		}
		for _, f := range fs {
			mdFinding(p, f)
		}
	}
	section("For the site owner", "Nothing for the site owner to fix was found.", v.Owner)
	section("For the visitor", "Nothing for the visitor to do was found.", v.Visitor)

	if len(v.Challenges) > 0 {
		p()
		p("## Challenges")
		p()
		p("| Header | Scheme | Parameters | Registered |")
		p("| --- | --- | --- | --- |")
		for _, c := range v.Challenges {
			p("| ", c.Header, " | ", mdCell(c.Scheme), " | ", mdCellCode(c.Params), " | ", yesNo(c.Registered), " |")
		}
	}

	if len(v.Exchanges) > 0 {
		p()
		p("## Exchanges")
		p()
		p("| # | Purpose | Method | URL | Status | Credentials sent | Cookies sent | Remote address | Time |")
		p("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
		for _, e := range v.Exchanges {
			status := mdCell(e.Status)
			if e.Error != "" {
				status += ": " + mdCell(e.Error)
			}
			if e.Location != "" {
				status += " → " + mdCellCode(e.Location)
				if e.CrossOrigin {
					status += " (another origin)"
				}
			}
			p("| ", strconv.Itoa(e.Index), " | ", orDash(mdCell(e.Purpose)), " | ", mdCell(e.Method), " | ",
				mdCellCode(e.URL), " | ", status, " | ", e.Credentials, " | ", e.Cookies, " | ",
				orDash(mdCellCode(e.Remote)), " | ", orDash(e.Time), " |")
		}
		if v.Verbose {
			for _, e := range v.Exchanges {
				p()
				h := "### Exchange " + index(e.Index)
				if e.Purpose != "" {
					h += " (" + mdText(e.Purpose) + ")"
				}
				p(h)
				var block []string
				for _, l := range e.Request {
					block = append(block, "> "+l)
				}
				block = append(block, ">")
				for _, l := range e.Response {
					block = append(block, "< "+l)
				}
				if len(e.Response) > 0 {
					block = append(block, "<")
				}
				fence := mdFence(block)
				p()
				p(fence, "text")
				for _, l := range block {
					p(l)
				}
				p(fence)
			}
		}
	}

	if len(v.Notes) > 0 {
		p()
		p("## Notes")
		p()
		for _, n := range v.Notes {
			p("- ", mdText(n))
		}
	}

	p()
	p("---")
	p()
	foot := "Every secret was redacted before this report was written: passwords, tokens, " +
		mdCode("Authorization") + " values and cookie values show as " + mdCode(redact.Placeholder) +
		", and response bodies are left out. Produced by "
	if v.Version != "" {
		foot += "why401 " + mdText(v.Version)
	} else {
		foot += "why401"
	}
	foot += " with " + mdCode(v.Command) + " on " + v.Date + "."
	p(foot)
	return write(w, []byte(b.String()))
}

// mdFinding writes one finding as a level-3 section.
func mdFinding(p func(...string), f findingView) {
	p()
	p("### ", f.Label, ": ", mdText(f.Text))
	p()
	p(mdCode(f.ID), " · who can fix it: ", f.Who)
	for _, d := range f.Detail {
		if strings.TrimSpace(d) == "" {
			continue
		}
		p()
		p(mdText(strings.TrimSpace(d)))
	}
	for _, e := range f.Explain {
		p()
		p(mdText(e))
	}
	if len(f.Evidence) > 0 {
		p()
		p("**Evidence**")
		p()
		for _, e := range f.Evidence {
			if !e.Known {
				p("- exchange ", index(e.Index))
				continue
			}
			p("- exchange ", index(e.Index), ": ", mdCode(e.Method+" "+e.URL), " → ", mdText(e.Status))
		}
	}
	if len(f.Fix) > 0 {
		p()
		p("**Fix**")
		p()
		for i, s := range f.Fix {
			p(strconv.Itoa(i+1), ". ", mdText(s))
		}
	}
	if len(f.Refs) > 0 {
		refs := make([]string, len(f.Refs))
		for i, s := range f.Refs {
			refs[i] = mdText(s)
		}
		p()
		p("References: ", strings.Join(refs, "; "))
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// mdText renders one line of prose as Markdown inline content that shows
// exactly the text: pairs of backticks stay code spans, "<redacted>" becomes
// a code span, and everything else that Markdown (CommonMark with GitHub's
// extensions) would interpret is backslash-escaped.
func mdText(s string) string {
	var b strings.Builder
	for _, sp := range spans(s) {
		if sp.Code {
			b.WriteString(mdCode(sp.Text))
			continue
		}
		parts := strings.Split(sp.Text, redact.Placeholder)
		for i, part := range parts {
			if i > 0 {
				b.WriteString(mdCode(redact.Placeholder))
			}
			b.WriteString(mdEscape(part))
		}
	}
	return mdLineStart(b.String())
}

// mdEscape backslash-escapes the characters that start inline markup:
// code, emphasis, links and images, raw HTML and autolinks, entities,
// strikethrough and GitHub's math. An underscore inside a word (invalid_token)
// cannot open emphasis (CommonMark §6.2) and is left alone, so identifiers
// read naturally in the raw file.
func mdEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '[', ']', '<', '~', '$':
			b.WriteByte('\\')
		case '_':
			if !(i > 0 && isAlnum(s[i-1]) && i+1 < len(s) && isAlnum(s[i+1])) {
				b.WriteByte('\\')
			}
		case '&':
			if i+1 < len(s) && (s[i+1] == '#' || isAlnum(s[i+1])) {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// mdLineStart escapes what would make a line a block other than a
// paragraph: a heading, a list item, a block quote, a thematic break, a
// setext underline.
func mdLineStart(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '-', '+', '=', '>':
		return `\` + s
	}
	// "1." or "1)" would start an ordered list.
	i := 0
	for i < len(s) && i < 10 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// mdCode renders s as a code span whose content is exactly s: the fence is
// one backtick longer than the longest run inside, and a space pads content
// that starts or ends with a backtick (CommonMark §6.1).
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if s[0] == '`' || s[len(s)-1] == '`' || (s[0] == ' ' && s[len(s)-1] == ' ' && strings.TrimSpace(s) != "") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdCell is mdText for a table cell: a pipe would end the cell, so it is
// escaped everywhere, inside code spans too (GFM §4.10).
func mdCell(s string) string {
	return strings.ReplaceAll(mdText(strings.ReplaceAll(s, "\n", " ")), "|", `\|`)
}

// mdCellCode is mdCode for a table cell.
func mdCellCode(s string) string {
	return strings.ReplaceAll(mdCode(strings.ReplaceAll(s, "\n", " ")), "|", `\|`)
}

// mdFence returns a code fence longer than any run of backticks in the
// block, so no header value can close it early.
func mdFence(block []string) string {
	n := 2
	for _, l := range block {
		if r := longestRun(l, '`'); r > n {
			n = r
		}
	}
	return strings.Repeat("`", n+1)
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			if cur > best {
				best = cur
			}
		} else {
			cur = 0
		}
	}
	return best
}
