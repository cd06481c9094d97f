package probe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/auth"
	"github.com/why401/why401/challenge"
	"github.com/why401/why401/redirect"
)

// endOf returns the real URL and method at the end of a chain recorded by
// this session. Recorded URLs are redacted, so the chain is replayed from
// the hops' Locations against the first URL.
func (s *Session) endOf(chain []why401.Exchange) (*url.URL, string) {
	u, m := s.first, s.method()
	for _, e := range chain {
		if e.Hop == nil || e.Response == nil {
			continue
		}
		loc := e.Response.Header.Get("Location")
		if next, err := u.Parse(loc); err == nil {
			next.User = nil
			u = next
		}
		code := e.Response.Status
		if code == 303 && m != http.MethodHead || (code == 301 || code == 302) && m == http.MethodPost {
			m = http.MethodGet
		}
	}
	return u, m
}

// Answer answers the challenge at the end of chain with the user's user name
// and password: Digest when offered (the strongest algorithm), else Basic.
// It sends at most one request with the user's credentials, and one more
// only when the Digest answer comes back with stale=true (RFC 7616 §3.3: a
// new nonce, not a failed login).
func (s *Session) Answer(ctx context.Context, chain []why401.Exchange) ([]why401.Exchange, error) {
	if len(chain) == 0 || !s.in.Creds.HasUser {
		return nil, nil
	}
	last := chain[len(chain)-1]
	if last.Status() != http.StatusUnauthorized {
		return nil, nil
	}
	for _, e := range chain {
		if e.CredentialsSent {
			return nil, nil // the one attempt went out with the first request
		}
	}
	if s.isLocked() {
		return nil, errLocked // a lockout page with a 401: answering would extend it
	}
	end, method := s.endOf(chain)
	if redirect.Of(end) != redirect.Of(s.first) {
		return nil, why401.ErrCrossOrigin
	}
	if end.Scheme == "http" && !s.opts.AllowHTTP {
		return nil, why401.ErrPlainHTTP
	}
	chs, _ := challenge.FromHeader(last.Response.Header, false)
	ctx, cancel := context.WithTimeout(ctx, s.opts.MaxTime)
	defer cancel()

	body := []byte(s.in.Body.Reveal())
	if method == http.MethodGet || method == http.MethodHead {
		body = nil
	}
	req := hopRequest{method: method, url: end, header: s.userHeader(), cookies: s.in.Creds.Cookie.Reveal(),
		body: body, cred: why401.CredUser, purpose: why401.PurposeAnswer}

	if ch, ok := auth.PickDigest(chs); ok {
		d, err := auth.NewDigest(ch)
		if err != nil {
			return nil, fmt.Errorf("probe: cannot answer the Digest challenge: %w", err)
		}
		req.auth, err = d.Authorize(s.in.Creds.User, s.in.Creds.Password.Reveal(), method, requestURI(end), body)
		if err != nil {
			return nil, fmt.Errorf("probe: cannot answer the Digest challenge: %v", s.clean(err))
		}
		s.spendUser()
		out, err := s.follow(ctx, "", req, false)
		if err != nil || !s.staleAgain(out) {
			return out, err
		}
		// stale=true: answer the new nonce once more.
		nchs, _ := challenge.FromHeader(out[len(out)-1].Response.Header, false)
		nch, ok := auth.PickDigest(nchs)
		if !ok {
			return out, nil
		}
		nd, err := auth.NewDigest(nch)
		if err != nil {
			return out, nil
		}
		req.auth, err = nd.Authorize(s.in.Creds.User, s.in.Creds.Password.Reveal(), method, requestURI(end), body)
		if err != nil {
			return out, nil
		}
		req.purpose = why401.PurposeStaleRetry
		more, err := s.follow(ctx, "", req, false)
		return append(out, more...), err
	}
	// A 401 without any challenge (RFC 9110 says it MUST have one, and
	// WordPress's REST API, for one, sends none): answer with Basic, which
	// is what curl -u does without being asked.
	if hasScheme(chs, "basic") || len(chs) == 0 {
		utf8 := false
		for _, c := range chs {
			if strings.EqualFold(c.Scheme, "basic") {
				if cs, ok := c.Param("charset"); ok && strings.EqualFold(cs, "utf-8") {
					utf8 = true
				}
			}
		}
		v, err := basicValue(s.in.Creds.User, s.in.Creds.Password.Reveal(), utf8)
		if err != nil {
			return nil, err
		}
		req.auth = v
		s.spendUser()
		return s.follow(ctx, "", req, false)
	}
	// No scheme a user name and password can answer: the check
	// credentials.scheme-mismatch explains; nothing is sent.
	return nil, nil
}

// staleAgain reports whether the Digest answer came back 401 with
// stale=true, once per run.
func (s *Session) staleAgain(out []why401.Exchange) bool {
	if len(out) == 0 || out[len(out)-1].Status() != http.StatusUnauthorized {
		return false
	}
	chs, _ := challenge.FromHeader(out[len(out)-1].Response.Header, false)
	for _, c := range chs {
		if v, ok := c.Param("stale"); ok && strings.EqualFold(v, "true") && strings.EqualFold(c.Scheme, "digest") {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.staleUsed {
				return false
			}
			s.staleUsed = true
			return true
		}
	}
	return false
}

