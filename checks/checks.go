// Package checks holds every diagnostic of why401, one file per cause, and
// All, the single ordered list of them.
//
// A check is a value (why401.Check): an ID, a Doc, a mode and a Run
// function, with the finding kinds it may report declared in its own file.
// The catalogue of finding kinds (for `why401 explain`, docs/findings.md and
// the lab's expectations) is the union of the kinds of the checks in All.
package checks

import (
	"context"
	"sort"
	"sync"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/challenge"
)

// All returns the checks in rank order: among findings of one severity,
// those of a check earlier in this list come first, so the list runs from
// the most fundamental cause (a lockout, a redirect that lost the
// credentials) to explanations. It returns a new slice each call.
func All() []*why401.Check {
	return []*why401.Check{
		SecurityBlocked,
		SecurityUserAgent,
		RedirectLoop,
		RedirectCredentialsDropped,
		StatusProxyAuth,
		CredentialsSchemeMismatch,
		CacheCached401,
		CORSPreflight,
		CredentialsWhitespace,
		CredentialsCharset,
		TokenTime,
		TokenClaims,
		ClockSkew,
		BearerError,
		DigestStaleNonce,
		CookieCleared,
		CookieExpired,
		CookieStale,
		CookieNotSent,
		CookieHistory,
		DNSBackends,
		AuthorizationStripped,
		CredentialsRejected,
		CredentialsNoneSent,
		ChallengeMissing,
		StatusSoft401,
		URLVariant,
		ChallengeMalformed,
		StatusForbiddenWithChallenge,
		StatusForbidden,
		RedirectDowngrade,
		CacheCacheable401,
		CacheVaryMissing,
		ChallengeBasicOverHTTP,
		URLUserinfo,
		NegotiateIntranet,
		CredentialsAccepted,
		WordPressRESTError,
		WordPressDetected,
		ChallengeScheme,
	}
}

// Catalog returns every finding kind, the engine's own included, sorted by
// ID. Each ID appears once. The slice is shared: do not modify it.
func Catalog() []*why401.Kind { return catalog().list }

// Lookup returns the kind with the given ID.
func Lookup(id string) (*why401.Kind, bool) {
	k, ok := catalog().byID[id]
	return k, ok
}

// catalog is built once: the renderers look up every finding's
// explanation, and All() makes a new list on each call.
var catalog = sync.OnceValue(func() catalogue {
	byID := map[string]*why401.Kind{}
	var list []*why401.Kind
	add := func(k *why401.Kind) {
		if _, seen := byID[k.ID]; !seen {
			byID[k.ID] = k
			list = append(list, k)
		}
	}
	for _, c := range All() {
		for _, k := range c.Kinds {
			add(k)
		}
	}
	add(why401.KindCheckSkipped)
	add(why401.KindCheckFailed)
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return catalogue{list, byID}
})

type catalogue struct {
	list []*why401.Kind // sorted by ID
	byID map[string]*why401.Kind
}

// Diagnose runs every check of All on the session's exchanges and fills
// the report's challenges from the final answer. It is the front door of
// the library.
func Diagnose(ctx context.Context, in *why401.Input, s why401.Session, offline bool) (*why401.Report, error) {
	r, err := why401.Run(ctx, in, s, offline, All())
	r.Challenges = reportChallenges(r)
	return r, err
}

// reportChallenges returns the challenges of the last response in the user's
// chain that carried any (the final one, or the 401 that was answered).
func reportChallenges(r *why401.Report) []why401.Challenge {
	for i := len(r.Exchanges) - 1; i >= 0; i-- {
		e := r.Exchanges[i]
		if e.Response == nil || !inChain(e) {
			continue
		}
		var all []why401.Challenge
		for _, proxy := range []bool{false, true} {
			cs, _ := challenge.FromHeader(e.Response.Header, proxy)
			all = append(all, cs...)
		}
		if len(all) > 0 {
			return all
		}
	}
	return []why401.Challenge{}
}
