package jwt

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// tok builds a compact JWS from a JSON header, JSON claims and a signature.
func tok(header, claims, sig string) string { return b64(header) + "." + b64(claims) + "." + sig }

const hs256 = `{"alg":"HS256","typ":"JWT"}`

func unix(sec, nsec int64) *time.Time { t := time.Unix(sec, nsec).UTC(); return &t }

// RFC 7519 §3.1's example JWT.
const rfc7519Example = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" +
	".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
	".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

func TestDecode(t *testing.T) {
	tests := []struct {
		name  string
		token string
		want  Token // Header and Claims are not compared
	}{
		{"RFC 7519 §3.1 example", rfc7519Example,
			Token{Alg: "HS256", Typ: "JWT", Issuer: "joe", ExpiresAt: unix(1300819380, 0)}},
		// alg none: an Unsecured JWT (RFC 7519 §6.1), empty signature.
		{"alg none", tok(`{"alg":"none"}`, `{"sub":"u"}`, ""),
			Token{Alg: "none", Subject: "u", Unsigned: true}},
		{"alg NONE with a signature", tok(`{"alg":"NONE"}`, `{}`, "c2ln"),
			Token{Alg: "NONE", Unsigned: true}},
		{"empty signature with a real alg", tok(hs256, `{}`, ""),
			Token{Alg: "HS256", Typ: "JWT", Unsigned: true}},
		// Dates.
		{"exp as a float", tok(hs256, `{"exp":1700000000.5,"nbf":1699999999.25,"iat":1699999999}`, "c2ln"),
			Token{Alg: "HS256", Typ: "JWT", ExpiresAt: unix(1700000000, 5e8), NotBefore: unix(1699999999, 25e7), IssuedAt: unix(1699999999, 0)}},
		{"exp with an exponent", tok(hs256, `{"exp":1.7e9}`, "c2ln"),
			Token{Alg: "HS256", Typ: "JWT", ExpiresAt: unix(1700000000, 0)}},
		{"exp with nanoseconds and beyond", tok(hs256, `{"exp":1700000000.1234567891}`, "c2ln"),
			Token{Alg: "HS256", Typ: "JWT", ExpiresAt: unix(1700000000, 123456789)}},
		{"negative fractional date", tok(hs256, `{"iat":-1.5}`, "c2ln"),
			Token{Alg: "HS256", Typ: "JWT", IssuedAt: unix(-2, 5e8)}},
		// Audience.
		{"aud as a string", tok(hs256, `{"aud":"api"}`, "c2ln"),
			Token{Alg: "HS256", Typ: "JWT", Audience: []string{"api"}}},
		{"aud as an array", tok(hs256, `{"aud":["api","web"]}`, "c2ln"),
			Token{Alg: "HS256", Typ: "JWT", Audience: []string{"api", "web"}}},
		{"aud with a space is one audience", tok(hs256, `{"aud":"a b"}`, "c2ln"),
			Token{Alg: "HS256", Typ: "JWT", Audience: []string{"a b"}}},
		// Scopes.
		{"scope string", tok(hs256, `{"scope":"read  write"}`, "c2ln"),
			Token{Alg: "HS256", Typ: "JWT", Scopes: []string{"read", "write"}}},
		{"scp array (Okta)", tok(hs256, `{"scp":["openid","email"]}`, "c2ln"),
			Token{Alg: "HS256", Typ: "JWT", Scopes: []string{"openid", "email"}}},
		{"scp string (Entra ID)", tok(hs256, `{"scp":"User.Read Mail.Read"}`, "c2ln"),
			Token{Alg: "HS256", Typ: "JWT", Scopes: []string{"User.Read", "Mail.Read"}}},
		{"scope and scp merged", tok(hs256, `{"scope":"a b","scp":["b","c"]}`, "c2ln"),
			Token{Alg: "HS256", Typ: "JWT", Scopes: []string{"a", "b", "c"}}},
		// Missing claims.
		{"no claims at all", tok(`{"alg":"RS256","kid":"k1"}`, `{}`, "c2ln"),
			Token{Alg: "RS256", Kid: "k1"}},
		{"no alg", tok(`{"typ":"at+jwt"}`, `{"iss":"https://idp"}`, "c2ln"),
			Token{Typ: "at+jwt", Issuer: "https://idp"}},
		// Encoding tolerance.
		{"padded base64url", base64.URLEncoding.EncodeToString([]byte(`{"alg":"HS256"}`)) + "." +
			base64.URLEncoding.EncodeToString([]byte(`{"sub":"1"}`)) + ".c2lnbmF0dXJl",
			Token{Alg: "HS256", Subject: "1"}},
		{"surrounding white space", " \t" + tok(hs256, `{"sub":"x"}`, "c2ln") + "\n",
			Token{Alg: "HS256", Typ: "JWT", Subject: "x"}},
		{"duplicate claim keeps the last", tok(hs256, `{"sub":"a","sub":"b"}`, "c2ln"),
			Token{Alg: "HS256", Typ: "JWT", Subject: "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.token)
			if err != nil {
				t.Fatalf("Decode error: %v", err)
			}
			if got.Header == nil || got.Claims == nil {
				t.Fatalf("Decode left Header or Claims nil")
			}
			g := *got
			g.Header, g.Claims = nil, nil
			if !reflect.DeepEqual(g, tt.want) {
				t.Errorf("Decode =\n%+v\nwant\n%+v", fmtToken(g), fmtToken(tt.want))
			}
		})
	}
}

