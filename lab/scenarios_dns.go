package lab

import (
	"net/http"
	"time"
)

// dnsScenarios reproduce the causes that live in DNS and behind it: a name
// whose addresses answer differently, a stale address, resolvers that
// disagree. Each diagnoses AppHost with the user's request pinned to one
// address (--resolve, as a stale cache or a hosts entry would) and the
// lab's resolvers as --resolver (dns_lab.go); nothing leaves loopback.
func dnsScenarios(time.Time) []*Scenario {
	return []*Scenario{
		{
			ID: "dns-backends-disagree", Title: "one backend of three missed a password change", Path: "/dns/backends/", TLS: true,
			Request: Request{User: User, Pass: Password, HasUser: true, Host: AppHost, Resolve: "127.0.0.3",
				Resolvers: []string{"current"}, AllBackends: true},
			// One login attempt per address: the answer to 127.0.0.3 and
			// one probe each to 127.0.0.2 and 127.0.0.5.
			Budget:  3,
			Expect:  []string{"backend.inconsistent", "credentials.rejected", "challenge.scheme"},
			Verdict: "backend.inconsistent",
			Handler: func(env *Env) http.Handler { return backend(env, "dns-backends-disagree", "127.0.0.3", true) },
		},
		{
			ID: "dns-stale-pin", Title: "the client still holds the old server's address", Path: "/dns/stale/", TLS: true,
			Request: Request{User: User, Pass: Password, HasUser: true, Host: AppHost, Resolve: "127.0.0.4",
				Resolvers: []string{"current"}},
			Expect:  []string{"dns.resolver-mismatch", "credentials.rejected", "challenge.scheme"},
			Verdict: "dns.resolver-mismatch",
			Handler: func(env *Env) http.Handler { return backend(env, "dns-stale-pin", "127.0.0.4", false) },
		},
		{
			ID: "dns-resolvers-disagree", Title: "works here; one resolver still gives the old server", Path: "/dns/resolvers/", TLS: true,
			Request: Request{User: User, Pass: Password, HasUser: true, Host: AppHost, Resolve: "127.0.0.2",
				Resolvers: []string{"current", "stale", "servfail"}},
			Expect:  []string{"dns.resolver-mismatch", "credentials.accepted", "challenge.scheme"},
			Verdict: "dns.resolver-mismatch",
			Handler: func(env *Env) http.Handler { return backend(env, "dns-resolvers-disagree", "127.0.0.2", false) },
		},
	}
}
