package curlcmd_test

import (
	"fmt"

	"github.com/why401/why401/curlcmd"
)

// A request pasted from Chrome's "Copy as cURL (bash)".
func Example() {
	args, err := curlcmd.Split(`curl 'https://api.example.com/v1/me' \
  -H 'accept: application/json' \
  -H 'authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln' \
  --compressed --frobnicate`)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := curlcmd.Parse(args)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Input.Method, r.Input.URL, r.Input.Header.Get("Accept"))
	fmt.Println("bearer:", r.Input.Creds.Bearer) // a redact.Secret
	fmt.Println("compressed:", r.Compressed)
	fmt.Println(r.Warnings)
	// Output:
	// GET https://api.example.com/v1/me application/json
	// bearer: <redacted>
	// compressed: true
	// [ignored unknown curl option --frobnicate]
}
