package har_test

import (
	"fmt"
	"os"

	"github.com/why401/why401/har"
)

// Every 401 of a Chrome export with what led to it, as `why401 har` reads
// them. Printing an entry shows it redacted.
func ExampleCases() {
	f, err := os.Open("testdata/chrome.har")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	sum, err := har.Cases(f, nil, func(c har.Case) error {
		fmt.Println(c.Target)
		for _, e := range c.Chain {
			fmt.Println("  after redirect", e)
		}
		fmt.Println("  exchanges:", len(c.Exchanges()), "set-cookies:", len(c.SetCookies))
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sum.Entries, "entries;", sum.StatusCounts[401], "answered 401")
	// Output:
	// entry 3: GET https://blog.example.com/wp-json/wp/v2/users/me?context=edit → 401
	//   exchanges: 4 set-cookies: 3
	// entry 6: GET https://api.example.com/v1/me → 401
	//   after redirect entry 5: GET http://api.example.com/v1/me → 301
	//   exchanges: 2 set-cookies: 3
	// entry 7: GET https://intranet.example.com/admin/ → 401
	//   exchanges: 1 set-cookies: 3
	// 8 entries; 3 answered 401
}

// Sanitizing a HAR before sharing it.
func ExampleSanitize() {
	in, err := os.Open("testdata/chrome.har")
	if err != nil {
		panic(err)
	}
	defer in.Close()
	out, err := os.CreateTemp("", "sanitized-*.har")
	if err != nil {
		panic(err)
	}
	defer os.Remove(out.Name())
	defer out.Close()
	st, err := har.Sanitize(in, out, har.SanitizeOptions{})
	fmt.Printf("%d entries; bodies: %d kept, %d removed; %v\n", st.Entries, st.BodiesKept, st.BodiesRemoved, err)
	// Output:
	// 8 entries; bodies: 5 kept, 1 removed; <nil>
}
