package lab_test

import (
	"context"
	"testing"

	"github.com/why401/why401/checks"
	"github.com/why401/why401/internal/labrun"
	"github.com/why401/why401/lab"
)

// TestEveryScenarioProducesExactlyItsFindings runs each scenario through the
// whole pipeline and fails on a missing or an extra finding ID, a wrong
// verdict, a violation seen by a handler, or credentials sent more often
// than the budget allows.
func TestEveryScenarioProducesExactlyItsFindings(t *testing.T) {
	srv, err := lab.Start(lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, sc := range srv.Scenarios {
		t.Run(sc.ID, func(t *testing.T) {
			res := labrun.Check(context.Background(), srv, sc)
			if res.Err != nil {
				t.Fatalf("diagnosis failed: %v", res.Err)
			}
			if len(res.Missing) > 0 || len(res.Extra) > 0 {
				t.Errorf("findings %v: missing %v, extra %v", res.Report.IDs(), res.Missing, res.Extra)
			}
			for _, p := range res.Problems {
				t.Error(p)
			}
			for _, f := range res.Report.Findings {
				if f.Title == "" || len(f.Fix) == 0 {
					t.Errorf("finding %s has no title or no fix", f.ID)
				}
				if f.Detail == "" {
					t.Errorf("finding %s has no detail", f.ID)
				}
			}
		})
	}
}

// TestEveryCatalogueEntryHasAScenario makes sure each finding kind the
// checks can report is reproduced by some scenario, except the engine's own
// and those that only a recorded file can produce.
func TestEveryCatalogueEntryHasAScenario(t *testing.T) {
	covered := map[string]bool{"check.skipped": true, "check.failed": true,
		// Only a recorded file can leave it unknown whether credentials
		// were sent: the browser fixtures (internal/cli/har_test.go) cover it.
		"credentials.unknown": true}
	for _, sc := range lab.Scenarios() {
		for _, id := range sc.Expect {
			covered[id] = true
		}
	}
	for _, k := range checks.Catalog() {
		if !covered[k.ID] {
			t.Errorf("no lab scenario produces %s", k.ID)
		}
	}
}
