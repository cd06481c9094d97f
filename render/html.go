package render

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/why401/why401"
	"github.com/why401/why401/internal/redact"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplates is parsed once; html/template escapes every value by its
// context, and no value is ever passed as template.HTML, so nothing a
// server sent can become markup.
var htmlTemplates = template.Must(template.New("report").Funcs(template.FuncMap{
	"spans":       spans,
	"join":        strings.Join,
	"index1":      index,
	"placeholder": func() string { return redact.Placeholder },
}).Parse(htmlSource))

// HTML writes a complete, self-contained page (inline style, no scripts, no
// external assets, a Content-Security-Policy that forbids loading anything)
// with the same content as Markdown: it can be saved and opened anywhere.
func HTML(w io.Writer, r *why401.Report, o Options) error {
	return execHTML(w, r, o, "page")
}

// HTMLFragment writes the report alone, an <article> without page or
// style, for a page that embeds it (why401 serve).
func HTMLFragment(w io.Writer, r *why401.Report, o Options) error {
	return execHTML(w, r, o, "article")
}

func execHTML(w io.Writer, r *why401.Report, o Options, name string) error {
	if r == nil {
		return errNilReport
	}
	var b strings.Builder
	if err := htmlTemplates.ExecuteTemplate(&b, name, newView(r, o)); err != nil {
		return fmt.Errorf("render: html: %w", err)
	}
	// Template actions on their own lines leave blank lines and trailing
	// spaces behind; drop them so the output diffs cleanly.
	var out strings.Builder
	for _, l := range strings.Split(b.String(), "\n") {
		l = strings.TrimRight(l, " \t")
		if strings.TrimSpace(l) == "" {
			continue
		}
		out.WriteString(l)
		out.WriteByte('\n')
	}
	return write(w, []byte(out.String()))
}
