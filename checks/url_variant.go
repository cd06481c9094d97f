package checks

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	why401 "github.com/why401/why401"
)

var kindURLVariant = &why401.Kind{
	ID:       "url.variant",
	Severity: why401.SeverityWarn,
	Who:      why401.Visitor,
	Title:    "A slightly different URL answers differently",
	Explain: "The same path with or without a trailing slash, or in lower case, gets another answer (another " +
		"status or another protection space). Servers route such variants to different handlers, and a " +
		"protected area often covers only one spelling: the URL in a bookmark, a config file or an API client " +
		"may simply be the wrong one.",
	Fix: []string{
		"Use the variant named in the detail (the canonical URL of the resource).",
		"Site owner: redirect every variant to the canonical URL, and protect the area on all of them.",
	},
	Refs: []string{"RFC 3986 §6.2.3", "RFC 9110 §4.2.3"},
}

// URLVariant probes the trailing-slash and lower-case variants of the path
// when the answer is 401 or 404, without credentials, concurrently.
var URLVariant = &why401.Check{
	ID:    "url.variant",
	Doc:   "probe trailing-slash and letter-case variants\n\nA variant that answers another status or realm is likely the right URL.",
	Mode:  why401.Active,
	Kinds: []*why401.Kind{kindURLVariant},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		e := final(chain)
		if e == nil || (e.Status() != http.StatusUnauthorized && e.Status() != http.StatusNotFound) {
			return nil
		}
		u := firstURL(p.Input)
		variants := pathVariants(u)
		if len(variants) == 0 {
			return nil
		}
		base := answerKey(e)
		type got struct {
			name string
			url  string
			ex   *why401.Exchange
			err  error
		}
		results := make([]got, len(variants))
		var wg sync.WaitGroup
		for i, v := range variants {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// No redirects: a variant that redirects is the server
				// canonicalising the URL, which tells nothing, and
				// following it would cost another round trip.
				ex, err := p.Probe(why401.Probe{URL: v.url, Method: http.MethodGet, Cookies: true, NoRedirects: true})
				results[i] = got{name: v.name, url: v.url, ex: final(ex), err: err}
			}()
		}
		wg.Wait()
		for _, r := range results {
			if r.err != nil || r.ex == nil || r.ex.Response == nil {
				continue
			}
			if st := r.ex.Status(); st == http.StatusNotFound || st == http.StatusGone || st == http.StatusMethodNotAllowed || st >= 500 || (st >= 300 && st < 400) {
				continue // a variant that does not exist tells nothing
			}
			if k := answerKey(r.ex); k != base {
				p.Report(kindURLVariant, fmt.Sprintf("%s answers %s; the %s %s answers %s.",
					e.Request.URL, base, r.name, r.ex.Request.URL, k), e.Index, r.ex.Index)
				return nil
			}
		}
		return nil
	},
}

type variant struct{ name, url string }

// pathVariants returns the trailing-slash toggle and, when the path has
// upper-case letters, the lower-case spelling.
func pathVariants(u *url.URL) []variant {
	if u.Path == "" || u.Path == "/" {
		return nil
	}
	var out []variant
	t := *u
	t.User = nil
	if strings.HasSuffix(u.Path, "/") {
		t.Path = strings.TrimSuffix(u.Path, "/")
		t.RawPath = ""
		out = append(out, variant{"variant without the trailing slash", t.String()})
	} else {
		t.Path = u.Path + "/"
		t.RawPath = ""
		out = append(out, variant{"variant with a trailing slash", t.String()})
	}
	if lower := strings.ToLower(u.Path); lower != u.Path {
		l := *u
		l.User = nil
		l.Path, l.RawPath = lower, ""
		out = append(out, variant{"lower-case variant", l.String()})
	}
	return out
}

// answerKey summarises an answer for comparison: the status, and the
// realm of the first challenge.
func answerKey(e *why401.Exchange) string {
	k := fmt.Sprint(e.Status())
	if cs, _ := challenges(e); len(cs) > 0 {
		k += " (" + describe(cs[0]) + ")"
	}
	return k
}
