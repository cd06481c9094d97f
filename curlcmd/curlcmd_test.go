package curlcmd

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The escaping the browsers apply when they write "Copy as cURL", ported
// from their documented behaviour, so that any argument can be written and
// split back (DevTools' NetworkLogView generateCurlCommand; Firefox's
// devtools/client/shared/curl.js).

// chromePosix writes an argument as Chrome's "Copy as cURL (bash)" does:
// '…', or $'…' with \uXXXX escapes when it holds a control character, a C1
// control, '!' or a single quote.
func chromePosix(s string) string {
	if !strings.ContainsAny(s, "'!") && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }) {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\'':
			b.WriteString(`\'`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r >= 0x7f && r <= 0x9f || r == '!':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString("'")
	return b.String()
}

// chromeWin writes an argument as Chrome's "Copy as cURL (cmd)" does: \ and
// " escaped for the C runtime, then every character outside a safe set
// escaped with ^ for cmd, % kept from expanding, newlines as ^ and two
// newlines, all inside ^"…^".
func chromeWin(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			strings.ContainsRune(" \t\n\r\f\v_-:=+~'/.,?;()*`", r)) {
			b.WriteRune(r)
			continue
		}
		b.WriteByte('^')
		b.WriteRune(r)
	}
	s = regexp.MustCompile(`%([a-zA-Z0-9_])`).ReplaceAllString(b.String(), "%^$1")
	s = regexp.MustCompile(`\r?\n`).ReplaceAllString(s, "^\n\n")
	return `^"` + s + `^"`
}

