package challenge

import (
	"strings"
	"testing"

	"github.com/why401/why401"
)

func TestExplain(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		// Basic: the realm, the warning, and charset (RFC 7617 §2.1)
		// when the server says something about it.
		{
			`Basic realm="Reports"`,
			`The server wants a user name and password (HTTP Basic, RFC 7617) for the protection space "Reports". ` +
				`Basic sends the password merely encoded, so it must only be used over HTTPS.`,
		},
		{
			`Basic realm="foo", charset="UTF-8"`,
			`The server wants a user name and password (HTTP Basic, RFC 7617) for the protection space "foo". ` +
				`Basic sends the password merely encoded, so it must only be used over HTTPS. ` +
				`It accepts non-ASCII user names and passwords in UTF-8 (charset="UTF-8", RFC 7617 §2.1).`,
		},
		{
			`Basic realm="x", charset=latin1`,
			`The server wants a user name and password (HTTP Basic, RFC 7617) for the protection space "x". ` +
				`Basic sends the password merely encoded, so it must only be used over HTTPS. ` +
				`Its charset="latin1" is invalid: RFC 7617 §2.1 allows only "UTF-8".`,
		},
		{
			`Basic`,
			`The server wants a user name and password (HTTP Basic, RFC 7617). ` +
				`Basic sends the password merely encoded, so it must only be used over HTTPS. ` +
				`The challenge lacks the realm that RFC 7617 §2 requires.`,
		},

		// Digest: algorithm, qop, stale, userhash, charset (RFC 7616 §3.3).
		{
			rfc7616SHA256,
			`The server wants a user name and password (HTTP Digest, RFC 7616) for the protection space "http-auth@example.org". ` +
				`The password is not sent: the client proves it knows it with a hash over the server's nonce. ` +
				`It uses the SHA-256 algorithm.`,
		},
		{
			`Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, nonce="5Ts", charset=UTF-8, userhash=true`,
			`The server wants a user name and password (HTTP Digest, RFC 7616) for the protection space "api@example.org". ` +
				`The password is not sent: the client proves it knows it with a hash over the server's nonce. ` +
				`It uses the SHA-512-256 algorithm. ` +
				`userhash=true: the client may send the user name hashed (RFC 7616 §3.4.4). ` +
				`It accepts non-ASCII user names and passwords in UTF-8 (charset="UTF-8").`,
		},
		{
			`Digest realm="x", nonce="y", qop="auth", stale=TRUE, algorithm=MD5-sess`,
			`The server wants a user name and password (HTTP Digest, RFC 7616) for the protection space "x". ` +
				`The password is not sent: the client proves it knows it with a hash over the server's nonce. ` +
				`It uses the MD5-sess algorithm, a weak hash kept for old clients. ` +
				`stale=true: the nonce expired, not the password; the client should retry with the new nonce without asking for the password again (RFC 7616 §3.3).`,
		},
		{
			`Digest realm="x", qop="auth-int", algorithm=SHA-1`,
			`The server wants a user name and password (HTTP Digest, RFC 7616) for the protection space "x". ` +
				`The password is not sent: the client proves it knows it with a hash over the server's nonce. ` +
				`Its algorithm "SHA-1" is not one RFC 7616 defines (MD5, SHA-256, SHA-512-256 and their -sess forms), so clients will ignore this challenge. ` +
				`It offers only qop="auth-int", and most clients support only auth. ` +
				`The challenge lacks the nonce that RFC 7616 §3.3 requires, so clients cannot answer it.`,
		},
		{
			`Digest realm="x", nonce="y"`,
			`The server wants a user name and password (HTTP Digest, RFC 7616) for the protection space "x". ` +
				`The password is not sent: the client proves it knows it with a hash over the server's nonce. ` +
				`It names no algorithm, so MD5 applies (RFC 7616 §3.3), a weak hash kept for old clients. ` +
				`It names no qop: the old RFC 2069 mode, which RFC 7616 §3.3 no longer allows, though many clients still answer it.`,
		},

		// Bearer: the RFC 6750 §3 examples, the other error codes, and
		// RFC 9728 metadata.
		{
			`Bearer realm="example"`,
			`The server wants an OAuth 2.0 access token (Bearer, RFC 6750) for the protection space "example". ` +
				`Send it as "Authorization: Bearer <token>". ` +
				`It carries no error code, which usually means that no token was sent at all (RFC 6750 §3.1).`,
		},
		{
			`Bearer realm="example", error="invalid_token", error_description="The access token expired"`,
			`The server wants an OAuth 2.0 access token (Bearer, RFC 6750) for the protection space "example". ` +
				`Send it as "Authorization: Bearer <token>". ` +
				`error="invalid_token": the token was refused: it is expired, revoked, malformed or meant for another resource (RFC 6750 §3.1). Get a new one. ` +
				`The server says: "The access token expired".`,
		},
		{
			`Bearer error="insufficient_scope", scope="read:reports"`,
			`The server wants an OAuth 2.0 access token (Bearer, RFC 6750). ` +
				`Send it as "Authorization: Bearer <token>". ` +
				`error="insufficient_scope": the token is valid but lacks the permissions this resource needs (RFC 6750 §3.1); get one with the scope below. The right status for this is 403, not 401. ` +
				`Scope required: "read:reports".`,
		},
		{
			`Bearer error="invalid_request", error_uri="https://example.com/e"`,
			`The server wants an OAuth 2.0 access token (Bearer, RFC 6750). ` +
				`Send it as "Authorization: Bearer <token>". ` +
				`error="invalid_request": the request is malformed: a parameter is missing, repeated or unsupported, or the token was sent in more than one way (RFC 6750 §3.1). ` +
				`Details: "https://example.com/e".`,
		},
		{
			`Bearer resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"`,
			`The server wants an OAuth 2.0 access token (Bearer, RFC 6750). ` +
				`Send it as "Authorization: Bearer <token>". ` +
				`It carries no error code, which usually means that no token was sent at all (RFC 6750 §3.1). ` +
				`The resource describes itself at "https://api.example.com/.well-known/oauth-protected-resource" (RFC 9728), including which authorization servers issue tokens for it.`,
		},
		{
			`DPoP algs="ES256 PS256", error="use_dpop_nonce"`,
			`The server wants an OAuth 2.0 access token bound to the client's key (DPoP, RFC 9449). ` +
				`Send it as "Authorization: DPoP <token>" with a new "DPoP" proof header on every request. ` +
				`The proof must be signed with one of: "ES256 PS256". ` +
				`error="use_dpop_nonce": the server wants its nonce in the proof; retry with the value of the DPoP-Nonce response header (RFC 9449 §9).`,
		},

		// Negotiate and NTLM: what the client needs, and what a token says.
		{
			`Negotiate`,
			`The server wants Windows integrated authentication (Negotiate, RFC 4559): a Kerberos ticket, or NTLM as a fallback, for the account the user is logged in with. ` +
				`A client needs a Kerberos ticket for this host's service principal (HTTP/host), from a domain login or kinit; permission to use it for this host (curl --negotiate -u :, a browser's intranet allow-list); and one HTTP/1.1 connection for the whole handshake.`,
		},
		{
			`Negotiate TlRMTVNTUAACAAAADAAMADgAAAAFgomi`,
			`The server wants Windows integrated authentication (Negotiate, RFC 4559): a Kerberos ticket, or NTLM as a fallback, for the account the user is logged in with. ` +
				`Its token is an NTLM message (type 2): the client fell back from Kerberos to NTLM, usually because it had no Kerberos ticket for this host (a missing SPN, or a machine outside the domain).`,
		},
		{
			`Negotiate oYG3MIG0oAMKAQCh`,
			`The server wants Windows integrated authentication (Negotiate, RFC 4559): a Kerberos ticket, or NTLM as a fallback, for the account the user is logged in with. ` +
				`It carries a token, so a handshake is under way: the client must answer it on the same connection.`,
		},
		{
			`NTLM TlRMTVNTUAACAAAADAAMADgAAAAFgomi`,
			`The server wants a Windows account's user name and password, proved in a three-message NTLM handshake (NTLM, Microsoft MS-NTHT; not in the IANA registry). ` +
				`Its token is the server's NTLM challenge (message 2 of 3): the client must answer it on the same connection, or start over.`,
		},

		// The other registered schemes come from the registry.
		{
			`GNAP as_uri="https://as.example/tx"`,
			`The server asks for GNAP authentication (RFC 9635): it wants an access token from a GNAP authorization server (the Grant Negotiation and Authorization Protocol). ` +
				`A client needs an access token from a grant request at the authorization server (as_uri names its grant endpoint when given), usually bound to the client's key, sent as "Authorization: GNAP <token>". ` +
				`Its grant endpoint is "https://as.example/tx".`,
		},
		{
			`AWS4-HMAC-SHA256`,
			`The server asks for AWS4-HMAC-SHA256 authentication (AWS Signature Version 4; not in the IANA registry): it wants the request signed with an AWS access key. ` +
				`A client needs an access key ID and secret access key (plus a session token when they are temporary), the right region and service name, and a correct clock; the AWS SDKs and CLI sign each request.`,
		},

		// An unknown scheme: what it carries, in its HTTP form.
		{
			`Newauth realm="apps", type=1, title="Login to \"apps\""`,
			`The server asks for authentication with "Newauth", a scheme that is neither in the IANA HTTP Authentication Scheme Registry nor in common use; only a client made for it can answer. ` +
				`It names the protection space "apps". ` +
				`Its parameters: type=1, title="Login to \"apps\"".`,
		},
	}
	for _, tt := range tests {
		cs, err := Parse(tt.in)
		if err != nil || len(cs) != 1 {
			t.Fatalf("Parse(%q) = %+v, %v", tt.in, cs, err)
		}
		if got := Explain(cs[0]); got != tt.want {
			t.Errorf("Explain(%q) =\n\t%s\nwant\n\t%s", tt.in, got, tt.want)
		}
	}
}