func fmtToken(t Token) string {
	d := func(p *time.Time) string {
		if p == nil {
			return "nil"
		}
		return p.Format(time.RFC3339Nano)
	}
	return strings.Join([]string{"alg=" + t.Alg, "typ=" + t.Typ, "kid=" + t.Kid, "iss=" + t.Issuer, "sub=" + t.Subject,
		"aud=" + strings.Join(t.Audience, ","), "scopes=" + strings.Join(t.Scopes, ","),
		"exp=" + d(t.ExpiresAt), "nbf=" + d(t.NotBefore), "iat=" + d(t.IssuedAt)}, " ") +
		map[bool]string{true: " unsigned", false: ""}[t.Unsigned]
}

func TestDecodeErrors(t *testing.T) {
	const secretClaims = `{"sub":"topsecret-subject"}`
	tests := []struct {
		name, token string
		part, msg   string // msg: a prefix of Error.Msg
	}{
		// Shape.
		{"empty", "", "token", "not a JWT: the token is empty"},
		{"two parts", b64(hs256) + "." + b64(secretClaims), "token", "not a JWT: 2 parts, want 3"},
		{"one part", "abcdef", "token", "not a JWT: 1 parts, want 3"},
		{"four parts", "a.b.c.d", "token", "not a JWT: 4 parts, want 3"},
		{"JWE", b64(`{"alg":"RSA-OAEP","enc":"A256GCM"}`) + ".a.b.c.d", "token",
			`the token has 5 parts: it is a JWE (RFC 7516), encrypted, and its claims cannot be read without the recipient's key (alg "RSA-OAEP", enc "A256GCM")`},
		{"JWE with unreadable header", "x.a.b.c.d", "token", "the token has 5 parts: it is a JWE"},
		{"too long", strings.Repeat("a", MaxLen+1), "token", "not a JWT: 262145 bytes"},
		// Base64.
		{"standard base64 header", "eyJ+" + "." + b64(secretClaims) + ".c2ln", "header", "header is not base64url: a character outside the alphabet at offset 3 (standard base64, not base64url)"},
		{"header truncated", "eyJhb." + b64(secretClaims) + ".c2ln", "header", "header is not base64url: its length 5 is impossible"},
		{"claims with a space", b64(hs256) + ".eyJ zdWIiOiJ4In0.c2ln", "claims", "claims are not base64url"},
		{"too much padding", b64(hs256) + "===." + b64(secretClaims) + ".c2ln", "header", "header is not base64url: too much '=' padding"},
		{"signature not base64url", tok(hs256, secretClaims, "a/b"), "signature", "signature is not base64url"},
		// JSON.
		{"header not JSON", b64("alg") + "." + b64(secretClaims) + ".c2ln", "header", "header is not JSON: an unexpected character"},
		{"claims not JSON", tok(hs256, `{"sub":topsecret}`, "c2ln"), "claims", "claims are not JSON: an unexpected character"},
		{"claims cut short", tok(hs256, `{"sub":"topsecret`, "c2ln"), "claims", "claims are not JSON: the text ends early"},
		{"claims an array", tok(hs256, `["topsecret"]`, "c2ln"), "claims", "claims are not a JSON object (found an array)"},
		{"claims a string", tok(hs256, `"topsecret"`, "c2ln"), "claims", "claims are not a JSON object (found a string)"},
		{"claims null", tok(hs256, `null`, "c2ln"), "claims", "claims are not a JSON object (found null)"},
		{"claims empty", tok(hs256, ``, "c2ln"), "claims", "claims are empty"},
		{"claims followed by data", tok(hs256, `{} {"sub":"topsecret"}`, "c2ln"), "claims", "claims are not a JSON object: data follows the object"},
		{"header an array", tok(`[1]`, secretClaims, "c2ln"), "header", "header is not a JSON object (found an array)"},
		{"claims nested too deep", tok(hs256, strings.Repeat("[", 20000), "c2ln"), "claims", "claims are not JSON: nested too deeply"},
		{"encrypted payload with enc header", tok(`{"alg":"dir","enc":"A128GCM"}`, "\x01\x02topsecret", "c2ln"), "claims",
			`the header has "enc": this is a JWE`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.token)
			if err == nil {
				t.Fatalf("Decode = %+v; want an error", got)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if got != nil {
				t.Errorf("Decode returned a Token with a shape error")
			}
			if e.Part != tt.part || !strings.HasPrefix(e.Msg, tt.msg) {
				t.Errorf("Decode error = {%q, %q}; want {%q, %q…}", e.Part, e.Msg, tt.part, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "jwt: ") {
				t.Errorf("Error() = %q; want the jwt: prefix", err.Error())
			}
			if strings.Contains(err.Error(), "topsecret") || len(tt.token) > 8 && strings.Contains(err.Error(), tt.token[4:]) {
				t.Errorf("error %q echoes the token", err)
			}
		})
	}
}

