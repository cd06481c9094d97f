package challenge

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/why401/why401"
)

// Typical values: a Digest challenge (RFC 7616 §3.9.1 with another realm)
// and a Basic and a Bearer challenge in one field.
const (
	benchDigest      = `Digest realm="api@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`
	benchBasicBearer = `Basic realm="api", charset="UTF-8", Bearer realm="api", error="invalid_token", error_description="The access token expired"`
	benchRFC9110     = `Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`
)

var benchValues = []struct{ name, in string }{
	{"digest", benchDigest},
	{"basic+bearer", benchBasicBearer},
	{"rfc9110-escaped", benchRFC9110},
}

// The regexp baseline: the same grammar written the straightforward way,
// one regular expression per production. It exists only to measure Parse
// against; it is lenient where Parse is exact and reports no positions.
const tcharRE = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]"

var (
	reSeparators = regexp.MustCompile(`^[ \t,]*`)
	reScheme     = regexp.MustCompile(`^` + tcharRE + `+`)
	reToken68    = regexp.MustCompile(`^ +([A-Za-z0-9\-._~+/]+=*)[ \t]*(?:,|$)`)
	reParam      = regexp.MustCompile(`^[ \t,]*(` + tcharRE + `+)[ \t]*=[ \t]*(?:(` + tcharRE + `+)|"((?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[^\x00-\x08\x0a-\x1f\x7f])*)")[ \t]*(?:,|$)`)
	reQuotedPair = regexp.MustCompile(`\\(.)`)
)

// regexpParse parses one value with the regular expressions above.
func regexpParse(s string) ([]why401.Challenge, error) {
	var cs []why401.Challenge
	for {
		s = s[len(reSeparators.FindString(s)):]
		if s == "" {
			break
		}
		scheme := reScheme.FindString(s)
		if scheme == "" {
			return cs, errors.New("regexp: expected auth-scheme")
		}
		s = s[len(scheme):]
		known, _ := Lookup(scheme)
		c := why401.Challenge{Scheme: scheme, Registered: known.Registered}
		if m := reToken68.FindStringSubmatch(s); m != nil {
			c.Token68, c.HasToken68 = m[1], true
			s = s[len(m[0]):]
		}
		for !c.HasToken68 {
			m := reParam.FindStringSubmatchIndex(s)
			if m == nil {
				break
			}
			p := why401.Param{Name: strings.ToLower(s[m[2]:m[3]])}
			if m[4] >= 0 {
				p.Value = s[m[4]:m[5]]
			} else {
				p.Value, p.Quoted = reQuotedPair.ReplaceAllString(s[m[6]:m[7]], "$1"), true
			}
			c.Params = append(c.Params, p)
			s = s[m[1]:]
		}
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		return nil, errors.New("regexp: no challenge")
	}
	return cs, nil
}

// TestRegexpBaselineAgrees checks that the baseline parses the benchmark
// values and the RFC examples as Parse does, so that the benchmarks
// compare the same work.
func TestRegexpBaselineAgrees(t *testing.T) {
	ins := []string{rfc7616SHA256, rfc7616MD5, `Basic realm="WallyWorld"`, `Negotiate YIIGabc+/0E==`}
	for _, v := range benchValues {
		ins = append(ins, v.in)
	}
	for _, in := range ins {
		want, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := regexpParse(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("regexpParse(%q) =\n\t%+v, %v\nwant\n\t%+v", in, got, err, want)
		}
	}
}

// TestParseAllocations holds Parse to its target: on a typical value,
// nothing beyond the result, that is one block holding the challenges and
// their parameters (plus a string per unescaped quoted-string).
func TestParseAllocations(t *testing.T) {
	for _, v := range benchValues {
		want := 1.0
		if v.name == "rfc9110-escaped" {
			want = 2 // the unescaped title
		}
		if got := testing.AllocsPerRun(100, func() { _, _ = Parse(v.in) }); got != want {
			t.Errorf("Parse(%s) does %v allocations; want %v", v.name, got, want)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	benchmarkParser(b, func(v string) ([]why401.Challenge, error) { return Parse(v) })
}

func BenchmarkRegexpParse(b *testing.B) { benchmarkParser(b, regexpParse) }

// benchmarkParser runs parse on each typical value. Besides ns/op it
// reports cpu-ns/op, the process CPU time per call (GC included), which
// other processes on a shared machine do not inflate.
func benchmarkParser(b *testing.B, parse func(string) ([]why401.Challenge, error)) {
	for _, v := range benchValues {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(v.in)))
			start := cpuTime()
			for b.Loop() {
				if _, err := parse(v.in); err != nil {
					b.Fatal(err)
				}
			}
			if d := cpuTime() - start; d > 0 {
				b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

func BenchmarkFormat(b *testing.B) {
	cs, err := Parse(benchDigest)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Format(cs)
	}
}
