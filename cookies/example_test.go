package cookies_test

import (
	"fmt"
	"net/url"
	"time"

	"github.com/why401/why401/cookies"
)

// Replaying a browser session: the login sets the session cookie, a later
// response deletes it, and the next request goes out without it.
func Example() {
	var jar cookies.Jar
	t0 := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	login, _ := url.Parse("https://app.example.com/login")
	jar.Receive(cookies.Request{URL: login, Now: t0},
		[]string{"sid=abc123; Path=/; Secure; HttpOnly", "lang=en; Path=/; SameSite=Strict"},
		"Set-Cookie from entry 1")

	// A page on another site calls the API with fetch().
	api, _ := url.Parse("https://app.example.com/api/me")
	page, _ := url.Parse("https://dashboard.example.net/")
	send, blocked := jar.Select(cookies.Request{URL: api, Now: t0.Add(time.Minute), SiteForCookies: page})
	fmt.Println("sent:", len(send))
	for _, b := range blocked {
		fmt.Printf("%s: %s\n", b.Cookie.Name, b.Reason)
	}

	// The session is cleared.
	check, _ := url.Parse("https://app.example.com/api/check")
	jar.Receive(cookies.Request{URL: check, Now: t0.Add(2 * time.Minute)}, []string{"sid=; Path=/; Max-Age=0"}, "Set-Cookie from entry 7")
	for _, d := range jar.Deleted() {
		fmt.Println(d)
	}
	// Output:
	// sent: 0
	// sid: SameSiteUnspecifiedTreatedAsLax
	// lang: SameSiteStrict
	// "sid" (app.example.com, path /) deleted by Max-Age=0 in Set-Cookie from entry 7
}

// A cookie the user gave with -b has no domain: it goes to the target host.
// One from cookies.txt carries its scope and can be held back.
func ExampleCheck() {
	given, _ := cookies.ParseCookieHeader("sid=abc123")
	target, _ := url.Parse("http://shop.example.com/account")
	req := cookies.Request{URL: target, Now: time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)}
	fmt.Println(given[0], cookies.Check(given[0], req))

	fromFile := cookies.Cookie{Name: "sid", Domain: "example.com", Path: "/", Secure: true, Source: "cookies.txt:4"}
	for _, r := range cookies.Check(fromFile, req) {
		fmt.Println(r, "-", r.Explain())
	}
	// Output:
	// sid (from -b) []
	// SecureOnly - The cookie is marked Secure and the URL is not https (browsers make an exception only for localhost and loopback addresses).
}
