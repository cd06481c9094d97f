package challenge_test

import (
	"fmt"
	"net/http"

	"github.com/why401/why401/challenge"
)

func ExampleParse() {
	cs, err := challenge.Parse(`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cs {
		fmt.Print(c.Scheme, " registered=", c.Registered)
		for _, p := range c.Params {
			fmt.Printf(" %s=%q", p.Name, p.Value)
		}
		fmt.Println()
	}
	// Output:
	// Newauth registered=false realm="apps" type="1" title="Login to \"apps\""
	// Basic registered=true realm="simple"
}

func ExampleParse_error() {
	// A missing comma: the error says where, and the challenges before
	// the fault are still returned.
	cs, err := challenge.Parse(`Basic realm="a" charset="UTF-8", Bearer`)
	fmt.Println(err)
	fmt.Println(challenge.Format(cs))
	// Output:
	// challenge: expected ',' at byte 16
	// Basic realm="a", Bearer
}

func ExampleFromHeader() {
	h := http.Header{}
	h.Add("WWW-Authenticate", `Bearer realm="example", error="invalid_token", error_description="The access token expired"`)
	cs, _ := challenge.FromHeader(h, false)
	fmt.Println(challenge.Explain(cs[0]))
	// Output:
	// The server wants an OAuth 2.0 access token (Bearer, RFC 6750) for the protection space "example". Send it as "Authorization: Bearer <token>". error="invalid_token": the token was refused: it is expired, revoked, malformed or meant for another resource (RFC 6750 §3.1). Get a new one. The server says: "The access token expired".
}
