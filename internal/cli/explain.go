package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/why401/why401/checks"
)

func newExplainCmd(io *IO) *cobra.Command {
	var list bool
	c := &cobra.Command{
		Use:   "explain ID",
		Short: "What a finding means and how to fix it",
		Long:  "Print the catalogue entry of a finding: severity, who can fix it, the explanation and the fix.\nThe same text is in docs/findings.md.",
		Example: `  why401 explain credentials.rejected
  why401 explain --list`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if list {
				for _, k := range checks.Catalog() {
					fmt.Fprintf(io.Out, "%-34s %s\n", k.ID, k.Title)
				}
				return nil
			}
			if len(args) != 1 {
				return usageError("explain needs a finding ID (see why401 explain --list)")
			}
			k, ok := checks.Lookup(args[0])
			if !ok {
				return usageError("no finding %q (%s)", args[0], suggest(args[0]))
			}
			fmt.Fprint(io.Out, FindingDoc(k.ID, "", false))
			return nil
		},
	}
	c.Flags().BoolVar(&list, "list", false, "list every finding ID")
	return c
}

// suggest names the IDs that share the prefix of id before its dot.
func suggest(id string) string {
	prefix, _, _ := strings.Cut(id, ".")
	var near []string
	for _, k := range checks.Catalog() {
		if strings.HasPrefix(k.ID, prefix+".") {
			near = append(near, k.ID)
		}
	}
	sort.Strings(near)
	if len(near) == 0 {
		return "see why401 explain --list"
	}
	return "did you mean " + strings.Join(near, ", ") + "?"
}

// FindingDoc renders one catalogue entry, as plain text or as a Markdown
// section (heading prefix h). docs/findings.md is made of these.
func FindingDoc(id, h string, markdown bool) string {
	k, ok := checks.Lookup(id)
	if !ok {
		return ""
	}
	var b strings.Builder
	who := "the visitor"
	if k.Who == "site-owner" {
		who = "the site owner"
	}
	if markdown {
		fmt.Fprintf(&b, "%s `%s`\n\n**%s**\n\nSeverity: %s. Who can fix it: %s.\n\n%s\n\nFix:\n\n", h, k.ID, k.Title, k.Severity, who, k.Explain)
		for i, f := range k.Fix {
			fmt.Fprintf(&b, "%d. %s\n", i+1, f)
		}
		if len(k.Refs) > 0 {
			fmt.Fprintf(&b, "\nReferences: %s.\n", strings.Join(k.Refs, "; "))
		}
		b.WriteString("\n")
		return b.String()
	}
	fmt.Fprintf(&b, "%s — %s\nseverity: %s · who can fix it: %s\n\n%s\n\nFix:\n", k.ID, k.Title, k.Severity, who, wrap(k.Explain, 100))
	for i, f := range k.Fix {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, wrap(f, 95))
	}
	if len(k.Refs) > 0 {
		fmt.Fprintf(&b, "\nReferences: %s\n", strings.Join(k.Refs, "; "))
	}
	return b.String()
}

func wrap(s string, width int) string {
	var out, line strings.Builder
	for _, w := range strings.Fields(s) {
		if line.Len() > 0 && line.Len()+1+len(w) > width {
			out.WriteString(line.String() + "\n")
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(w)
	}
	out.WriteString(line.String())
	return out.String()
}

// FindingsMarkdown renders the whole catalogue as docs/findings.md.
func FindingsMarkdown() string {
	var b strings.Builder
	b.WriteString("# Findings\n\n")
	b.WriteString("<!-- Generated from the catalogue (checks.Catalog) by `go test ./internal/cli -run TestFindingsDoc -update`. Do not edit. -->\n\n")
	b.WriteString("Every finding why401 can report, with its stable ID (the contract of the JSON output), its severity, who can\n")
	b.WriteString("fix it, what it means and the fix. `why401 explain ID` prints the same text.\n\n")
	b.WriteString("| ID | Severity | Who | Title |\n|---|---|---|---|\n")
	for _, k := range checks.Catalog() {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s |\n", k.ID, anchor(k.ID), k.Severity, k.Who, k.Title)
	}
	b.WriteString("\n")
	for _, k := range checks.Catalog() {
		b.WriteString(FindingDoc(k.ID, "##", true))
	}
	return b.String()
}

// anchor is GitHub's heading anchor for "## `id`".
func anchor(id string) string {
	return strings.NewReplacer(".", "", "`", "").Replace(id)
}
