package curlcmd

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzSplit(f *testing.F) {
	for _, s := range []string{chromeBash, chromeBashPost, chromeCmd, firefoxBash, firefoxBashPost, firefoxCmd,
		`a 'b' "c" $'d\x41' e\ f`, `^"a^" "b""c"`, `"unclosed`, "a \\\n b", "$HOME", "a|b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range []Dialect{Auto, POSIX, Cmd} {
			_, err := SplitAs(s, d)
			var se *SyntaxError
			if err != nil && (!errors.As(err, &se) || se.Offset < 0 || se.Offset > len(s)) {
				t.Fatalf("SplitAs(%q, %v) error %v", s, d, err)
			}
		}
		if !utf8.ValidString(s) {
			return
		}
		// What Chrome writes for bash splits back to the argument.
		if got, err := SplitAs("curl "+chromePosix(s), POSIX); err != nil || !reflect.DeepEqual(got, []string{"curl", s}) {
			t.Fatalf("bash round trip of %q: %q, %v", s, got, err)
		}
		// And for cmd, where Chrome's escaping is lossless (no backslash, no CR).
		if !strings.ContainsAny(s, "\\\r") {
			if got, err := SplitAs("curl "+chromeWin(s), Cmd); err != nil || !reflect.DeepEqual(got, []string{"curl", s}) {
				t.Fatalf("cmd round trip of %q: %q, %v", s, got, err)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{chromeBash, chromeCmd, firefoxBashPost, "curl -sSLu a:b -XPOST -d@f --json x h/",
		"curl --max-time=1 -G -d a h --url-query +b", "curl -I -d x h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args, err := Split(s)
		if err != nil {
			return
		}
		r, err := Parse(args)
		if err != nil {
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("Parse error %T %v", err, err)
			}
			return
		}
		if r.Input == nil || r.Input.Method == "" || r.Input.URL == "" {
			t.Fatalf("Parse(%q) = %+v", args, r.Input)
		}
	})
}
