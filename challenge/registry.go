package challenge

import "slices"

// A Scheme describes an HTTP authentication scheme for someone who has
// never heard of it.
type Scheme struct {
	Name string // as registered, e.g. "Basic"
	Spec string // where it is defined, e.g. "RFC 7617"
	// Registered reports whether the scheme is in the IANA HTTP
	// Authentication Scheme Registry; NTLM and AWS4-HMAC-SHA256 are common
	// but are not.
	Registered bool
	// Summary says what the server wants, in plain words; it completes
	// the sentence "The server wants …".
	Summary string
	// ClientNeeds says what a client must have or do; it completes the
	// sentence "A client needs …".
	ClientNeeds string
	// Password reports whether the scheme is answered with a user name
	// and password (what curl's -u gives), directly or through a
	// handshake.
	Password bool
}

// registry lists every scheme of the IANA HTTP Authentication Scheme
// Registry (as updated 2025-02-18) and the common unregistered ones,
// sorted by name ignoring case. It is a closed set written out once: no
// init() registration.
var registry = [...]Scheme{
	{
		Name:        "AWS4-HMAC-SHA256",
		Spec:        "AWS Signature Version 4",
		Summary:     "the request signed with an AWS access key",
		ClientNeeds: "an access key ID and secret access key (plus a session token when they are temporary), the right region and service name, and a correct clock; the AWS SDKs and CLI sign each request",
	},
	{
		Name:        "Basic",
		Spec:        "RFC 7617",
		Registered:  true,
		Summary:     "a user name and password, sent merely encoded (not encrypted) with every request",
		ClientNeeds: `the user name and password for this realm, sent as "Authorization: Basic" followed by base64 of user:password, and HTTPS so that nobody on the way can read them`,
		Password:    true,
	},
	{
		Name:        "Bearer",
		Spec:        "RFC 6750",
		Registered:  true,
		Summary:     "an OAuth 2.0 access token (often a JWT) issued by an authorization server",
		ClientNeeds: `a valid, unexpired access token meant for this resource and carrying the scopes it requires, sent as "Authorization: Bearer <token>"`,
	},
	{
		Name:        "Concealed",
		Spec:        "RFC 9729",
		Registered:  true,
		Summary:     "proof of a private key whose public key it already knows, tied to the TLS connection; the scheme lets a server hide that it requires authentication at all",
		ClientNeeds: "that key pair, and support for RFC 9729 over HTTPS (it signs a TLS keying material exporter value)",
	},
	{
		Name:        "Digest",
		Spec:        "RFC 7616",
		Registered:  true,
		Summary:     "a user name and password, proved with a hash over a one-time server nonce instead of being sent",
		ClientNeeds: "the user name and password for this realm, and support for the offered algorithm and qop (browsers and curl --digest have it)",
		Password:    true,
	},
	{
		Name:        "DPoP",
		Spec:        "RFC 9449",
		Registered:  true,
		Summary:     "an OAuth 2.0 access token bound to the client's key, with a fresh signed proof of that key on every request",
		ClientNeeds: `a DPoP-bound access token, the private key it is bound to, and a new DPoP proof (a signed JWT over the method, URL, time and, when the server asks, its nonce) in a "DPoP" header on each request`,
	},
	{
		Name:        "GNAP",
		Spec:        "RFC 9635",
		Registered:  true,
		Summary:     "an access token from a GNAP authorization server (the Grant Negotiation and Authorization Protocol)",
		ClientNeeds: `an access token from a grant request at the authorization server (as_uri names its grant endpoint when given), usually bound to the client's key, sent as "Authorization: GNAP <token>"`,
	},
	{
		Name:        "HOBA",
		Spec:        "RFC 7486",
		Registered:  true,
		Summary:     "a signature made with a key pair the client keeps for this site, in place of a password (HTTP Origin-Bound Authentication)",
		ClientNeeds: "a key pair registered with this site beforehand, and support for HOBA, which few clients have",
	},
	{
		Name:        "Mutual",
		Spec:        "RFC 8120",
		Registered:  true,
		Summary:     "a user name and password checked in both directions: the server proves it knows the password too, and the password is never sent",
		ClientNeeds: "the user name and password, and support for RFC 8120, which mainstream browsers and curl lack",
		Password:    true,
	},
	{
		Name:        "Negotiate",
		Spec:        "RFC 4559",
		Registered:  true,
		Summary:     "Windows integrated authentication: a Kerberos ticket, or NTLM as a fallback, for the account the user is logged in with",
		ClientNeeds: "a Kerberos ticket for this host's service principal (HTTP/host), from a domain login or kinit; permission to use it for this host (curl --negotiate -u :, a browser's intranet allow-list); and one HTTP/1.1 connection for the whole handshake",
	},
	{
		Name:        "NTLM",
		Spec:        "Microsoft MS-NTHT",
		Summary:     "a Windows account's user name and password, proved in a three-message NTLM handshake",
		ClientNeeds: `a Windows or domain account (DOMAIN\user and password, or the logged-in session) and one HTTP/1.1 keep-alive connection for the whole handshake; proxies and HTTP/2 break it`,
		Password:    true,
	},
	{
		Name:        "OAuth",
		Spec:        "RFC 5849",
		Registered:  true,
		Summary:     "every request signed with OAuth 1.0 client and token credentials",
		ClientNeeds: "a consumer key and secret and a token and token secret, to sign each request (oauth_signature) with a fresh timestamp and nonce",
	},
	{
		Name:        "PrivateToken",
		Spec:        "RFC 9577",
		Registered:  true,
		Summary:     "an anonymous Privacy Pass token, from an issuer it trusts, showing that the client passed some check such as device attestation; this is not a password prompt",
		ClientNeeds: `support for Privacy Pass (Apple platforms have it, as Private Access Tokens), to obtain a token from the issuer the challenge names and present it as "Authorization: PrivateToken token=…"`,
	},
	{
		Name:        "SCRAM-SHA-1",
		Spec:        "RFC 7804",
		Registered:  true,
		Summary:     "a user name and password, proved in a salted challenge-response exchange (SCRAM with SHA-1) that never sends the password",
		ClientNeeds: "the user name and password, and support for RFC 7804, which mainstream browsers and curl lack",
		Password:    true,
	},
	{
		Name:        "SCRAM-SHA-256",
		Spec:        "RFC 7804",
		Registered:  true,
		Summary:     "a user name and password, proved in a salted challenge-response exchange (SCRAM with SHA-256) that never sends the password",
		ClientNeeds: "the user name and password, and support for RFC 7804, which mainstream browsers and curl lack",
		Password:    true,
	},
	{
		Name:        "vapid",
		Spec:        "RFC 8292",
		Registered:  true,
		Summary:     "the Web Push application server to identify itself with a JWT signed by its VAPID key",
		ClientNeeds: `the application server's VAPID key pair, whose public key the browser was given when it subscribed, and a short-lived JWT signed with it, sent as "Authorization: vapid t=<JWT>, k=<public key>"`,
	},
}

// Lookup returns the scheme named name, compared ignoring ASCII case
// (RFC 9110 §11.1: "a case-insensitive token").
func Lookup(name string) (Scheme, bool) {
	if s := lookup(name); s != nil {
		return *s, true
	}
	return Scheme{}, false
}

// lookup returns the registry entry named name, or nil.
func lookup(name string) *Scheme {
	for i := range registry {
		if equalFold(registry[i].Name, name) {
			return &registry[i]
		}
	}
	return nil
}

// Schemes returns every known scheme, sorted by name ignoring case.
func Schemes() []Scheme {
	return slices.Clone(registry[:])
}
