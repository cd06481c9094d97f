package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/why401/why401"
)

// JSON writes the why401/v1 document of DESIGN.md §2, indented by two
// spaces, with a trailing newline. Keys come in the order of the Report's
// fields, so the document is stable byte for byte. HTML escaping is off:
// the document is not embedded in a page, and "<redacted>" must read as
// itself rather than as "\u003credacted\u003e".
func JSON(w io.Writer, r *why401.Report) error {
	return encodeJSON(w, r, "  ")
}

// JSONLines writes the same document on one line, for `why401 scan`, where
// each target is one line of the stream.
func JSONLines(w io.Writer, r *why401.Report) error {
	return encodeJSON(w, r, "")
}

func encodeJSON(w io.Writer, r *why401.Report, indent string) error {
	if r == nil {
		return errNilReport
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(forJSON(r)); err != nil {
		return fmt.Errorf("render: json: %w", err)
	}
	return write(w, buf.Bytes())
}

// forJSON returns a shallow copy of r in which the lists DESIGN.md shows as
// arrays are arrays even when empty, so a consumer never has to tell null
// from [] (a report built by hand, or one whose target was unreachable, has
// nil slices). The schema defaults to why401.Schema: the document's shape is
// this renderer's, so it names it. r itself is not modified.
func forJSON(r *why401.Report) *why401.Report {
	c := *r
	if c.Schema == "" {
		c.Schema = why401.Schema
	}
	if c.Challenges == nil {
		c.Challenges = []why401.Challenge{}
	}
	if c.Exchanges == nil {
		c.Exchanges = []why401.Exchange{}
	}
	c.Findings = make([]why401.Finding, len(r.Findings))
	for i, f := range r.Findings {
		if f.Fix == nil {
			f.Fix = []string{}
		}
		if f.Evidence == nil {
			f.Evidence = []int{}
		}
		if f.Refs == nil {
			f.Refs = []string{}
		}
		c.Findings[i] = f
	}
	return &c
}