// A registered claim of the wrong type is an error, but the rest of the
// token is still returned for diagnosis.
func TestDecodeBadClaimKeepsTheRest(t *testing.T) {
	tests := []struct {
		name, claims string
		msg          string
	}{
		{"exp as a string", `{"exp":"1700000000","sub":"u"}`, "exp is not a number (found a string)"},
		{"nbf as a bool", `{"nbf":true,"sub":"u"}`, "nbf is not a number (found a boolean)"},
		{"iat out of range", `{"iat":1e300,"sub":"u"}`, "iat is out of range for a date (years 1 to 9999)"},
		{"huge integer exp", `{"exp":99999999999999999999999,"sub":"u"}`, "exp is out of range for a date (years 1 to 9999)"},
		{"aud as a number", `{"aud":5,"sub":"u"}`, "aud is not a string or an array of strings (found a number)"},
		{"aud array with a number", `{"aud":["a",5],"sub":"u"}`, "aud is not a string or an array of strings (an element is a number)"},
		{"scope as an object", `{"scope":{},"sub":"u"}`, "scope is not a string or an array of strings (found an object)"},
		{"iss as a number", `{"iss":1,"sub":"u"}`, "iss is not a string (found a number)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tok(hs256, tt.claims, "c2ln"))
			var e *Error
			if !errors.As(err, &e) || e.Part != "claims" || e.Msg != tt.msg {
				t.Fatalf("Decode error = %v; want claims: %s", err, tt.msg)
			}
			if got == nil || got.Subject != "u" || got.Alg != "HS256" {
				t.Errorf("Decode = %+v; want the other fields filled", got)
			}
		})
	}
	_, err := Decode(tok(`{"alg":5}`, `{}`, "c2ln"))
	var e *Error
	if !errors.As(err, &e) || e.Part != "header" || e.Msg != "alg is not a string (found a number)" {
		t.Errorf("alg as a number: error = %v", err)
	}
}

func TestLooksLike(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{rfc7519Example, true},
		{tok(`{"alg":"none"}`, `{}`, ""), true},
		{"eyJhbGciOiJIUzI1NiJ9.e30=.c2ln", true},
		{"eyJ.a.b.c.d", true}, // JWE shape
		{"eyJ.a", false},
		{"eyJ.a.b.c", false},
		{"abc.def.ghi", false},
		{"eyJ+a.b.c", false},
		{"Bearer eyJ.a.b", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := LooksLike(tt.s); got != tt.want {
			t.Errorf("LooksLike(%q) = %v; want %v", tt.s, got, tt.want)
		}
	}
}

