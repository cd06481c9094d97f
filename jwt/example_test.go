package jwt_test

import (
	"fmt"
	"time"

	"github.com/why401/why401/jwt"
)

// The example JWT of RFC 7519 §3.1, read against a server Date.
func ExampleDecode() {
	const token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" +
		".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
		".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	t, err := jwt.Decode(token)
	if err != nil {
		fmt.Println(err)
		return
	}
	serverDate := time.Date(2011, 3, 22, 20, 0, 0, 0, time.UTC)
	expired, _ := t.Status(serverDate, 0)
	fmt.Println(t.Alg, t.Issuer, expired)
	fmt.Println(t.ExpiryText(serverDate))

	_, err = jwt.Decode("eyJhbGciOiJIUzI1NiJ9.e30")
	fmt.Println(err)
	// Output:
	// HS256 joe true
	// expired 1h 17m ago (exp 2011-03-22T18:43:00Z)
	// jwt: not a JWT: 2 parts, want 3
}