// firefoxWin writes an argument as Firefox's "Copy as cURL (Windows)" does
// for cmd: "…" with "" for a quote, "%" for a percent sign, doubled
// backslashes.
func firefoxWin(s string) string {
	s = strings.ReplaceAll(s, `"`, `""`)
	s = strings.ReplaceAll(s, `%`, `"%"`)
	s = strings.ReplaceAll(s, `\`, `\\`)
	return `"` + s + `"`
}

var roundTrip = []string{
	"plain", "", "with space", `"double" 'single'`, `back\slash\`, `\"`, `a\\"b`,
	"new\nline\r\nand\ttab", "bang! and $dollar and `tick`", "50% off %PATH% %41",
	"^caret^ &amp |pipe| <in> (x)", `{"user":"o'brien","pass":"p\"w\\d"}`,
	"café 日本語 😀", "\x01\x7f control", "trailing backslash \\", "[glob]{set}",
}

func TestSplitRoundTripsWhatBrowsersWrite(t *testing.T) {
	dialects := map[string]Dialect{"chrome bash": POSIX, "chrome cmd": Cmd, "firefox cmd": Cmd}
	for name, esc := range map[string]func(string) string{"chrome bash": chromePosix, "chrome cmd": chromeWin, "firefox cmd": firefoxWin} {
		for _, arg := range roundTrip {
			switch {
			case name == "firefox cmd" && strings.ContainsAny(arg, "\\\r\n"):
				continue // Firefox closes the quote around newlines for cmd, and doubles backslashes as Chrome does
			case name == "chrome cmd" && strings.ContainsAny(arg, "\\\r"):
				continue // lossy in Chrome itself: see TestChromeCmdBackslashes
			}
			line := "curl " + esc(arg) + " -H " + esc(arg)
			got, err := SplitAs(line, dialects[name])
			if want := []string{"curl", arg, "-H", arg}; err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: Split(%q) = %q, %v; want %q", name, line, got, err, want)
			}
		}
	}
}

// TestChromeCmdBackslashes: Chrome doubles every backslash for the C
// runtime, which halves only those before a quote; so curl, run from cmd,
// gets the others doubled, and Split gives what curl gets. Chrome also
// writes \r\n as \n.
func TestChromeCmdBackslashes(t *testing.T) {
	got, err := SplitAs(chromeWin(`C:\dir\"x"\`)+" "+chromeWin("a\r\nb"), Cmd)
	if want := []string{`C:\\dir\"x"\`, "a\nb"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

// Real "Copy as cURL" output, as the browsers write it.
const (
	chromeBash = `curl 'https://blog.example.com/wp-json/wp/v2/users/me?context=edit' \
  -H 'accept: application/json, */*;q=0.1' \
  -H 'accept-language: en-US,en;q=0.9' \
  -b 'wordpress_test_cookie=WP%20Cookie%20check; wordpress_logged_in_0f1e2d=admin%7C1714722800%7CkX9pQ2%7C77aa' \
  -H 'priority: u=1, i' \
  -H 'referer: https://blog.example.com/wp-admin/' \
  -H 'sec-ch-ua: "Chromium";v="131", "Not_A Brand";v="24"' \
  -H 'sec-ch-ua-mobile: ?0' \
  -H 'sec-ch-ua-platform: "Linux"' \
  -H 'sec-fetch-dest: empty' \
  -H 'sec-fetch-mode: cors' \
  -H 'sec-fetch-site: same-origin' \
  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' \
  -H 'x-wp-nonce: 3f1e2d4c5b'`

	chromeBashPost = "curl 'https://api.example.com/login' \\\n" +
		"  -H 'content-type: application/json' \\\n" +
		"  -H 'origin: https://app.example.com' \\\n" +
		`  --data-raw $'{"user":"o\'brien","pass":"p\u0021ss\\\\w0rd","note":"caf\u00e9\n"}'`

	chromeCmd = "curl ^\"https://api.example.com/v1/me?x=1^&y=^%^41^\" ^\r\n" +
		"  -H ^\"accept: application/json^\" ^\r\n" +
		"  -H ^\"authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln^\" ^\r\n" +
		"  -b ^\"sid=abc^%^3D^%^3D; theme=dark^\" ^\r\n" +
		"  -H ^\"sec-ch-ua: ^\\^\"Chromium^\\^\";v=^\\^\"131^\\^\"^\" ^\r\n" +
		"  --data-raw ^\"^{^\\^\"q^\\^\":^\\^\"50^% off^\\^\",^\\^\"list^\\^\":^[1,2^]^}^\""

	firefoxBash = `curl 'https://files.example.org/private/' --compressed -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' -H 'Accept-Language: en-US,en;q=0.5' -H 'Accept-Encoding: gzip, deflate, br, zstd' -H 'Connection: keep-alive' -H 'Authorization: Basic YWxpY2U6c2VjcmV0' -H 'Upgrade-Insecure-Requests: 1' -H 'Sec-Fetch-Dest: document' -H 'Sec-Fetch-Mode: navigate' -H 'Sec-Fetch-Site: none' -H 'Priority: u=0, i'`

	firefoxBashPost = `curl 'https://blog.example.com/wp-login.php' -X POST -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' -H 'Content-Type: application/x-www-form-urlencoded' -H 'Origin: https://blog.example.com' -H 'Cookie: wordpress_test_cookie=WP%20Cookie%20check' --data-raw $'log=admin&pwd=caf\xe9&testcookie=1'`

	firefoxCmd = `curl "https://files.example.org/search?q=""x""&p=100"%"" -H "Accept: */*" -H "X-Path: C:\\Users\\me"`
)

func TestSplitRealCommands(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		dialect Dialect
		want    []string // a selection: argument index → value
		at      []int
		n       int
	}{
		{"chrome bash", chromeBash, POSIX,
			[]string{"https://blog.example.com/wp-json/wp/v2/users/me?context=edit", `sec-ch-ua: "Chromium";v="131", "Not_A Brand";v="24"`, "x-wp-nonce: 3f1e2d4c5b"},
			[]int{1, 13, 27}, 28},
		{"chrome bash post", chromeBashPost, POSIX,
			[]string{"--data-raw", `{"user":"o'brien","pass":"p!ss\\w0rd","note":"café` + "\n" + `"}`},
			[]int{6, 7}, 8},
		{"chrome cmd", chromeCmd, Cmd,
			[]string{"https://api.example.com/v1/me?x=1&y=%41", "sid=abc%3D%3D; theme=dark", `sec-ch-ua: "Chromium";v="131"`, `{"q":"50% off","list":[1,2]}`},
			[]int{1, 7, 9, 11}, 12},
		{"firefox bash", firefoxBash, POSIX,
			[]string{"--compressed", "Authorization: Basic YWxpY2U6c2VjcmV0", "Priority: u=0, i"},
			[]int{2, 14, 24}, 25},
		{"firefox bash post: \\xe9 is the byte 0xe9, as bash makes it", firefoxBashPost, POSIX,
			[]string{"log=admin&pwd=caf\xe9&testcookie=1"}, []int{13}, 14},
		{"firefox cmd", firefoxCmd, Cmd,
			[]string{`https://files.example.org/search?q="x"&p=100%`, `X-Path: C:\\Users\\me`}, []int{1, 5}, 6},
	}
	for _, tt := range tests {
		if d := Detect(tt.in); d != tt.dialect {
			t.Errorf("%s: Detect = %v; want %v", tt.name, d, tt.dialect)
		}
		got, err := Split(tt.in)
		if err != nil {
			t.Errorf("%s: Split error %v", tt.name, err)
			continue
		}
		if len(got) != tt.n {
			t.Errorf("%s: %d arguments; want %d: %q", tt.name, len(got), tt.n, got)
			continue
		}
		for k, i := range tt.at {
			if got[i] != tt.want[k] {
				t.Errorf("%s: argument %d = %q; want %q", tt.name, i, got[i], tt.want[k])
			}
		}
	}
}