func TestStatus(t *testing.T) {
	exp := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	nbf := exp.Add(-time.Hour)
	tk := &Token{ExpiresAt: &exp, NotBefore: &nbf}
	tests := []struct {
		name            string
		at              time.Time
		leeway          time.Duration
		expired, notYet bool
	}{
		{"inside the window", exp.Add(-time.Minute), 0, false, false},
		{"exactly at exp is expired (RFC 7519 §4.1.4: must be before)", exp, 0, true, false},
		{"just before exp", exp.Add(-time.Nanosecond), 0, false, false},
		{"after exp", exp.Add(time.Second), 0, true, false},
		{"after exp within leeway", exp.Add(30 * time.Second), time.Minute, false, false},
		{"exactly at nbf is valid (§4.1.5: after or equal)", nbf, 0, false, false},
		{"before nbf", nbf.Add(-time.Second), 0, false, true},
		{"before nbf within leeway", nbf.Add(-time.Second), 5 * time.Second, false, false},
	}
	for _, tt := range tests {
		expired, notYet := tk.Status(tt.at, tt.leeway)
		if expired != tt.expired || notYet != tt.notYet {
			t.Errorf("%s: Status = %v, %v; want %v, %v", tt.name, expired, notYet, tt.expired, tt.notYet)
		}
	}
	if e, n := (&Token{}).Status(time.Now(), 0); e || n {
		t.Errorf("a token without exp or nbf: Status = %v, %v; want false, false", e, n)
	}
	iat := exp.Add(time.Minute)
	if !(&Token{IssuedAt: &iat}).IssuedInFuture(exp, 5*time.Second) || (&Token{IssuedAt: &iat}).IssuedInFuture(exp, time.Hour) {
		t.Error("IssuedInFuture does not honour leeway")
	}
}

func TestWording(t *testing.T) {
	exp := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	tk := &Token{ExpiresAt: &exp, NotBefore: &exp}
	tests := []struct{ got, want string }{
		{tk.ExpiryText(exp.Add(3*time.Hour + 5*time.Minute + 7*time.Second)), "expired 3h 5m ago (exp 2025-01-01T12:00:00Z)"},
		{tk.ExpiryText(exp.Add(-42 * time.Second)), "expires in 42s (exp 2025-01-01T12:00:00Z)"},
		{tk.ExpiryText(exp), "expired just now (exp 2025-01-01T12:00:00Z)"},
		{(&Token{}).ExpiryText(exp), "has no exp claim: it does not expire"},
		{tk.NotBeforeText(exp.Add(-12 * time.Second)), "not valid for another 12s (nbf 2025-01-01T12:00:00Z)"},
		{tk.NotBeforeText(exp.Add(2 * time.Minute)), "valid since 2m ago (nbf 2025-01-01T12:00:00Z)"},
		{(&Token{}).NotBeforeText(exp), "has no nbf claim"},
		{Human(250 * time.Millisecond), "250ms"},
		{Human(0), "0ms"},
		{Human(42 * time.Second), "42s"},
		{Human(5*time.Minute + 2*time.Second), "5m 2s"},
		{Human(time.Hour + 5*time.Second), "1h"},
		{Human(50*time.Hour + 30*time.Minute), "2d 2h"},
		{Human(-90 * time.Second), "-1m 30s"},
		{Ago(3 * time.Minute), "3m ago"},
		{Ago(0), "just now"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q; want %q", tt.got, tt.want)
		}
	}
	_ = Human(time.Duration(-1 << 63)) // must not recurse forever
}

func FuzzDecode(f *testing.F) {
	f.Add(rfc7519Example)
	f.Add(tok(`{"alg":"none"}`, `{"exp":1.5,"aud":["a"],"scp":"x y"}`, ""))
	f.Add(tok(hs256, `{"exp":"1","nbf":1e999,"iat":-1e-7}`, "c2ln"))
	f.Add("eyJ.a.b.c.d")
	f.Add("a.b")
	f.Add(b64(hs256) + "==." + b64(`{"x":[[[{}]]]}`) + "=.")
	f.Fuzz(func(t *testing.T, s string) {
		tk, err := Decode(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			switch e.Part {
			case "token", "header", "claims", "signature":
			default:
				t.Fatalf("error part %q", e.Part)
			}
			// The error must not echo a sizeable piece of the token.
			if parts := strings.Split(strings.TrimSpace(s), "."); len(parts) >= 2 && len(parts[1]) >= 12 &&
				strings.Contains(err.Error(), parts[1]) {
				t.Fatalf("error %q echoes the token", err)
			}
			if tk == nil {
				return
			}
		}
		if tk.Header == nil || tk.Claims == nil {
			t.Fatalf("Decode returned a Token without header or claims")
		}
		for _, p := range []*time.Time{tk.ExpiresAt, tk.NotBefore, tk.IssuedAt} {
			if p != nil && (p.Year() < 1 || p.Year() > 9999) {
				t.Fatalf("date %v out of range", p)
			}
		}
		tk.Status(time.Now(), time.Minute)
		_ = tk.ExpiryText(time.Now()) + tk.NotBeforeText(time.Now())
		if !LooksLike(strings.TrimSpace(s)) && strings.HasPrefix(strings.TrimSpace(s), "eyJ") {
			t.Fatalf("Decode accepted %q, which LooksLike refuses", s)
		}
	})
}
