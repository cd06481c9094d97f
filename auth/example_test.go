package auth_test

import (
	"fmt"

	"github.com/why401/why401"
	"github.com/why401/why401/auth"
)

func ExampleBasic() {
	v, err := auth.Basic("Aladdin", "open sesame", false)
	fmt.Println(v, err)
	// Output: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== <nil>
}

// The first example of RFC 7616 §3.9.1.
func ExampleDigest_Authorize() {
	ch := why401.Challenge{Scheme: "Digest", Params: []why401.Param{
		{Name: "realm", Value: "http-auth@example.org"},
		{Name: "qop", Value: "auth, auth-int"},
		{Name: "algorithm", Value: "SHA-256"},
		{Name: "nonce", Value: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"},
		{Name: "opaque", Value: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"},
	}}
	d, err := auth.NewDigest(ch)
	if err != nil {
		fmt.Println(err)
		return
	}
	d.Cnonce = func() string { return "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ" }
	v, _ := d.Authorize("Mufasa", "Circle of Life", "GET", "/dir/index.html", nil)
	fmt.Println(d.Algorithm(), d.Qop())
	fmt.Println(v)
	// Output:
	// SHA-256 auth
	// Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
}
