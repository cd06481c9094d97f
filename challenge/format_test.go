package challenge

import (
	"reflect"
	"testing"

	"github.com/why401/why401"
)

func TestString(t *testing.T) {
	tests := []struct {
		in   why401.Challenge
		want string
	}{
		// A parameter-less challenge is its scheme.
		{ch("Basic"), "Basic"},
		{ch68("Negotiate", "YIIGabc+/0E=="), "Negotiate YIIGabc+/0E=="},
		// Quoted stays quoted; a token stays a token.
		{ch("Basic", qp("realm", "x")), `Basic realm="x"`},
		{ch("Digest", tp("algorithm", "SHA-256"), tp("stale", "true")), "Digest algorithm=SHA-256, stale=true"},
		// A value that is not a token is quoted, whatever Quoted says,
		// with a backslash before `"` and `\` (RFC 9110 §5.6.4).
		{ch("Newauth", tp("a", "x y"), tp("b", ""), tp("c", "a=b")), `Newauth a="x y", b="", c="a=b"`},
		{ch("Newauth", qp("title", `Login to "apps" \ here`)), `Newauth title="Login to \"apps\" \\ here"`},
		// RFC 9110 §11.6.1, written back exactly.
		{
			ch("Newauth", qp("realm", "apps"), tp("type", "1"), qp("title", `Login to "apps"`)),
			`Newauth realm="apps", type=1, title="Login to \"apps\""`,
		},
		// Something Parse cannot return is written as it is.
		{why401.Challenge{Scheme: "X", Token68: "t", HasToken68: true, Params: []why401.Param{tp("a", "b")}}, "X t, a=b"},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%+v) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		in   []why401.Challenge
		want string
	}{
		{nil, ""},
		{[]why401.Challenge{ch("Basic", qp("realm", "a")), ch("Bearer")}, `Basic realm="a", Bearer`},
		{[]why401.Challenge{ch68("Newauth", "abc=="), ch("Basic")}, "Newauth abc==, Basic"},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.want {
			t.Errorf("Format(%+v) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestRoundTrip checks Parse(Format(cs)) == cs for every result of the
// tables, including what Parse recovered from bad input.
func TestRoundTrip(t *testing.T) {
	var ins [][]string
	for _, tt := range parseTests {
		ins = append(ins, []string{tt.in})
	}
	for _, tt := range parseLinesTests {
		ins = append(ins, tt.in)
	}
	for _, tt := range parseErrorTests {
		ins = append(ins, []string{tt.in})
	}
	for _, in := range ins {
		cs, _ := Parse(in...)
		if len(cs) == 0 {
			continue
		}
		text := Format(cs)
		got, err := Parse(text)
		if err != nil || !reflect.DeepEqual(got, cs) {
			t.Errorf("Parse(Format(Parse(%q))) = Parse(%q) =\n\t%+v, %v\nwant\n\t%+v, nil", in, text, got, err, cs)
		}
		for _, c := range cs {
			got, err := Parse(String(c))
			if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], c) {
				t.Errorf("Parse(String(%+v)) = %+v, %v; want it back", c, got, err)
			}
		}
	}
}
