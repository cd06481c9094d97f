// Command gen writes a Chrome-like HAR of a given size for benchmarks:
//
//	go run ./bench/har/gen -mb 300 -o big.har
//
// The same -seed gives the same bytes. It prints the number of entries and
// of 401s to standard error, so a benchmark can check the counts it gets.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/why401/why401/har/hartest"
)

func main() {
	mb := flag.Int64("mb", 300, "approximate size in MiB")
	out := flag.String("o", "-", "output file (- for standard output)")
	seed := flag.Uint64("seed", 1, "seed")
	sanitized := flag.Bool("sanitized", false, "write what Chrome exports by default (no cookies, no Authorization)")
	rate401 := flag.Float64("rate401", 0, "share of entries answered 401 (0 means the generator's default, 0.01)")
	flag.Parse()
	var w io.Writer = os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	st, err := hartest.Generate(w, hartest.Options{Size: *mb << 20, Seed: *seed, Sanitized: *sanitized, Rate401: *rate401})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gen: %d bytes, %d entries, %d with status 401\n", st.Bytes, st.Entries, st.Status[401])
}