func hasScheme(chs []why401.Challenge, scheme string) bool {
	for _, c := range chs {
		if strings.EqualFold(c.Scheme, scheme) {
			return true
		}
	}
	return false
}

func requestURI(u *url.URL) string {
	if r := u.RequestURI(); r != "" {
		return r
	}
	return "/"
}

func basicValue(user, pass string, utf8 bool) (string, error) {
	v, err := auth.Basic(user, pass, utf8)
	if err != nil {
		return "", fmt.Errorf("probe: the credentials cannot be sent as Basic: %w", err)
	}
	return v, nil
}

// Probe sends a follow-up request for an active check.
func (s *Session) Probe(ctx context.Context, pr why401.Probe) ([]why401.Exchange, error) {
	target := s.first
	if pr.URL != "" {
		u, err := ParseURL(pr.URL)
		if err != nil {
			return nil, err
		}
		u.User = nil
		target = u
	}
	method := pr.Method
	if method == "" {
		method = s.method()
	}
	h := s.userHeader()
	for k, vs := range pr.Header {
		if len(vs) == 0 {
			h.Del(k)
			continue
		}
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	req := hopRequest{method: method, url: target, header: h, body: pr.Body, purpose: pr.Purpose}
	sameOrigin := redirect.Of(target) == redirect.Of(s.first)
	if pr.Cookies && sameOrigin {
		req.cookies = s.in.Creds.Cookie.Reveal()
	}
	switch pr.Credential {
	case why401.CredWrong:
		v, err := s.wrongCredentials(target, method)
		if err != nil {
			return nil, err
		}
		req.auth, req.cred = v, why401.CredWrong
	case why401.CredUser:
		if err := s.allowUser(pr, sameOrigin, target); err != nil {
			return nil, err
		}
		req.cred = why401.CredUser
		if pr.ExtraUse == "" {
			v, ok := s.preemptive()
			if !ok {
				v, _ = basicValue(s.in.Creds.User, s.in.Creds.Password.Reveal(), false)
			}
			req.auth = v
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.MaxTime)
	defer cancel()
	out, err := s.follow(ctx, pr.Addr, req, !pr.NoRedirects)
	for _, e := range out {
		if c := e.Status(); c == 429 || c == 423 {
			s.mu.Lock()
			s.locked = true
			s.mu.Unlock()
		}
	}
	return out, err
}

// allowUser enforces the credential budget for a probe that carries the
// user's credentials: --all-backends (one per address, asked for by the
// user) or one confirming request over another channel (ExtraUse).
func (s *Session) allowUser(pr why401.Probe, sameOrigin bool, target *url.URL) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.locked:
		return errors.New("probe: a lockout or rate limit was seen; no further request carries credentials")
	case !sameOrigin:
		return why401.ErrCrossOrigin
	case target.Scheme == "http" && !s.opts.AllowHTTP:
		return why401.ErrPlainHTTP
	case pr.Addr != "" && s.in.AllBackends:
		// One login attempt per address, as the flag's help promises:
		// a second probe of the same address would be a second failure
		// on a node that may count them.
		if s.addrUsed[pr.Addr] {
			return why401.ErrBudget
		}
		if s.addrUsed == nil {
			s.addrUsed = map[string]bool{}
		}
		s.addrUsed[pr.Addr] = true
		return nil
	case pr.ExtraUse != "":
		// Once more, and only after the one attempt went out (DESIGN.md §5).
		if s.userUses != 1 {
			return why401.ErrBudget
		}
		s.userUses++
		return nil
	case s.userUses == 0:
		s.userUses++
		return nil
	}
	return why401.ErrBudget
}

// wrongCredentials builds deliberately wrong credentials, a random user name
// and password, answering the scheme the server offered: the one extra
// request that tells "your credentials were rejected" from "credentials
// never reach the application". Once per run.
func (s *Session) wrongCredentials(target *url.URL, method string) (string, error) {
	s.mu.Lock()
	if s.wrongUsed {
		s.mu.Unlock()
		return "", errors.New("probe: the deliberately wrong credentials were used once already")
	}
	if s.locked {
		s.mu.Unlock()
		return "", errors.New("probe: a lockout or rate limit was seen; no further request carries credentials")
	}
	s.wrongUsed = true
	s.mu.Unlock()
	if target.Scheme == "http" && !s.opts.AllowHTTP {
		return "", why401.ErrPlainHTTP
	}
	rnd := s.opts.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	b := make([]byte, 8)
	if _, err := rnd.Read(b); err != nil {
		return "", fmt.Errorf("probe: random: %w", err)
	}
	user := "why401-probe-" + hex.EncodeToString(b[:4])
	pass := hex.EncodeToString(b)
	if s.in.Creds.HasUser || strings.HasPrefix(strings.ToLower(s.in.Creds.Authorization.Reveal()), "basic ") {
		// Answer the same way the user's credentials would be sent: the
		// challenge the user's request ended on.
		s.mu.Lock()
		h := s.lastHeader
		s.mu.Unlock()
		chs, _ := challenge.FromHeader(h, false)
		if ch, ok := auth.PickDigest(chs); ok {
			if d, err := auth.NewDigest(ch); err == nil {
				return d.Authorize(user, pass, method, requestURI(target), nil)
			}
		}
		return basicValue(user, pass, false)
	}
	// A token: a random one of the same scheme.
	return "Bearer why401-probe-" + hex.EncodeToString(b), nil
}