func TestExplainSpeaksOfTheProxy(t *testing.T) {
	c := ch("Basic", qp("realm", "corp"))
	c.Proxy = true
	got := Explain(c)
	if want := `The proxy wants a user name and password (HTTP Basic, RFC 7617) for the protection space "corp".`; !strings.HasPrefix(got, want) {
		t.Errorf("Explain(proxy Basic) = %q; want it to start %q", got, want)
	}
}

// TestExplainEveryScheme checks that every known scheme, in any case,
// gets an explanation that names its specification.
func TestExplainEveryScheme(t *testing.T) {
	for _, s := range Schemes() {
		for _, c := range []why401.Challenge{ch(strings.ToUpper(s.Name)), ch68(s.Name, "abc=")} {
			got := Explain(c)
			if !strings.Contains(got, s.Spec) || !strings.HasSuffix(got, ".") {
				t.Errorf("Explain(%s) = %q; want sentences that name %s", String(c), got, s.Spec)
			}
		}
	}
}

// TestExplainCleansValues checks that server-chosen text cannot reach a
// terminal raw: control characters, bidirectional overrides and invalid
// UTF-8 are replaced, long values cut.
func TestExplainCleansValues(t *testing.T) {
	c := ch("Bearer", qp("error_description", "\x1b[31mred\u202Eevil\xff"+strings.Repeat("x", 500)))
	got := Explain(c)
	want := `The server says: "` + "\uFFFD[31mred\uFFFDevil\uFFFD" + strings.Repeat("x", 100-14) + `…".`
	if !strings.HasSuffix(got, want) {
		t.Errorf("Explain(hostile error_description) =\n\t%q\nwant it to end\n\t%q", got, want)
	}
}
