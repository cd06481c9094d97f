package redirect

import (
	"net/url"
	"testing"
)

func TestClientRules(t *testing.T) {
	u := func(s string) *url.URL { v, _ := url.Parse(s); return v }
	cases := []struct {
		first, prev, next string
		want              map[string]bool // client → forwards Authorization
	}{
		{"http://a.example/", "http://a.example/", "https://a.example/", map[string]bool{"curl": false, "browser": false, "go": true, "python-requests": true}},
		{"https://a.example/", "https://a.example/", "https://www.a.example/", map[string]bool{"curl": false, "browser": false, "go": true, "python-requests": false}},
		{"https://a.example/", "https://a.example/", "https://a.example:8443/", map[string]bool{"curl": false, "browser": false, "go": true, "python-requests": false}},
		{"https://a.example/", "https://a.example/", "https://a.example/x", map[string]bool{"curl": true, "browser": true, "go": true, "python-requests": true}},
		{"https://a.example/", "https://a.example/", "https://evil.example/", map[string]bool{"curl": false, "browser": false, "go": false, "python-requests": false}},
	}
	for _, c := range cases {
		for _, r := range Clients(u(c.first), u(c.prev), u(c.next), false) {
			if r.ForwardsAuth != c.want[r.Client] {
				t.Errorf("%s → %s: %s forwards Authorization = %v, want %v", c.prev, c.next, r.Client, r.ForwardsAuth, c.want[r.Client])
			}
		}
	}
}
