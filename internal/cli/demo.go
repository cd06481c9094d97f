package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/why401/why401/internal/labrun"
	"github.com/why401/why401/lab"
)

func newDemoCmd(io *IO) *cobra.Command {
	var only string
	var noColor bool
	c := &cobra.Command{
		Use:   "demo [--scenario ID]",
		Short: "Start the lab in-process and diagnose each of its scenarios",
		Long: `Start the lab on a free loopback port, diagnose every scenario through the whole pipeline, and print
one line per scenario: what was asked, the verdict and the finding IDs. Exit 0 only when every scenario
produced exactly its expected findings and verdict.`,
		Example: `  why401 demo
  why401 demo --scenario basic-rejected`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			srv, err := lab.Start(lab.Options{})
			if err != nil {
				return unreachable(err)
			}
			defer srv.Close()
			color := io.color(noColor)
			mark := func(ok bool) string {
				switch {
				case ok && color:
					return "\x1b[32m✓\x1b[0m"
				case ok:
					return "ok  "
				case color:
					return "\x1b[31m✗\x1b[0m"
				}
				return "FAIL"
			}
			start := time.Now()
			failed, ran := 0, 0
			for _, sc := range srv.Scenarios {
				if only != "" && sc.ID != only {
					continue
				}
				ran++
				res := labrun.Check(cmd.Context(), srv, sc)
				fmt.Fprintf(io.Out, "%s %-26s %s\n", mark(res.OK()), sc.ID, sc.Title)
				if res.Err != nil {
					fmt.Fprintf(io.Out, "       error: %v\n", res.Err)
				} else {
					ids := strings.Join(res.Report.IDs(), " ")
					if ids == "" {
						ids = "(none)"
					}
					fmt.Fprintf(io.Out, "       verdict: %s\n       findings: %s\n", res.Report.Verdict.Summary, ids)
				}
				if len(res.Missing) > 0 {
					fmt.Fprintf(io.Out, "       missing: %s\n", strings.Join(res.Missing, " "))
				}
				if len(res.Extra) > 0 {
					fmt.Fprintf(io.Out, "       unexpected: %s\n", strings.Join(res.Extra, " "))
				}
				for _, p := range res.Problems {
					fmt.Fprintf(io.Out, "       problem: %s\n", p)
				}
				if !res.OK() {
					failed++
				}
			}
			if ran == 0 {
				return usageError("no scenario %q (see why401 lab, or the list in docs/lab.md)", only)
			}
			fmt.Fprintf(io.Out, "\n%d of %d scenarios diagnosed as expected in %s.\n", ran-failed, ran, time.Since(start).Round(time.Millisecond))
			if failed > 0 {
				return silentExit(ExitProblem)
			}
			return nil
		},
	}
	c.Flags().StringVar(&only, "scenario", "", "run only the scenario `ID`")
	c.Flags().BoolVar(&noColor, "no-color", false, "no colour")
	return c
}
