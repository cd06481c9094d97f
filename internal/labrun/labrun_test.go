package labrun_test

import (
	"context"
	"testing"
	"time"

	"github.com/why401/why401/internal/labrun"
	"github.com/why401/why401/lab"
)

// BenchmarkDiagnose measures a full credentialed diagnosis in process
// against the lab with 100 ms per response, and reports it in round trips:
// the target is ≤ 2.5 (DESIGN.md §7), the floor 2 (challenge, then the
// credentialed answer).
func BenchmarkDiagnose(b *testing.B) {
	const latency = 100 * time.Millisecond
	srv, err := lab.Start(lab.Options{Latency: latency})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	for _, id := range []string{"basic-accepted", "digest-accepted", "basic-rejected", "bearer-invalid-token"} {
		sc, _ := srv.Lookup(id)
		b.Run(id, func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				r, err := labrun.Diagnose(context.Background(), srv, sc)
				total += time.Since(start)
				if err != nil || r.Verdict.ID != sc.Verdict {
					b.Fatalf("verdict %v, err %v", r.Verdict.ID, err)
				}
			}
			b.ReportMetric(float64(total)/float64(b.N)/float64(latency), "RTs/op")
		})
	}
}
