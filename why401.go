// Package why401 holds the vocabulary of a 401 diagnosis: what was sent and
// received (Exchange), what a check concluded (Finding, declared once as a
// Kind), and the result (Report). It imports nothing of the project but the
// redaction type, so every other package can depend on it and on nothing
// else: challenge parses into its Challenge, probe and har produce its
// Exchanges, checks fill its Report, render prints it.
//
// Data flows one way: input → exchanges → checks → report → renderer.
package why401

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/why401/why401/internal/redact"
)

// Schema names the JSON document of a Report; fields may be added, never
// renamed.
const Schema = "why401/v1"

// Severity orders findings: an error is a cause that blocks access, a warning
// a likely cause or a risk, info an explanation, ok a good outcome.
type Severity int

// Severities, lowest first.
const (
	SeverityOK Severity = iota
	SeverityInfo
	SeverityWarn
	SeverityError
)

var severityNames = [...]string{"ok", "info", "warn", "error"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalJSON writes the severity's name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity's name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	for i, n := range severityNames {
		if n == name {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("why401: unknown severity %q", name)
}

// Who can fix a finding.
type Who string

// The two people a finding speaks to.
const (
	Visitor   Who = "visitor"
	SiteOwner Who = "site-owner"
)

// Kind declares one kind of finding, once: its stable ID (the contract of the
// JSON, the docs, `why401 explain` and the lab), severity, who fixes it, a
// one-line title, an explanation and the fix as steps. A check reports
// instances of its kinds with Pass.Report.
type Kind struct {
	ID       string
	Severity Severity
	Who      Who
	Title    string
	Explain  string
	Fix      []string
	Refs     []string
}

// Finding is one instance of a Kind in a report, with the values of this case
// in Detail and the exchanges that show it in Evidence (indices into
// Report.Exchanges).
type Finding struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Who      Who      `json:"who"`
	Title    string   `json:"title"`
	Detail   string   `json:"detail"`
	Fix      []string `json:"fix"`
	Evidence []int    `json:"evidence"`
	Refs     []string `json:"refs"`

	// Check is the ID of the check that reported it; order is its position
	// in the check list. Both rank findings deterministically.
	Check string `json:"check,omitempty"`
	order int
}

// Param is one auth-param of a challenge (RFC 9110 §11.2). Name is
// lower-cased; Value is unescaped.
type Param struct {
	Name   string
	Value  string
	Quoted bool // written as a quoted-string
}

// Challenge is one challenge of a WWW-Authenticate or Proxy-Authenticate
// field (RFC 9110 §11.3): a scheme and either a token68 or auth-params.
type Challenge struct {
	Scheme     string
	Token68    string
	HasToken68 bool
	Params     []Param
	Registered bool // in the IANA HTTP Authentication Scheme Registry
	Proxy      bool // from Proxy-Authenticate
}

// Param returns the value of the named parameter (name in lower case).
func (c Challenge) Param(name string) (string, bool) {
	for _, p := range c.Params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// MarshalJSON writes the DESIGN shape: scheme, token68 (null if none), params
// as an object, registered.
func (c Challenge) MarshalJSON() ([]byte, error) {
	var t *string
	if c.HasToken68 {
		t = &c.Token68
	}
	params := make(orderedParams, len(c.Params))
	copy(params, c.Params)
	return marshal(challengeJSON{c.Scheme, t, params, c.Registered, c.Proxy})
}

type challengeJSON struct {
	Scheme     string        `json:"scheme"`
	Token68    *string       `json:"token68"`
	Params     orderedParams `json:"params"`
	Registered bool          `json:"registered"`
	Proxy      bool          `json:"proxy,omitempty"`
}

// UnmarshalJSON reads the shape MarshalJSON writes, so that a why401/v1
// document decodes back into a Report. Parameter order follows the object.
func (c *Challenge) UnmarshalJSON(b []byte) error {
	var v struct {
		Scheme     string          `json:"scheme"`
		Token68    *string         `json:"token68"`
		Params     json.RawMessage `json:"params"`
		Registered bool            `json:"registered"`
		Proxy      bool            `json:"proxy"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Challenge{Scheme: v.Scheme, Registered: v.Registered, Proxy: v.Proxy}
	if v.Token68 != nil {
		c.Token68, c.HasToken68 = *v.Token68, true
	}
	if len(v.Params) == 0 || string(v.Params) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(v.Params))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		var val string
		if err := dec.Decode(&val); err != nil {
			return err
		}
		name, _ := k.(string)
		c.Params = append(c.Params, Param{Name: name, Value: val, Quoted: true})
	}
	return nil
}

// marshal is json.Marshal without HTML escaping, like the rest of the
// document (render writes with SetEscapeHTML(false)).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// orderedParams marshals as a JSON object that keeps the parameters' order.
type orderedParams []Param

func (ps orderedParams) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := marshal(p.Name)
		v, _ := marshal(p.Value)
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// Request is a request as recorded: secrets already redacted.
type Request struct {
	Method   string      `json:"method"`
	URL      string      `json:"url"`
	Header   http.Header `json:"headers"`
	BodySize int64       `json:"body_size,omitempty"`
}

// Response is a response as recorded. Header secrets (Set-Cookie values) are
// redacted; Body keeps at most the probe's body limit and is never rendered.
type Response struct {
	Status        int         `json:"status"`
	Proto         string      `json:"proto,omitempty"`
	Header        http.Header `json:"headers"`
	Body          []byte      `json:"-"`
	BodySize      int64       `json:"body_size"`
	BodyTruncated bool        `json:"body_truncated,omitempty"`
	ContentType   string      `json:"-"`
}

// ClientRule says what one client would do with credentials and cookies at a
// redirect hop (REFERENCE.md "Who forwards credentials on a redirect").
type ClientRule struct {
	Client          string `json:"client"`
	ForwardsAuth    bool   `json:"forwards_authorization"`
	ForwardsCookies bool   `json:"forwards_cookies"`
}

// Hop describes a redirect answer: where it pointed and what crossed.
type Hop struct {
	Location   string       `json:"location"`
	SameOrigin bool         `json:"same_origin"` // same scheme, host and port as the first request
	Downgrade  bool         `json:"downgrade"`   // https → http
	MethodKept bool         `json:"method_kept"` // 307/308 keep the method and body
	Clients    []ClientRule `json:"clients"`
}

// Timing is the time spent in each phase of one exchange, in milliseconds.
type Timing struct {
	DNS     float64 `json:"dns_ms,omitempty"`
	Connect float64 `json:"connect_ms,omitempty"`
	TLS     float64 `json:"tls_ms,omitempty"`
	TTFB    float64 `json:"ttfb_ms,omitempty"`
	Reused  bool    `json:"reused,omitempty"`
}

// Credential labels which credential an exchange carried.
type Credential string

// Credentials an exchange can carry.
const (
	CredNone  Credential = ""
	CredUser  Credential = "user"  // the user's own credentials
	CredWrong Credential = "wrong" // deliberately wrong ones (a random user name)
)

// Purposes of exchanges. Checks add their own for their probes.
const (
	PurposeInitial    = "initial"     // the user's request
	PurposeRedirect   = "redirect"    // a hop of the user's request
	PurposeAnswer     = "answer"      // the answer to the challenge
	PurposeStaleRetry = "stale-retry" // Digest stale=true, answered once more
	PurposeHAR        = "har"         // an entry of a HAR file
)

// Exchange is one request and its response (or the error instead).
type Exchange struct {
	Index           int        `json:"index"`
	Purpose         string     `json:"purpose"`
	Request         Request    `json:"request"`
	Response        *Response  `json:"response"`
	RemoteAddr      string     `json:"remote_addr,omitempty"`
	Credential      Credential `json:"credential,omitempty"`
	CredentialsSent bool       `json:"credentials_sent"`
	CookiesSent     bool       `json:"cookies_sent"`
	Hop             *Hop       `json:"redirect,omitempty"`
	ElapsedMS       float64    `json:"elapsed_ms"`
	Timing          *Timing    `json:"timing,omitempty"`
	Error           string     `json:"error,omitempty"`
	// Time is when the response arrived (HAR: when the request started).
	Time time.Time `json:"-"`
	// Unknown is set for HAR entries from a sanitized export: whether
	// credentials or cookies were sent cannot be known from the file.
	CredentialsUnknown bool `json:"credentials_unknown,omitempty"`
	// AnsweredByClient is set for a HAR entry whose client (Chromium)
	// answered the challenge itself: the file keeps the first request's
	// headers (no Authorization) and the final response, and only the
	// transfer size (about two responses) shows the hidden credentialed
	// retry (REFERENCE.md, "HAR exports"). Such a 401 means the
	// credentials were sent and refused.
	AnsweredByClient bool `json:"answered_by_client,omitempty"`
}

// Status returns the response status, or 0 when there was no response.
func (e *Exchange) Status() int {
	if e == nil || e.Response == nil {
		return 0
	}
	return e.Response.Status
}

// Target is what was diagnosed; URL is redacted.
type Target struct {
	URL    string `json:"url"`
	Method string `json:"method"`
}

// Verdict names the top-ranked finding.
type Verdict struct {
	ID      string `json:"id"`
	Summary string `json:"summary"`
}

// Report is the result of a diagnosis.
type Report struct {
	Schema     string      `json:"schema"`
	Target     Target      `json:"target"`
	Status     int         `json:"status"`
	Verdict    Verdict     `json:"verdict"`
	Challenges []Challenge `json:"challenges"`
	Exchanges  []Exchange  `json:"exchanges"`
	Findings   []Finding   `json:"findings"`
	// Notes are things said about the run itself (a second use of the
	// credentials, a skipped check's reason), shown after the findings.
	Notes []string `json:"notes,omitempty"`
	// Source is "url", "curl" or "har".
	Source string `json:"source,omitempty"`
}

// Problem reports whether the report diagnosed an authentication problem:
// the final answer refuses access (401, 403, 407) or a finding is an error.
// It decides exit code 1.
func (r *Report) Problem() bool {
	switch r.Status {
	case 401, 403, 407:
		return true
	}
	for _, f := range r.Findings {
		if f.Severity >= SeverityError {
			return true
		}
	}
	return false
}

// Has reports whether the report holds a finding with the given ID.
func (r *Report) Has(id string) bool {
	for _, f := range r.Findings {
		if f.ID == id {
			return true
		}
	}
	return false
}

// IDs returns the finding IDs of the report, in rank order.
func (r *Report) IDs() []string {
	ids := make([]string, len(r.Findings))
	for i, f := range r.Findings {
		ids[i] = f.ID
	}
	return ids
}

// Credentials are what the user gave to authenticate. Every secret is a
// redact.Secret, so printing an Input never leaks one.
type Credentials struct {
	User     string        // the -u user name (not secret, shown)
	Password redact.Secret // the -u password
	HasUser  bool          // -u was given
	Basic    bool          // --basic: send Basic before any challenge, as curl does
	Bearer   redact.Secret // --oauth2-bearer, or the token of an Authorization: Bearer header
	// Authorization is an Authorization header the user gave verbatim (-H).
	Authorization redact.Secret
	// Cookie is the Cookie header the user gave (-b string, -H Cookie).
	Cookie redact.Secret
}

// Any reports whether any credential was given.
func (c Credentials) Any() bool {
	return c.HasUser || !c.Bearer.IsZero() || !c.Authorization.IsZero()
}

// Input is one request to diagnose, as the user gave it.
type Input struct {
	Method string
	URL    string // as given; may hold userinfo, so never print it: use Target
	// Header holds the user's headers without Authorization and Cookie,
	// which are in Creds.
	Header http.Header
	Body   redact.Secret // -d data; may hold a password
	Creds  Credentials
	// Source is "url", "curl" or "har".
	Source string
	// Now is the local clock at the start of the run.
	Now time.Time
	// Options for the checks.
	CORSOrigin  string
	AllBackends bool
	Resolvers   []string
	// Cookies describe every cookie the user gave (-b strings and files,
	// -H Cookie) without its value, for the cookie checks; the values
	// are in Creds.Cookie, for the ones that are sent.
	Cookies []CookieInfo
}

// CookieInfo is a cookie the user gave, without its value. Domain and Path
// are empty for a cookie given as a string (-b 'a=1'), which goes to any
// host and path, as curl sends it.
type CookieInfo struct {
	Name, Domain, Path         string
	HostOnly, Secure, HTTPOnly bool
	SameSite                   string    // "", "None", "Lax" or "Strict"
	Expires                    time.Time // zero for a session cookie
	Source                     string    // "-b", "cookies.txt:12", "-H Cookie"
	// Sent reports whether the cookie is in the request's Cookie header:
	// a cookie from a file goes only where it matches (domain, path,
	// Secure, expiry), as curl and browsers send it.
	Sent bool
}

// Target returns the redacted target of the input.
func (in *Input) Target() Target {
	m := in.Method
	if m == "" {
		m = http.MethodGet
	}
	return Target{URL: redact.URL(in.URL), Method: m}
}

// String describes the input by its method and redacted URL: Input.URL
// may hold user:pass@ or a token, so a log line or an error that prints an
// Input must never show it raw.
func (in Input) String() string {
	t := in.Target()
	return t.Method + " " + t.URL
}

// Format implements fmt.Formatter: every verb (%v, %+v, %#v, %s …) prints
// String, for an Input and a *Input alike.
func (in Input) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(in.String())) }
