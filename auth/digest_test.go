package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/why401/why401"
)

// digestChallenge builds a Digest challenge from name, value pairs, as the
// challenge parser would: names lower-case, values unescaped.
func digestChallenge(kv ...string) why401.Challenge {
	ch := why401.Challenge{Scheme: "Digest", Registered: true}
	for i := 0; i+1 < len(kv); i += 2 {
		ch.Params = append(ch.Params, why401.Param{Name: kv[i], Value: kv[i+1], Quoted: true})
	}
	return ch
}

func fixed(s string) func() string { return func() string { return s } }

// RFC 7616 §3.9.1: the same request answered with SHA-256 and with MD5.
func TestDigestRFC7616Example(t *testing.T) {
	const (
		realm  = "http-auth@example.org"
		nonce  = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
		opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
		cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
	)
	tests := []struct {
		alg, response string
	}{
		{"MD5", "8ca523f5e9506fed4657c9700eebdbec"},
		{"SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
	}
	for _, tt := range tests {
		t.Run(tt.alg, func(t *testing.T) {
			d, err := NewDigest(digestChallenge("realm", realm, "qop", "auth, auth-int", "algorithm", tt.alg, "nonce", nonce, "opaque", opaque))
			if err != nil {
				t.Fatal(err)
			}
			d.Cnonce = fixed(cnonce)
			got, err := d.Authorize("Mufasa", "Circle of Life", "GET", "/dir/index.html", nil)
			if err != nil {
				t.Fatal(err)
			}
			want := `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=` + tt.alg +
				`, nonce="` + nonce + `", nc=00000001, cnonce="` + cnonce + `", qop=auth, response="` + tt.response +
				`", opaque="` + opaque + `"`
			if got != want {
				t.Errorf("Authorize =\n%s\nwant\n%s", got, want)
			}
			if d.Algorithm() != tt.alg || d.Qop() != "auth" || d.Stale() || d.UserHash() || d.Realm() != realm {
				t.Errorf("getters = %q %q %v %v %q", d.Algorithm(), d.Qop(), d.Stale(), d.UserHash(), d.Realm())
			}
		})
	}
}

// RFC 7616 §3.9.2: SHA-512-256, charset=UTF-8 and userhash, for the user
// "Jäsøn Doe". The values printed in the RFC do not reproduce (erratum 4897,
// still "Reported", disputes the example): the RFC prints username
// "488869477bf2…" and response "ae66e67d6b42…", which match neither the
// plain nor the hashed user name in A1. The expected values below are
// computed from the definitions instead (§3.4.1; §3.4.4: the user name is
// hashed "after any other hash calculation", so A1 keeps the plain name),
// and the round-trip tests check them against DigestServer.
func TestDigestRFC7616UserhashExample(t *testing.T) {
	d, err := NewDigest(digestChallenge("realm", "api@example.org", "qop", "auth", "algorithm", "SHA-512-256",
		"nonce", "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK",
		"opaque", "HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", "charset", "UTF-8", "userhash", "true"))
	if err != nil {
		t.Fatal(err)
	}
	if !d.UserHash() || !d.UTF8() || d.Algorithm() != "SHA-512-256" {
		t.Fatalf("getters: userhash %v utf8 %v algorithm %q", d.UserHash(), d.UTF8(), d.Algorithm())
	}
	d.Cnonce = fixed("NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v")
	got, err := d.Authorize("J\u00e4s\u00f8n Doe", "Secret, or not?", "GET", "/doe.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `Digest username="793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b", realm="api@example.org", ` +
		`uri="/doe.json", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", nc=00000001, ` +
		`cnonce="NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", qop=auth, ` +
		`response="3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5", ` +
		`opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", userhash=true`
	if got != want {
		t.Errorf("Authorize =\n%s\nwant\n%s", got, want)
	}
}

// RFC 2617 §3.5 (qop=auth, MD5, "Circle Of Life") and the RFC 2069 form
// without qop. RFC 2069's own example prints e966c932…, a known misprint;
// 1949323746fe… is H(H(A1):nonce:H(A2)) for its inputs.
func TestDigestRFC2617AndRFC2069(t *testing.T) {
	const nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093"
	d, err := NewDigest(digestChallenge("realm", "testrealm@host.com", "qop", "auth,auth-int", "nonce", nonce,
		"opaque", "5ccc069c403ebaf9f0171e9517f40e41"))
	if err != nil {
		t.Fatal(err)
	}
	d.Cnonce = fixed("0a4f113b")
	got, err := d.Authorize("Mufasa", "Circle Of Life", "GET", "/dir/index.html", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `Digest username="Mufasa", realm="testrealm@host.com", uri="/dir/index.html", nonce="` + nonce +
		`", nc=00000001, cnonce="0a4f113b", qop=auth, response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"`
	if got != want {
		t.Errorf("RFC 2617: Authorize =\n%s\nwant\n%s", got, want)
	}
	if d.Algorithm() != "MD5" {
		t.Errorf("Algorithm() = %q with no algorithm parameter; want MD5", d.Algorithm())
	}

	d, err = NewDigest(digestChallenge("realm", "testrealm@host.com", "nonce", nonce))
	if err != nil {
		t.Fatal(err)
	}
	d.Cnonce = func() string { t.Fatal("the RFC 2069 form has no cnonce"); return "" }
	got, err = d.Authorize("Mufasa", "CircleOfLife", "GET", "/dir/index.html", nil)
	if err != nil {
		t.Fatal(err)
	}
	want = `Digest username="Mufasa", realm="testrealm@host.com", uri="/dir/index.html", nonce="` + nonce +
		`", response="1949323746fe6a43ef61f9606e7febea"`
	if got != want {
		t.Errorf("RFC 2069: Authorize =\n%s\nwant\n%s", got, want)
	}
	if d.Qop() != "" {
		t.Errorf("Qop() = %q; want empty for the RFC 2069 form", d.Qop())
	}
}

func TestDigestCountsNonceUses(t *testing.T) {
	d, err := NewDigest(digestChallenge("realm", "r", "nonce", "n", "qop", "auth"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"nc=00000001", "nc=00000002", "nc=00000003"} {
		got, err := d.Authorize("u", "p", "GET", "/", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, ", "+want+",") {
			t.Errorf("Authorize = %s; want %s", got, want)
		}
	}
	if d.NonceCount() != 3 {
		t.Errorf("NonceCount() = %d; want 3", d.NonceCount())
	}
}

func TestDigestDefaultCnonceIsRandomHex(t *testing.T) {
	d, _ := NewDigest(digestChallenge("realm", "r", "nonce", "n", "qop", "auth"))
	a, _ := d.Authorize("u", "p", "GET", "/", nil)
	b, _ := d.Authorize("u", "p", "GET", "/", nil)
	ca, cb := param(t, a, "cnonce"), param(t, b, "cnonce")
	if len(ca) != 32 || strings.Trim(ca, "0123456789abcdef") != "" {
		t.Errorf("cnonce %q is not 16 bytes of hex", ca)
	}
	if ca == cb {
		t.Errorf("two calls gave the same cnonce %q", ca)
	}
}

func param(t *testing.T, authz, name string) string {
	t.Helper()
	_, rest, _ := strings.Cut(authz, " ")
	ps, ok := parseParams(rest)
	if !ok {
		t.Fatalf("cannot parse %s", authz)
	}
	for _, p := range ps {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

func TestDigestUserName(t *testing.T) {
	tests := []struct {
		name, user string
		userhash   bool
		want       string // the username or username* parameter as sent
	}{
		{"plain ASCII", "Mufasa", false, `username="Mufasa"`},
		{"quote and backslash escaped", `a"b\c`, false, `username="a\"b\\c"`},
		{"non-ASCII as username*", "J\u00e4s\u00f8n Doe", false, `username*=UTF-8''J%C3%A4s%C3%B8n%20Doe`},
		{"userhash hides the name", "J\u00e4s\u00f8n Doe", true, `username="`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kv := []string{"realm", "api@example.org", "nonce", "n", "qop", "auth", "algorithm", "SHA-512-256"}
			if tt.userhash {
				kv = append(kv, "userhash", "true")
			}
			d, err := NewDigest(digestChallenge(kv...))
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Authorize(tt.user, "pw", "GET", "/", nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, "Digest "+tt.want) {
				t.Errorf("Authorize = %s; want it to start with %s", got, tt.want)
			}
			if tt.userhash && (strings.Contains(got, "J%C3") || strings.Contains(got, tt.user)) {
				t.Errorf("Authorize = %s; the user name leaks despite userhash", got)
			}
		})
	}
}

func TestDigestAuthInt(t *testing.T) {
	d, err := NewDigest(digestChallenge("realm", "r", "nonce", "n", "qop", "auth-int"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Qop() != "auth-int" {
		t.Fatalf("Qop() = %q; want auth-int when only auth-int is offered", d.Qop())
	}
	d.Cnonce = fixed("c")
	a, _ := d.Authorize("u", "p", "POST", "/", []byte("one"))
	d.nc.Store(0)
	b, _ := d.Authorize("u", "p", "POST", "/", []byte("two"))
	if param(t, a, "response") == param(t, b, "response") {
		t.Error("auth-int response does not depend on the body")
	}
	if param(t, a, "qop") != "auth-int" {
		t.Errorf("qop sent = %q; want auth-int", param(t, a, "qop"))
	}
}

func TestNewDigestRefuses(t *testing.T) {
	tests := []struct {
		name string
		ch   why401.Challenge
		want error
	}{
		{"not Digest", why401.Challenge{Scheme: "Basic", Params: []why401.Param{{Name: "realm", Value: "r"}}}, ErrMalformed},
		{"token68", why401.Challenge{Scheme: "Digest", Token68: "abc", HasToken68: true}, ErrMalformed},
		{"no realm", digestChallenge("nonce", "n"), ErrMalformed},
		{"no nonce", digestChallenge("realm", "r"), ErrMalformed},
		{"empty nonce", digestChallenge("realm", "r", "nonce", ""), ErrMalformed},
		{"repeated nonce", digestChallenge("realm", "r", "nonce", "a", "nonce", "b"), ErrMalformed},
		{"CR LF in nonce", digestChallenge("realm", "r", "nonce", "a\r\nX-Evil: 1"), ErrMalformed},
		{"CR LF in opaque", digestChallenge("realm", "r", "nonce", "a", "opaque", "\r\n"), ErrMalformed},
		{"huge realm", digestChallenge("realm", strings.Repeat("r", maxEcho+1), "nonce", "a"), ErrMalformed},
		{"unknown algorithm", digestChallenge("realm", "r", "nonce", "n", "algorithm", "SHA-1"), ErrUnsupported},
		{"unknown qop", digestChallenge("realm", "r", "nonce", "n", "qop", "auth-conf"), ErrUnsupported},
		{"sess without qop", digestChallenge("realm", "r", "nonce", "n", "algorithm", "MD5-sess"), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewDigest(tt.ch)
			if !errors.Is(err, tt.want) {
				t.Fatalf("NewDigest error = %v; want %v", err, tt.want)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("error %q carries a control character from the challenge", err)
			}
		})
	}
}

func TestNewDigestAcceptsVariants(t *testing.T) {
	tests := []struct {
		name          string
		ch            why401.Challenge
		alg, qop      string
		stale, utf8   bool
		authorization string // a fragment the answer must contain
	}{
		{"lower-case md5 is echoed as sent", digestChallenge("realm", "r", "nonce", "n", "algorithm", "md5", "qop", "auth"), "MD5", "auth", false, false, "algorithm=md5,"},
		{"sess variant", digestChallenge("realm", "r", "nonce", "n", "algorithm", "SHA-256-sess", "qop", "auth"), "SHA-256-sess", "auth", false, false, "algorithm=SHA-256-sess,"},
		{"unquoted single qop", digestChallenge("realm", "r", "nonce", "n", "qop", "AUTH"), "MD5", "auth", false, false, "qop=auth,"},
		{"stale=TRUE", digestChallenge("realm", "r", "nonce", "n", "qop", "auth", "stale", "TRUE"), "MD5", "auth", true, false, ""},
		{"stale=false", digestChallenge("realm", "r", "nonce", "n", "qop", "auth", "stale", "false"), "MD5", "auth", false, false, ""},
		{"charset", digestChallenge("realm", "r", "nonce", "n", "qop", "auth", "charset", "utf-8"), "MD5", "auth", false, true, ""},
		{"empty realm", digestChallenge("realm", "", "nonce", "n", "qop", "auth"), "MD5", "auth", false, false, `realm="",`},
		{"scheme case", why401.Challenge{Scheme: "DIGEST", Params: digestChallenge("realm", "r", "nonce", "n").Params}, "MD5", "", false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDigest(tt.ch)
			if err != nil {
				t.Fatal(err)
			}
			if d.Algorithm() != tt.alg || d.Qop() != tt.qop || d.Stale() != tt.stale || d.UTF8() != tt.utf8 {
				t.Errorf("Algorithm, Qop, Stale, UTF8 = %q, %q, %v, %v; want %q, %q, %v, %v",
					d.Algorithm(), d.Qop(), d.Stale(), d.UTF8(), tt.alg, tt.qop, tt.stale, tt.utf8)
			}
			got, err := d.Authorize("u", "p", "GET", "/", nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got, tt.authorization) {
				t.Errorf("Authorize = %s; want it to contain %s", got, tt.authorization)
			}
		})
	}
}

func TestAuthorizeRefusesBadArguments(t *testing.T) {
	const secret = "s3cret-pass"
	d, _ := NewDigest(digestChallenge("realm", "r", "nonce", "n", "qop", "auth"))
	tests := []struct {
		name              string
		user, method, uri string
		cnonce            func() string
		want              error
	}{
		{"newline in user", "u\r\nX: y", "GET", "/", nil, ErrControl},
		{"invalid UTF-8 user", "u\xff", "GET", "/", nil, ErrNotUTF8},
		{"method not a token", "u", "GE T", "/", nil, ErrMalformed},
		{"empty method", "u", "", "/", nil, ErrMalformed},
		{"empty uri", "u", "GET", "", nil, ErrMalformed},
		{"newline in uri", "u", "GET", "/\r\nX: y", nil, ErrMalformed},
		{"bad cnonce", "u", "GET", "/", fixed("a\nb"), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d.Cnonce = tt.cnonce
			_, err := d.Authorize(tt.user, secret, tt.method, tt.uri, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Authorize error = %v; want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q reveals the password", err)
			}
		})
	}
}

func TestPickDigest(t *testing.T) {
	basic := why401.Challenge{Scheme: "Basic", Params: []why401.Param{{Name: "realm", Value: "r"}}}
	md5 := digestChallenge("realm", "r", "nonce", "1", "qop", "auth")
	md5sess := digestChallenge("realm", "r", "nonce", "2", "qop", "auth", "algorithm", "MD5-sess")
	sha256 := digestChallenge("realm", "r", "nonce", "3", "qop", "auth", "algorithm", "SHA-256")
	sha256sess := digestChallenge("realm", "r", "nonce", "4", "qop", "auth", "algorithm", "SHA-256-sess")
	sha512 := digestChallenge("realm", "r", "nonce", "5", "qop", "auth", "algorithm", "SHA-512-256")
	unknown := digestChallenge("realm", "r", "nonce", "6", "qop", "auth", "algorithm", "SHA3-256")
	broken := digestChallenge("realm", "r", "qop", "auth", "algorithm", "SHA-512-256") // no nonce
	tests := []struct {
		name  string
		chs   []why401.Challenge
		nonce string // of the pick; "" for none
	}{
		{"none", nil, ""},
		{"only Basic", []why401.Challenge{basic}, ""},
		{"absent algorithm is MD5", []why401.Challenge{basic, md5}, "1"},
		{"SHA-256 over MD5 whatever the order", []why401.Challenge{md5, sha256}, "3"},
		{"SHA-512-256 strongest", []why401.Challenge{md5, sha512, sha256}, "5"},
		{"sess accepted", []why401.Challenge{md5, sha256sess}, "4"},
		{"tie goes to the first", []why401.Challenge{sha256sess, sha256}, "4"},
		{"tie goes to the first, MD5", []why401.Challenge{md5sess, md5}, "2"},
		{"unknown skipped", []why401.Challenge{unknown, md5}, "1"},
		{"unusable skipped", []why401.Challenge{broken, sha256}, "3"},
		{"only unknown", []why401.Challenge{unknown}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := PickDigest(tt.chs)
			if tt.nonce == "" {
				if ok {
					t.Fatalf("PickDigest = %+v; want none", got)
				}
				return
			}
			if n, _ := got.Param("nonce"); !ok || n != tt.nonce {
				t.Errorf("PickDigest picked nonce %q (ok %v); want %q", n, ok, tt.nonce)
			}
		})
	}
}

func FuzzDigest(f *testing.F) {
	f.Add("http-auth@example.org", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "SHA-256", "auth, auth-int", "opq", "false", "true", "UTF-8",
		"Mufasa", "Circle of Life", "GET", "/dir/index.html", []byte(nil))
	f.Add("r", "n", "MD5-sess", "auth-int", "", "true", "", "", "J\u00e4s\u00f8n", "p", "POST", "/x?y=1", []byte("body"))
	f.Add("", "n", "", "", "", "", "", "", "u", "", "GET", "*", []byte(nil))
	f.Add("r\"\\", "n\r\n", "sha-512-256", ",,auth", "\x00", "TRUE", "TRUE", "x", "a\"b", "\n", "M", "/", []byte{0})
	f.Fuzz(func(t *testing.T, realm, nonce, alg, qop, opaque, userhash, stale, charset, user, pass, method, uri string, body []byte) {
		var kv []string
		for _, p := range [][2]string{{"realm", realm}, {"nonce", nonce}, {"algorithm", alg}, {"qop", qop},
			{"opaque", opaque}, {"userhash", userhash}, {"stale", stale}, {"charset", charset}} {
			if p[1] != "" || p[0] == "realm" {
				kv = append(kv, p[0], p[1])
			}
		}
		ch := digestChallenge(kv...)
		d, err := NewDigest(ch)
		if picked, ok := PickDigest([]why401.Challenge{ch}); ok != (err == nil) || ok && picked.Scheme != "Digest" {
			t.Fatalf("PickDigest ok=%v but NewDigest err=%v", ok, err)
		}
		if err != nil {
			return
		}
		got, err := d.Authorize(user, pass, method, uri, body)
		if err != nil {
			if len(pass) >= 4 && strings.Contains(err.Error(), pass) {
				t.Fatalf("error reveals the password: %v", err)
			}
			return
		}
		if hasCTL(got) {
			t.Fatalf("Authorize produced a control character: %q", got)
		}
		scheme, rest, _ := strings.Cut(got, " ")
		ps, ok := parseParams(rest)
		if scheme != "Digest" || !ok {
			t.Fatalf("Authorize produced an unparseable value: %q", got)
		}
		m := map[string]string{}
		for _, p := range ps {
			if _, dup := m[p.Name]; dup {
				t.Fatalf("Authorize repeats %s: %q", p.Name, got)
			}
			m[p.Name] = p.Value
		}
		if m["realm"] != realm || m["nonce"] != nonce || m["uri"] != uri {
			t.Fatalf("realm, nonce or uri do not round-trip: %q", got)
		}
		if _, has := m["opaque"]; has != (opaque != "") || m["opaque"] != opaque {
			t.Fatalf("opaque not echoed: %q", got)
		}
		if d.Qop() != "" && m["qop"] != d.Qop() {
			t.Fatalf("qop %q sent, %q chosen", m["qop"], d.Qop())
		}
		if d.UserHash() {
			if _, has := m["username*"]; has || m["userhash"] != "true" {
				t.Fatalf("userhash answer malformed: %q", got)
			}
		} else if n, has := m["username*"]; has {
			if dec, ok := decodeExtValue(n); !ok || dec != user {
				t.Fatalf("username* %q does not decode to the user name", n)
			}
		} else if m["username"] != user {
			t.Fatalf("username %q; want %q", m["username"], user)
		}
	})
}

func TestDigestConcurrentAuthorizeUsesDistinctCounts(t *testing.T) {
	d, _ := NewDigest(digestChallenge("realm", "r", "nonce", "n", "qop", "auth"))
	const n = 64
	got := make(chan string, n)
	for i := 0; i < n; i++ {
		go func() {
			a, err := d.Authorize("u", "p", "GET", "/", nil)
			if err != nil {
				t.Error(err)
			}
			got <- a
		}()
	}
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		nc := param(t, <-got, "nc")
		if seen[nc] {
			t.Errorf("nc %s used twice", nc)
		}
		seen[nc] = true
	}
}
