package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestScanPrintsOneDocumentPerTarget scans every lab scenario URL from
// standard input and checks one why401/v1 line per target and the exit
// code.
func TestScanPrintsOneDocumentPerTarget(t *testing.T) {
	srv := startLab(t)
	var list strings.Builder
	list.WriteString("# lab targets\n\n")
	n := 0
	for _, sc := range srv.Scenarios {
		// Scenarios that need --resolve or other flags are left out.
		if u := srv.Env.URL(sc); strings.Contains(u, "://127.0.0.1:") {
			list.WriteString(u + "\n")
			n++
		}
	}
	out, errb, code := runIn(t, list.String(), "scan", "-k", "--workers", "4")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines for %d targets; stderr %q", len(lines), n, errb)
	}
	for _, l := range lines {
		var r struct {
			Schema string
			Target struct{ URL string }
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Schema != "why401/v1" || r.Target.URL == "" {
			t.Errorf("bad line %q: %v", l, err)
		}
	}
	if code != ExitProblem {
		t.Errorf("exit %d, want %d (some scenarios are problems); stderr %s", code, ExitProblem, errb)
	}
	if !strings.Contains(errb, "targets in") {
		t.Errorf("no summary on stderr: %q", errb)
	}
}
