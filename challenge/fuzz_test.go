package challenge

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks, for any value: Parse does not panic; an error is a
// short *SyntaxError pointing into the value; the result respects the
// limits and the normal form (lower-case parameter names, tokens where
// tokens belong); an error-free result is not empty; and whatever Parse
// returns, with or without an error, round-trips: Parse(Format(cs))
// deep-equals cs, without error.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	for _, tt := range parseErrorTests {
		f.Add(tt.in)
	}
	for _, tt := range parseLinesTests {
		for _, v := range tt.in {
			f.Add(v)
		}
	}
	f.Add(benchDigest)
	f.Add(benchBasicBearer)
	f.Fuzz(func(t *testing.T, in string) {
		cs, err := Parse(in)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): error %T %v; want a *SyntaxError", in, err, err)
			}
			if se.Line != 1 || se.Offset < 0 || se.Offset > len(in) || len(se.Error()) > 100 {
				t.Fatalf("Parse(%q): error %#v out of range or too long", in, se)
			}
		} else if len(cs) == 0 {
			t.Fatalf("Parse(%q) = no challenge and no error", in)
		}
		if len(cs) > MaxChallenges {
			t.Fatalf("Parse(%q) = %d challenges; want at most %d", in, len(cs), MaxChallenges)
		}
		for _, c := range cs {
			if !isToken(c.Scheme) || c.HasToken68 && len(c.Params) > 0 {
				t.Fatalf("Parse(%q) returned a malformed challenge %+v", in, c)
			}
			for _, p := range c.Params {
				if !isToken(p.Name) || lower(p.Name) != p.Name {
					t.Fatalf("Parse(%q) returned parameter name %q; want a lower-case token", in, p.Name)
				}
			}
			_ = Explain(c)
		}
		if len(cs) == 0 {
			return
		}
		text := Format(cs)
		got, err := Parse(text)
		if err != nil || !reflect.DeepEqual(got, cs) {
			t.Fatalf("Parse(%q) =\n\t%+v\nParse(Format(…)) = Parse(%q) =\n\t%+v, %v", in, cs, text, got, err)
		}
	})
}
