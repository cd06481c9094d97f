// Command count reads a HAR with har.Read and prints its entry and status
// counts as JSON. It stands in for `why401 har --json` in bench/har/run.sh
// until that command exists.
//
//	go run ./bench/har/count FILE
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/why401/why401/har"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: count FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "count:", err)
		os.Exit(2)
	}
	defer f.Close()
	sum, err := har.Read(f, func(*har.Entry) error { return nil })
	if err != nil {
		fmt.Fprintln(os.Stderr, "count:", err)
		os.Exit(2)
	}
	counts := map[string]int{}
	for s, n := range sum.StatusCounts {
		counts[strconv.Itoa(s)] = n
	}
	out, _ := json.Marshal(map[string]any{"entries": sum.Entries, "status_counts": counts, "sanitized": sum.Sanitized})
	fmt.Println(string(out))
}