func TestSplitPOSIX(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`curl  a   b`, []string{"curl", "a", "b"}},
		{`a\ b c\\d`, []string{"a b", `c\d`}},
		{"a \\\n b", []string{"a", "b"}},
		{"a \\\r\n b", []string{"a", "b"}},
		{`'' ""`, []string{"", ""}},
		{`'a'"b"c`, []string{"abc"}},
		{`"a\"b\\c\$d\x"`, []string{`a"b\c$d\x`}},
		{`$'\x41\101\u00e9\U0001F600\t\cA\z'`, []string{"AAé😀\t\x01\\z"}},
		{`$"translated"`, []string{"translated"}},
		{`price='$5' "$" a$`, []string{"price=$5", "$", "a$"}},
		{"a # a comment\nb", []string{"a", "b"}},
		{`a#b`, []string{"a#b"}},
		{`~/x *.json`, []string{"~/x", "*.json"}},
	}
	for _, tt := range tests {
		got, err := SplitAs(tt.in, POSIX)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitAs(%q, POSIX) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestSplitCmd(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`curl "a b" c`, []string{"curl", "a b", "c"}},
		{`"a\"b" "c\\\"d" e\\f "g\\"`, []string{`a"b`, `c\"d`, `e\\f`, `g\`}},
		{`"a""b" ""`, []string{`a"b`, ""}},
		{`a^&b ^"c d^"`, []string{"a&b", "c d"}},
		{`"x^y"`, []string{"x^y"}}, // inside cmd's quotes a caret is literal
		{"a ^\n b", []string{"a", "b"}},
		{"^\"line1^\n\nline2^\"", []string{"line1\nline2"}},
	}
	for _, tt := range tests {
		got, err := SplitAs(tt.in, Cmd)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitAs(%q, Cmd) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestSplitErrorsNeverEchoTheCommand(t *testing.T) {
	tests := []struct {
		in      string
		d       Dialect
		wantErr string
	}{
		{`curl -u 'alice:s3cret-password`, POSIX, "curlcmd: unbalanced quote: this ' is never closed at byte 8"},
		{`curl -H "Authorization: Bearer s3cret-token`, POSIX, `curlcmd: unbalanced quote: this " is never closed at byte 8`},
		{`curl --data $'s3cret-data`, POSIX, "curlcmd: unbalanced quote: this $' is never closed at byte 12"},
		{`curl s3cret-url \`, POSIX, `curlcmd: the command ends with '\' (a line continuation with nothing after it) at byte 16`},
		{`curl -H "X: $S3CRET_TOKEN"`, POSIX, "curlcmd: shell variable $S3CRET_TOKEN is not expanded; put its value in the command at byte 12"},
		{`curl $(cat s3cret)`, POSIX, "curlcmd: command substitution ($(…)) is not run; put its output in the command at byte 5"},
		{"curl `cat s3cret`", POSIX, "curlcmd: command substitution (`…`) is not run; put its output in the command at byte 5"},
		{`curl https://h/?a=1&s3cret=2`, POSIX, "curlcmd: shell operator '&': paste only the curl command, or quote the argument at byte 19"},
		{`curl x | jq .`, POSIX, "curlcmd: shell operator '|': paste only the curl command, or quote the argument at byte 7"},
		{`curl ^"https://h/?s3cret=1`, Cmd, `curlcmd: unbalanced quote: this " is never closed at byte 6`},
		{`curl https://h/?a=1&s3cret=2`, Cmd, "curlcmd: cmd operator '&': escape it as ^& or quote the argument at byte 19"},
		{`curl s3cret ^`, Cmd, "curlcmd: the command ends with '^' (a line continuation with nothing after it) at byte 12"},
	}
	for _, tt := range tests {
		_, err := SplitAs(tt.in, tt.d)
		var se *SyntaxError
		if !errors.As(err, &se) || err.Error() != tt.wantErr {
			t.Errorf("SplitAs(%q) error\n got: %v\nwant: %s", tt.in, err, tt.wantErr)
		}
		if err != nil && strings.Contains(strings.ToLower(err.Error()), "s3cret") && !strings.Contains(tt.wantErr, "S3CRET") {
			t.Errorf("the error echoes the command: %v", err)
		}
	}
}

func parse(t *testing.T, line string) *Result {
	t.Helper()
	args, err := Split(line)
	if err != nil {
		t.Fatalf("Split: %v", err)
	}
	r, err := Parse(args)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return r
}

func TestParseChromeBash(t *testing.T) {
	r := parse(t, chromeBash)
	in := r.Input
	if in.Method != "GET" || in.URL != "https://blog.example.com/wp-json/wp/v2/users/me?context=edit" || in.Source != "curl" {
		t.Errorf("Input = %s %s %s", in.Method, in.URL, in.Source)
	}
	if got := in.Creds.Cookie.Reveal(); !strings.HasPrefix(got, "wordpress_test_cookie=") || !strings.Contains(got, "; wordpress_logged_in_0f1e2d=") {
		t.Errorf("Creds.Cookie = %q", got)
	}
	if in.Header.Get("X-Wp-Nonce") != "3f1e2d4c5b" || in.Header.Get("Sec-Ch-Ua-Platform") != `"Linux"` || in.Header.Get("Cookie") != "" {
		t.Errorf("Header = %v", in.Header)
	}
	if len(r.Warnings) != 0 || in.Creds.Any() {
		t.Errorf("Warnings %q, credentials %v", r.Warnings, in.Creds.Any())
	}
}

func TestParseChromeCmd(t *testing.T) {
	r := parse(t, chromeCmd)
	in := r.Input
	if in.Method != "POST" || in.URL != "https://api.example.com/v1/me?x=1&y=%41" {
		t.Errorf("Input = %s %s", in.Method, in.URL)
	}
	if in.Creds.Bearer.Reveal() != "eyJhbGciOiJIUzI1NiJ9.e30.c2ln" || !in.Creds.Authorization.IsZero() {
		t.Error("the Bearer token must go to Creds.Bearer")
	}
	if in.Body.Reveal() != `{"q":"50% off","list":[1,2]}` || in.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("body %q, type %q", in.Body.Reveal(), in.Header.Get("Content-Type"))
	}
	if in.Creds.Cookie.Reveal() != "sid=abc%3D%3D; theme=dark" {
		t.Errorf("cookie %q", in.Creds.Cookie.Reveal())
	}
}

func TestParseFirefox(t *testing.T) {
	r := parse(t, firefoxBash)
	if !r.Compressed || r.Input.Creds.Authorization.Reveal() != "Basic YWxpY2U6c2VjcmV0" || r.Input.Header.Get("Authorization") != "" {
		t.Errorf("compressed %v, Authorization %q", r.Compressed, r.Input.Header.Get("Authorization"))
	}
	r = parse(t, firefoxBashPost)
	if r.Input.Method != "POST" || r.Input.Creds.Cookie.Reveal() != "wordpress_test_cookie=WP%20Cookie%20check" {
		t.Errorf("Input = %s, cookie %q", r.Input.Method, r.Input.Creds.Cookie.Reveal())
	}
	if r.Input.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", r.Input.Header.Get("Content-Type"))
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		args string // POSIX command line
		// what to check
		method, url, body string
		header            http.Header
		warnings          []string
		check             func(*Result) string
	}{
		{name: "url only, default scheme", args: "curl example.com/a", method: "GET", url: "http://example.com/a"},
		{name: "--url and -X", args: "curl --url https://h/ -X DELETE", method: "DELETE", url: "https://h/"},
		{name: "short cluster and attached value", args: "curl -sSLkXPUT https://h/ -m2.5",
			method: "PUT", url: "https://h/", check: func(r *Result) string {
				if !r.FollowRedirects || !r.Insecure || r.MaxTime != 2500*time.Millisecond {
					return fmt.Sprintf("follow %v, insecure %v, max-time %v", r.FollowRedirects, r.Insecure, r.MaxTime)
				}
				return ""
			}},
		{name: "-d joins with & and means POST", args: "curl https://h/ -d a=1 --data b=2 --data-binary @body.bin --data-raw @c=3",
			method: "POST", url: "https://h/", body: "a=1&b=2&@c=3",
			warnings: []string{"the data file of @file is not read: the request is sent without it"},
			check: func(r *Result) string {
				if fmt.Sprint(r.DataFiles) != "[body.bin]" {
					return fmt.Sprint(r.DataFiles)
				}
				return ""
			}},
		{name: "--data-urlencode forms", args: "curl https://h/ --data-urlencode 'a b' --data-urlencode =c/d --data-urlencode 'n=é&x'",
			method: "POST", url: "https://h/", body: "a%20b&c%2Fd&n=%C3%A9%26x"},
		{name: "-G moves data into the query", args: "curl -G https://h/p?x=1 -d a=1 -d b=2", method: "GET", url: "https://h/p?x=1&a=1&b=2"},
		{name: "-I is HEAD", args: "curl -I https://h/", method: "HEAD", url: "https://h/"},
		{name: "--json", args: `curl --json '{"a":1}' https://h/`, method: "POST", body: `{"a":1}`,
			header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}},
		{name: "explicit Content-Type wins", args: "curl -H 'Content-Type: text/plain' -d x https://h/", method: "POST", body: "x",
			header: http.Header{"Content-Type": {"text/plain"}}},
		{name: "-u user:pass", args: "curl -u 'alice:p:w' https://h/", method: "GET", check: func(r *Result) string {
			c := r.Input.Creds
			if !c.HasUser || c.User != "alice" || c.Password.Reveal() != "p:w" {
				return fmt.Sprintf("%q %q %v", c.User, c.Password.Reveal(), c.HasUser)
			}
			return ""
		}},
		{name: "--oauth2-bearer and --basic --digest", args: "curl --oauth2-bearer tok --basic --digest https://h/", check: func(r *Result) string {
			if r.Input.Creds.Bearer.Reveal() != "tok" || !r.Input.Creds.Basic || r.AuthMethod != "digest" {
				return fmt.Sprintf("bearer %q basic %v method %q", r.Input.Creds.Bearer.Reveal(), r.Input.Creds.Basic, r.AuthMethod)
			}
			return ""
		}},
		{name: "Authorization with another scheme is kept verbatim", args: "curl -H 'authorization: Digest username=\"a\"' https://h/", check: func(r *Result) string {
			if r.Input.Creds.Authorization.Reveal() != `Digest username="a"` || r.Input.Header.Get("Authorization") != "" {
				return "Authorization not in Creds"
			}
			return ""
		}},
		{name: "-b string and -b file, Cookie header", args: "curl -b 'a=1' -b cookies.txt -H 'Cookie: b=2' https://h/", check: func(r *Result) string {
			if r.Input.Creds.Cookie.Reveal() != "a=1; b=2" || fmt.Sprint(r.CookieFiles) != "[cookies.txt]" {
				return fmt.Sprintf("%q %v", r.Input.Creds.Cookie.Reveal(), r.CookieFiles)
			}
			if got := fmt.Sprintf("%+v", r.Input.Cookies); !strings.Contains(got, "Name:a ") || !strings.Contains(got, "Source:-b Sent:true") ||
				!strings.Contains(got, "Name:b ") || !strings.Contains(got, "Source:-H Cookie Sent:true") || len(r.Input.Cookies) != 2 {
				return "Input.Cookies = " + got
			}
			return ""
		}},
		{name: "-A -e and header forms", args: "curl -A ua/1 -e 'https://r/;auto' -H 'X-Empty;' -H 'User-Agent:' -H 'X-A:  two  ' https://h/",
			header: http.Header{"Referer": {"https://r/"}, "X-Empty": {""}, "X-A": {"two  "}},
			check: func(r *Result) string {
				if r.Input.Header.Get("User-Agent") != "" || fmt.Sprint(r.RemovedHeaders) != "[User-Agent]" {
					return fmt.Sprintf("UA %q removed %v", r.Input.Header.Get("User-Agent"), r.RemovedHeaders)
				}
				return ""
			}},
		{name: "redirects, resolve, versions", args: "curl --location-trusted --max-redirs 3 --resolve h:443:127.0.0.1 --http1.1 --connect-timeout 1 https://h/",
			check: func(r *Result) string {
				if !r.FollowRedirects || !r.LocationTrusted || r.MaxRedirs != 3 || fmt.Sprint(r.Resolve) != "[h:443:127.0.0.1]" ||
					r.HTTPVersion != "1.1" || r.ConnectTimeout != time.Second {
					return fmt.Sprintf("%+v", r)
				}
				return ""
			}},
		{name: "--no-location undoes -L", args: "curl -L --no-location https://h/", check: func(r *Result) string {
			if r.FollowRedirects || r.MaxRedirs != -1 {
				return "follow"
			}
			return ""
		}},
		{name: "curl glob escapes from Chrome", args: `curl 'https://h/a?x\[0\]=\{1\}'`, url: "https://h/a?x[0]={1}"},
		{name: "--url-query", args: "curl https://h/?a=1 --url-query 'b=x y' --url-query +c=%41", url: "https://h/?a=1&b=x%20y&c=%41"},
		{name: "quiet options take their arguments", args: "curl -o /dev/null -w '%{http_code}' -s -D - https://h/ --retry 3", url: "https://h/"},
		{name: "unknown options are named", args: "curl --frobnicate -7 https://h/",
			warnings: []string{"ignored unknown curl option --frobnicate", "ignored unknown curl option -7"}},
		{name: "--flag=value is not curl's, read anyway", args: "curl --max-time=5 --oauth2-bearer=tok https://h/",
			warnings: []string{"curl does not accept --max-time=…; write --max-time VALUE (read here as that)",
				"curl does not accept --oauth2-bearer=…; write --oauth2-bearer VALUE (read here as that)"},
			check: func(r *Result) string {
				if r.MaxTime != 5*time.Second || r.Input.Creds.Bearer.Reveal() != "tok" {
					return "not read"
				}
				return ""
			}},
		{name: "ignored options that change the request warn", args: "curl -E cert.pem -r 0-10 https://h/",
			warnings: []string{"ignored curl option -E: client certificates are not sent", "ignored curl option -r: the Range is not sent"}},
		{name: "more URLs", args: "curl https://a/ https://b/ https://c/", url: "https://a/",
			warnings: []string{"only the first URL is diagnosed"},
			check: func(r *Result) string {
				if r.MoreURLs != 2 {
					return fmt.Sprint(r.MoreURLs)
				}
				return ""
			}},
		{name: "-F and -T", args: "curl -F a=b https://h/", method: "POST",
			warnings: []string{"multipart form data (-F) is not reproduced: the request is sent without its body"}},
		{name: "curl.exe and a path", args: `/usr/bin/curl https://h/`, url: "https://h/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parse(t, tt.args)
			in := r.Input
			if tt.method != "" && in.Method != tt.method {
				t.Errorf("method %q; want %q", in.Method, tt.method)
			}
			if tt.url != "" && in.URL != tt.url {
				t.Errorf("URL %q; want %q", in.URL, tt.url)
			}
			if tt.body != "" && in.Body.Reveal() != tt.body {
				t.Errorf("body %q; want %q", in.Body.Reveal(), tt.body)
			}
			for k, v := range tt.header {
				if got := in.Header[k]; !reflect.DeepEqual(got, v) {
					t.Errorf("header %s = %q; want %q", k, got, v)
				}
			}
			if tt.warnings != nil && !reflect.DeepEqual(r.Warnings, tt.warnings) {
				t.Errorf("warnings %q; want %q", r.Warnings, tt.warnings)
			}
			if tt.warnings == nil && len(r.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", r.Warnings)
			}
			if tt.check != nil {
				if msg := tt.check(r); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
}

func TestParseErrorsNameTheOptionNotTheValue(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"curl", "-u", "alice-s3cret", "https://h/"}, "curlcmd: -u: needs user:password (without a colon curl would prompt for the password)"},
		{[]string{"curl", "--user", "alice-s3cret", "https://h/"}, "curlcmd: -u: needs user:password (without a colon curl would prompt for the password)"},
		{[]string{"curl", "-H"}, "curlcmd: -H: needs an argument"},
		{[]string{"curl", "https://h/", "--oauth2-bearer"}, "curlcmd: --oauth2-bearer: needs an argument"},
		{[]string{"curl", "-H", "s3cret-no-colon", "https://h/"}, "curlcmd: -H: a header needs a name and a colon (Name: value)"},
		{[]string{"curl", "-m", "s3cret"}, "curlcmd: --max-time: needs a number of seconds"},
		{[]string{"curl", "-I", "-d", "s3cret", "https://h/"}, "curlcmd: -I: cannot be combined with data (-d): curl allows one request method"},
		{[]string{"curl", "-s"}, "curlcmd: no URL in the command"},
		{[]string{"curl", "https://h/ s3cret\x7f:x"}, "curlcmd: the URL does not parse"},
		{[]string{"curl", "--resolve", "s3cret", "https://h/"}, "curlcmd: --resolve: needs host:port:address"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.args)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error\n got: %v\nwant: %s", tt.args, err, tt.want)
		}
	}
}

func TestParseNeverPrintsASecret(t *testing.T) {
	r := parse(t, `curl -u 'alice:pw-s3cret' --oauth2-bearer tok-s3cret -H 'Authorization: Basic s3cret' -b 'sid=s3cret' -d 'pass=s3cret' -U 'p:s3cret' --frobnicate=s3cret https://h/`)
	out := fmt.Sprintf("%v %+v %v %+v %v", r.Warnings, r.Input.Creds, r.Input.Body, r.ProxyUser, r.Input.Target())
	if strings.Contains(out, "s3cret") {
		t.Errorf("a secret is printed: %s", out)
	}
}
