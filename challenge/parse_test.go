package challenge

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/why401/why401"
)

// qp and tp build a parameter written as a quoted-string and as a token.
func qp(name, value string) why401.Param { return why401.Param{Name: name, Value: value, Quoted: true} }
func tp(name, value string) why401.Param { return why401.Param{Name: name, Value: value} }

// ch builds a challenge with parameters; registered is looked up.
func ch(scheme string, params ...why401.Param) why401.Challenge {
	s, ok := Lookup(scheme)
	return why401.Challenge{Scheme: scheme, Params: params, Registered: ok && s.Registered}
}

// ch68 builds a challenge with a token68.
func ch68(scheme, token68 string) why401.Challenge {
	c := ch(scheme)
	c.Token68, c.HasToken68 = token68, true
	return c
}

// The RFC 7616 §3.9 challenges, shared by the tables and the benchmarks.
const (
	rfc7616SHA256 = `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`
	rfc7616MD5    = `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`
)

// rfc7616Challenge is the §3.9.1 challenge with the given algorithm.
func rfc7616Challenge(alg string) why401.Challenge {
	return ch("Digest",
		qp("realm", "http-auth@example.org"),
		qp("qop", "auth, auth-int"),
		tp("algorithm", alg),
		qp("nonce", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"),
		qp("opaque", "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"))
}

var parseTests = []struct {
	in   string
	want []why401.Challenge
}{
	// RFC 9110 §11.6.1 (as first written in RFC 7235 §4.1): two
	// challenges, the first with three parameters and a quoted-pair.
	{
		`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`,
		[]why401.Challenge{
			ch("Newauth", qp("realm", "apps"), tp("type", "1"), qp("title", `Login to "apps"`)),
			ch("Basic", qp("realm", "simple")),
		},
	},
	// RFC 9110 §11.6.1 as printed, folded over two lines (obs-fold,
	// RFC 9112 §5.2).
	{
		"Basic realm=\"simple\", Newauth realm=\"apps\",\r\n                  type=1, title=\"Login to \\\"apps\\\"\"",
		[]why401.Challenge{
			ch("Basic", qp("realm", "simple")),
			ch("Newauth", qp("realm", "apps"), tp("type", "1"), qp("title", `Login to "apps"`)),
		},
	},
	// RFC 7617 §2 and §2.1.
	{`Basic realm="WallyWorld"`, []why401.Challenge{ch("Basic", qp("realm", "WallyWorld"))}},
	{`Basic realm="foo", charset="UTF-8"`, []why401.Challenge{ch("Basic", qp("realm", "foo"), qp("charset", "UTF-8"))}},
	// RFC 7616 §3.9.1: SHA-256 and MD5, alone and as one list.
	{rfc7616SHA256, []why401.Challenge{rfc7616Challenge("SHA-256")}},
	{rfc7616MD5, []why401.Challenge{rfc7616Challenge("MD5")}},
	{rfc7616SHA256 + ", " + rfc7616MD5, []why401.Challenge{rfc7616Challenge("SHA-256"), rfc7616Challenge("MD5")}},
	// RFC 7616 §3.9.2: unquoted charset and userhash.
	{
		`Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", charset=UTF-8, userhash=true`,
		[]why401.Challenge{ch("Digest",
			qp("realm", "api@example.org"),
			qp("qop", "auth"),
			tp("algorithm", "SHA-512-256"),
			qp("nonce", "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK"),
			qp("opaque", "HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS"),
			tp("charset", "UTF-8"),
			tp("userhash", "true"))},
	},
	// RFC 6750 §3: no token, then an expired one.
	{`Bearer realm="example"`, []why401.Challenge{ch("Bearer", qp("realm", "example"))}},
	{
		`Bearer realm="example", error="invalid_token", error_description="The access token expired"`,
		[]why401.Challenge{ch("Bearer", qp("realm", "example"), qp("error", "invalid_token"), qp("error_description", "The access token expired"))},
	},

	// token68: a base64 blob with "=" padding. Where an element ends
	// after the padding it is a token68, even if it looks like "name=".
	{`Negotiate YIIGabc+/0E==`, []why401.Challenge{ch68("Negotiate", "YIIGabc+/0E==")}},
	{`NTLM TlRMTVNTUAACAAAADAAMADgAAAAFgomi`, []why401.Challenge{ch68("NTLM", "TlRMTVNTUAACAAAADAAMADgAAAAFgomi")}},
	{`Newauth a.b-c_d~e+f/g`, []why401.Challenge{ch68("Newauth", "a.b-c_d~e+f/g")}},
	{`Newauth abc=`, []why401.Challenge{ch68("Newauth", "abc=")}},
	{`Basic realm=, Bearer`, []why401.Challenge{ch68("Basic", "realm="), ch("Bearer")}},
	{`Newauth abc==  , Basic realm="x"`, []why401.Challenge{ch68("Newauth", "abc=="), ch("Basic", qp("realm", "x"))}},
	{`Newauth  realm`, []why401.Challenge{ch68("Newauth", "realm")}},
	// The credentials of RFC 7617 §2 share the grammar.
	{`Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==`, []why401.Challenge{ch68("Basic", "QWxhZGRpbjpvcGVuIHNlc2FtZQ==")}},

	// auth-params: BWS around "=", token values, empty quoted values.
	{`Newauth abc=def`, []why401.Challenge{ch("Newauth", tp("abc", "def"))}},
	{`Newauth a = b , c=  "d"`, []why401.Challenge{ch("Newauth", tp("a", "b"), qp("c", "d"))}},
	{`Basic realm=""`, []why401.Challenge{ch("Basic", qp("realm", ""))}},
	{"Newauth t=!#$%&'*+-.^_`|~09AZaz", []why401.Challenge{ch("Newauth", tp("t", "!#$%&'*+-.^_`|~09AZaz"))}},

	// Several challenges, with and without parameters.
	{`Basic realm="a", Bearer`, []why401.Challenge{ch("Basic", qp("realm", "a")), ch("Bearer")}},
	{`Basic, Bearer`, []why401.Challenge{ch("Basic"), ch("Bearer")}},
	{`Negotiate, NTLM`, []why401.Challenge{ch("Negotiate"), ch("NTLM")}},
	{
		`Basic realm="a", Bearer realm="b", scope="x y", Digest realm="c", nonce="n"`,
		[]why401.Challenge{
			ch("Basic", qp("realm", "a")),
			ch("Bearer", qp("realm", "b"), qp("scope", "x y")),
			ch("Digest", qp("realm", "c"), qp("nonce", "n")),
		},
	},
	// A parameter after a parameter-less challenge is taken as its own
	// (the grammar wants "Bearer ," for that; clients read both so).
	{`Bearer, error="invalid_token"`, []why401.Challenge{ch("Bearer", qp("error", "invalid_token"))}},
	{`Basic ,realm="x"`, []why401.Challenge{ch("Basic", qp("realm", "x"))}},

	// Empty list elements and whitespace (RFC 9110 §5.6.1.2).
	{`, Basic realm="a" ,, , Bearer ,`, []why401.Challenge{ch("Basic", qp("realm", "a")), ch("Bearer")}},
	{"  Basic   realm=\"a\"  \t", []why401.Challenge{ch("Basic", qp("realm", "a"))}},
	{"Basic realm=\"a\"\t,\tBearer", []why401.Challenge{ch("Basic", qp("realm", "a")), ch("Bearer")}},
	{"Basic \t, Bearer", []why401.Challenge{ch("Basic"), ch("Bearer")}},

	// Case: the scheme is kept as written, names are lower-cased.
	{`BASIC REALM="a", Charset="UTF-8"`, []why401.Challenge{ch("BASIC", qp("realm", "a"), qp("charset", "UTF-8"))}},
	{`digest Realm="x", X-Custom-Param=1`, []why401.Challenge{ch("digest", qp("realm", "x"), tp("x-custom-param", "1"))}},

	// quoted-string: quoted-pairs, commas and "=" inside, HTAB and
	// obs-text (here UTF-8) in qdtext.
	{
		`Newauth a="\\", b="\a\ b", c="x, y=z", d="tab	é"`,
		[]why401.Challenge{ch("Newauth", qp("a", `\`), qp("b", "a b"), qp("c", "x, y=z"), qp("d", "tab\té"))},
	},

	// obs-fold: CRLF or a bare LF followed by SP or HTAB, anywhere
	// whitespace may be and inside quoted strings.
	{"Basic\r\n realm=\"x\"", []why401.Challenge{ch("Basic", qp("realm", "x"))}},
	{"Basic\n realm=\"x\",\r\n\tBearer", []why401.Challenge{ch("Basic", qp("realm", "x")), ch("Bearer")}},
	{"Basic realm=\"a\r\n b\"", []why401.Challenge{ch("Basic", qp("realm", "a   b"))}},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): unexpected error %v", tt.in, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) =\n\t%+v\nwant\n\t%+v", tt.in, got, tt.want)
		}
	}
}

var parseLinesTests = []struct {
	in   []string
	want []why401.Challenge
}{
	// One challenge a line, as IIS sends them.
	{
		[]string{"Negotiate", "NTLM", `Basic realm="intranet"`},
		[]why401.Challenge{ch("Negotiate"), ch("NTLM"), ch("Basic", qp("realm", "intranet"))},
	},
	// RFC 7616 §3.9.1 sends its two challenges as two field lines.
	{
		[]string{rfc7616SHA256, rfc7616MD5},
		[]why401.Challenge{rfc7616Challenge("SHA-256"), rfc7616Challenge("MD5")},
	},
}

func TestParseLines(t *testing.T) {
	for _, tt := range parseLinesTests {
		got, err := Parse(tt.in...)
		if err != nil {
			t.Errorf("Parse(%q): unexpected error %v", tt.in, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) =\n\t%+v\nwant\n\t%+v", tt.in, got, tt.want)
		}
	}
}

var parseErrorTests = []struct {
	in   string
	err  string
	want []why401.Challenge // recovered
}{
	// Nothing to parse (RFC 9110 §11.6.1: at least one challenge).
	{``, "challenge: no challenge at byte 0", nil},
	{` , ,`, "challenge: no challenge at byte 0", nil},

	// A list element that is neither a challenge nor a parameter.
	{`realm="x"`, "challenge: auth-param before any auth-scheme at byte 0", nil},
	{`"Basic"`, "challenge: expected auth-scheme at byte 0", nil},
	{
		`Basic realm="a", "junk", charset="UTF-8"`,
		"challenge: expected auth-param or auth-scheme at byte 17",
		[]why401.Challenge{ch("Basic", qp("realm", "a"), qp("charset", "UTF-8"))},
	},

	// After the scheme: one or more SP, then a token68 or auth-params.
	{"Basic\trealm=\"x\"", "challenge: expected space after auth-scheme at byte 5", []why401.Challenge{ch("Basic")}},
	{`Basic"realm"`, "challenge: expected space after auth-scheme at byte 5", []why401.Challenge{ch("Basic")}},
	{`Newauth "x"`, "challenge: expected token68 or auth-param at byte 8", []why401.Challenge{ch("Newauth")}},
	// BWS makes this an auth-param named "newauth", not a challenge: a
	// token68 cannot start with "=".
	{`Newauth ="x"`, "challenge: auth-param before any auth-scheme at byte 0", nil},
	{`Newauth abc def`, "challenge: expected '=' after auth-param name at byte 12", []why401.Challenge{ch("Newauth")}},
	{
		`Negotiate abc==, realm="x", NTLM`,
		"challenge: auth-param after token68 at byte 17",
		[]why401.Challenge{ch68("Negotiate", "abc=="), ch("NTLM")},
	},

	// A missing comma: the rest of the element is dropped.
	{`Basic realm="a" charset="UTF-8"`, "challenge: expected ',' at byte 16", []why401.Challenge{ch("Basic", qp("realm", "a"))}},
	{
		`Basic realm="a", Bearer realm="b"x, Digest realm="c"`,
		"challenge: expected ',' at byte 33",
		[]why401.Challenge{ch("Basic", qp("realm", "a")), ch("Bearer", qp("realm", "b")), ch("Digest", qp("realm", "c"))},
	},
	// A bare CR or LF is not an obs-fold.
	{"Basic realm=\"a\"\r\n", "challenge: expected ',' at byte 15", []why401.Challenge{ch("Basic", qp("realm", "a"))}},
	{"Basic realm=\"a\"\nBearer", "challenge: expected ',' at byte 15", []why401.Challenge{ch("Basic", qp("realm", "a"))}},

	// Parameter values.
	{`Basic charset=UTF-8, realm=`, "challenge: expected token or quoted-string at byte 27", []why401.Challenge{ch("Basic", tp("charset", "UTF-8"))}},
	{
		`Digest nonce=abc/def==, realm="x"`,
		"challenge: invalid character in unquoted value at byte 16",
		[]why401.Challenge{ch("Digest", qp("realm", "x"))},
	},
	{`Basic realm="a, Bearer`, "challenge: unterminated quoted-string at byte 12", []why401.Challenge{ch("Basic")}},
	{`Basic realm="a\"`, "challenge: unterminated quoted-string at byte 12", []why401.Challenge{ch("Basic")}},
	{`Basic realm="a\`, "challenge: unterminated quoted-string at byte 12", []why401.Challenge{ch("Basic")}},
	{
		"Basic realm=\"a\x00b\", charset=\"UTF-8\"",
		"challenge: invalid character in quoted-string at byte 14",
		[]why401.Challenge{ch("Basic", qp("charset", "UTF-8"))},
	},
	{"Basic realm=\"a\\\x7f\"", "challenge: invalid character in quoted-pair at byte 15", []why401.Challenge{ch("Basic")}},

	// A repeated parameter name, in any case (RFC 9110 §11.2): the
	// first is kept.
	{`Basic realm=a, realm=b`, `challenge: repeated auth-param "realm" at byte 15`, []why401.Challenge{ch("Basic", tp("realm", "a"))}},
	{`Basic realm=a, REALM="b"`, `challenge: repeated auth-param "realm" at byte 15`, []why401.Challenge{ch("Basic", tp("realm", "a"))}},

	// Recovery goes on after the first fault, which is the one reported.
	{
		`Basic realm=a, realm=b, Bearer error=x, error=y`,
		`challenge: repeated auth-param "realm" at byte 15`,
		[]why401.Challenge{ch("Basic", tp("realm", "a")), ch("Bearer", tp("error", "x"))},
	},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range parseErrorTests {
		got, err := Parse(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): error %v; want a *SyntaxError", tt.in, err)
			continue
		}
		if err.Error() != tt.err || se.Line != 1 {
			t.Errorf("Parse(%q): error %q on line %d; want %q on line 1", tt.in, err, se.Line, tt.err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) recovered\n\t%+v\nwant\n\t%+v", tt.in, got, tt.want)
		}
	}
}

func TestParseLinesErrors(t *testing.T) {
	tests := []struct {
		in   []string
		line int
		err  string
		want []why401.Challenge
	}{
		// No value at all is not a header with a challenge.
		{nil, 0, "challenge: no challenge at byte 0", nil},
		// An empty line among good ones.
		{[]string{`Basic realm="a"`, ""}, 2, "challenge: no challenge at byte 0", []why401.Challenge{ch("Basic", qp("realm", "a"))}},
		// A bad line does not stop the next.
		{[]string{`"x"`, "Bearer"}, 1, "challenge: expected auth-scheme at byte 0", []why401.Challenge{ch("Bearer")}},
		// Each line is its own list: it cannot add to the last
		// challenge of the line before.
		{[]string{"Basic", `realm="x"`}, 2, "challenge: auth-param before any auth-scheme at byte 0", []why401.Challenge{ch("Basic")}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in...)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): error %v; want a *SyntaxError", tt.in, err)
			continue
		}
		if err.Error() != tt.err || se.Line != tt.line {
			t.Errorf("Parse(%q): error %q on line %d; want %q on line %d", tt.in, err, se.Line, tt.err, tt.line)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) recovered\n\t%+v\nwant\n\t%+v", tt.in, got, tt.want)
		}
	}
}

// quickly fails the test if f takes more than a second: hostile input
// must be refused fast, not merely eventually.
func quickly(t *testing.T, what string, f func()) {
	t.Helper()
	start := time.Now()
	f()
	if d := time.Since(start); d > time.Second {
		t.Errorf("%s took %v; want well under a second", what, d)
	}
}

func TestParseStopsAtMaxChallenges(t *testing.T) {
	oneValue := strings.Repeat("Basic,", 10000)
	manyValues := make([]string, 10000)
	for i := range manyValues {
		manyValues[i] = "Basic"
	}
	tests := []struct {
		name   string
		in     []string
		line   int
		offset int
	}{
		{"10,000 challenges in one value", []string{oneValue}, 1, 64 * len("Basic,")},
		{"10,000 values", manyValues, 65, 0},
	}
	for _, tt := range tests {
		var got []why401.Challenge
		var err error
		quickly(t, tt.name, func() { got, err = Parse(tt.in...) })
		want := &SyntaxError{Line: tt.line, Offset: tt.offset, Msg: "too many challenges"}
		if !reflect.DeepEqual(err, want) {
			t.Errorf("%s: Parse error %#v; want %#v", tt.name, err, want)
		}
		if len(got) != MaxChallenges {
			t.Errorf("%s: Parse returned %d challenges; want the first %d", tt.name, len(got), MaxChallenges)
		}
	}
}

func TestParseRefusesLongValues(t *testing.T) {
	huge := "Basic realm=\"" + strings.Repeat("a", 50<<20) + "\""
	var got []why401.Challenge
	var err error
	quickly(t, "a 50 MB value", func() { got, err = Parse(`Bearer realm="x"`, huge) })
	want := &SyntaxError{Line: 2, Offset: MaxValueBytes, Msg: "value longer than 65536 bytes"}
	if !reflect.DeepEqual(err, want) {
		t.Errorf("Parse(50 MB): error %#v; want %#v", err, want)
	}
	if w := []why401.Challenge{ch("Bearer", qp("realm", "x"))}; !reflect.DeepEqual(got, w) {
		t.Errorf("Parse(50 MB) recovered %+v; want %+v", got, w)
	}
	if len(err.Error()) > 100 {
		t.Errorf("Parse(50 MB): error of %d bytes; want a short one that does not echo the input", len(err.Error()))
	}

	// A value of exactly MaxValueBytes is read.
	realm := strings.Repeat("a", MaxValueBytes-len(`Basic realm=""`))
	got, err = Parse(`Basic realm="` + realm + `"`)
	if w := []why401.Challenge{ch("Basic", qp("realm", realm))}; err != nil || !reflect.DeepEqual(got, w) {
		t.Errorf("Parse(value of MaxValueBytes) = %d challenges, %v; want it parsed", len(got), err)
	}
}

// TestParseHostileValues feeds values at the size limit built to make a
// parser slow: thousands of parameters in one challenge (repeated-name
// checks), long runs of quotes and backslashes.
func TestParseHostileValues(t *testing.T) {
	var b strings.Builder
	b.WriteString("Newauth ")
	n := 0
	for ; b.Len() < MaxValueBytes-20; n++ {
		fmt.Fprintf(&b, "p%d=x, ", n)
	}
	b.WriteString("p0=x")
	params := b.String()

	tests := []struct {
		name string
		in   string
		err  string
	}{
		{"many parameters", params, `challenge: repeated auth-param "p0" at byte ` + fmt.Sprint(len(params)-4)},
		{"quotes", strings.Repeat(`"`, MaxValueBytes), "challenge: expected auth-scheme at byte 0"},
		{"backslashes", `Basic realm="` + strings.Repeat(`\`, MaxValueBytes-13), "challenge: unterminated quoted-string at byte 12"},
		{"commas", strings.Repeat(",", MaxValueBytes), "challenge: no challenge at byte 0"},
		{"token68 padding", "Newauth a" + strings.Repeat("=", MaxValueBytes-10) + "x", "challenge: expected token or quoted-string at byte 10"},
	}
	for _, tt := range tests {
		var got []why401.Challenge
		var err error
		quickly(t, tt.name, func() { got, err = Parse(tt.in) })
		if err == nil || err.Error() != tt.err {
			t.Errorf("%s: Parse error %v; want %s", tt.name, err, tt.err)
		}
		if tt.name == "many parameters" && (len(got) != 1 || len(got[0].Params) != n) {
			t.Errorf("%s: Parse kept %d challenges; want 1 with %d parameters", tt.name, len(got), n)
		}
	}
}

// TestParseResultIsIndependent checks that appending to one challenge's
// parameters does not overwrite the next challenge's, although they share
// one array.
func TestParseResultIsIndependent(t *testing.T) {
	cs, err := Parse(`Basic realm="a", Bearer realm="b"`)
	if err != nil {
		t.Fatal(err)
	}
	cs[0].Params = append(cs[0].Params, tp("extra", "x"))
	if got := cs[1].Params[0]; got != qp("realm", "b") {
		t.Errorf("after append to cs[0].Params, cs[1].Params[0] = %+v; want realm=b", got)
	}
}

func TestSyntaxErrorDoesNotEchoInput(t *testing.T) {
	secret := strings.Repeat("s3cr3t", 1000)
	for _, in := range []string{
		"Basic realm=" + secret + "/",
		"Basic realm=\"" + secret,
		secret + "\x00",
		"Basic " + secret + " x",
		"Basic " + secret + "=1, " + secret + "=2",
	} {
		_, err := Parse(in)
		if err == nil {
			t.Errorf("Parse(%.20q...) = nil error; want one", in)
			continue
		}
		if msg := err.Error(); len(msg) > 100 || strings.Contains(msg, secret[:36]) {
			t.Errorf("Parse(%.20q...) error %q echoes the input", in, msg)
		}
	}
}

func TestFromHeader(t *testing.T) {
	h := make(map[string][]string)
	add := func(k, v string) { h[k] = append(h[k], v) }
	add("Www-Authenticate", `Basic realm="site"`)
	add("Www-Authenticate", "Negotiate")
	add("Proxy-Authenticate", `Basic realm="proxy"`)

	got, err := FromHeader(h, false)
	want := []why401.Challenge{ch("Basic", qp("realm", "site")), ch("Negotiate")}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("FromHeader(h, false) = %+v, %v; want %+v, nil", got, err, want)
	}

	got, err = FromHeader(h, true)
	want = []why401.Challenge{ch("Basic", qp("realm", "proxy"))}
	want[0].Proxy = true
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("FromHeader(h, true) = %+v, %v; want %+v, nil", got, err, want)
	}

	// No field: no challenge and no error; the caller reports
	// challenge.missing.
	if got, err := FromHeader(nil, false); got != nil || err != nil {
		t.Errorf("FromHeader(nil, false) = %+v, %v; want nil, nil", got, err)
	}

	// A bad line: the error, and what could be recovered, marked Proxy.
	h = map[string][]string{"Proxy-Authenticate": {`Basic realm="p"`, `=`}}
	got, err = FromHeader(h, true)
	want = []why401.Challenge{ch("Basic", qp("realm", "p"))}
	want[0].Proxy = true
	if err == nil || err.Error() != "challenge: expected auth-scheme at byte 0" || !reflect.DeepEqual(got, want) {
		t.Errorf("FromHeader(bad line) = %+v, %v; want %+v and an error", got, err, want)
	}
}
