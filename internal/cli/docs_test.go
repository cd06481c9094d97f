package cli

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite generated files and golden files")

// TestFindingsDocIsCurrent fails when docs/findings.md no longer matches
// the catalogue; -update rewrites it.
func TestFindingsDocIsCurrent(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "findings.md")
	want := FindingsMarkdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run: go test ./internal/cli -run TestFindingsDoc -update)", err)
	}
	if string(got) != want {
		t.Errorf("docs/findings.md is stale: run go test ./internal/cli -run TestFindingsDoc -update")
	}
}
