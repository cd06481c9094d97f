package curlcmd

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/why401/why401"
	"github.com/why401/why401/internal/redact"
)

// Result is a curl command understood: the request as a why401.Input, the
// options that shape how it is sent, and warnings for what was not taken
// into account.
type Result struct {
	Input *why401.Input
	// Warnings name options that were ignored or not fully reproduced
	// ("ignored curl option --foo"). They never hold a value.
	Warnings []string

	Insecure        bool          // -k
	Compressed      bool          // --compressed
	MaxTime         time.Duration // -m, 0 if not given
	ConnectTimeout  time.Duration // --connect-timeout, 0 if not given
	Resolve         []string      // --resolve host:port:addr[,addr…], as given
	MaxRedirs       int           // --max-redirs, -1 if not given
	FollowRedirects bool          // -L or --location-trusted
	LocationTrusted bool          // --location-trusted: curl sends credentials to every host
	Head            bool          // -I
	Get             bool          // -G: the data went into the query
	HTTPVersion     string        // "1.0", "1.1", "2", "2-prior-knowledge", "3", "3-only"; "" for curl's default
	// AuthMethod is the scheme curl was told to use with -u: "basic",
	// "digest", "ntlm", "negotiate", "anyauth", "aws-sigv4"; "" when not
	// given (curl then sends Basic).
	AuthMethod string
	Proxy      string        // -x, as given
	ProxyUser  redact.Secret // -U user:password
	// CookieFiles are the files given to -b (a -b value without '=' is a
	// file name); they are not read here.
	CookieFiles []string
	// DataFiles are the files given as @file to -d, --data-binary,
	// --data-urlencode or --json; they are not read here, so the body
	// lacks them.
	DataFiles []string
	// RemovedHeaders are the headers given as "Name:" (no value), which
	// tells curl not to send a header it would add (User-Agent, Accept).
	RemovedHeaders []string
	// MoreURLs counts the URLs after the first, which are not diagnosed.
	MoreURLs int
}

// UsageError is a curl command that cannot be understood: it names the
// option, never its value.
type UsageError struct {
	Option string
	Msg    string
}

func (e *UsageError) Error() string {
	if e.Option == "" {
		return "curlcmd: " + e.Msg
	}
	return "curlcmd: " + e.Option + ": " + e.Msg
}

// argKind says whether an option takes an argument.
type argKind int

const (
	noArg argKind = iota
	withArg
)

// option is one curl option: how it is spelled, whether it takes an
// argument, and what it does. A nil set means it is known and ignored
// (quiet: it does not change the request); warn says why it is ignored when
// that changes what is sent.
type option struct {
	long  string
	short byte
	arg   argKind
	set   func(p *parser, v string) error
	warn  string
	bool  bool // a boolean that --no-… turns off
}

// options are curl's options (curl(1), 8.x). Those that shape the request
// are understood; the others are known, so that their arguments are not
// taken for URLs, and ignored, with a warning when they would change what
// is sent.
var options = []option{
	// The request.
	{long: "url", arg: withArg, set: (*parser).url},
	{long: "request", short: 'X', arg: withArg, set: func(p *parser, v string) error { p.method = v; return nil }},
	{long: "header", short: 'H', arg: withArg, set: (*parser).header},
	{long: "user-agent", short: 'A', arg: withArg, set: func(p *parser, v string) error { p.hdr.Set("User-Agent", v); return nil }},
	{long: "referer", short: 'e', arg: withArg, set: func(p *parser, v string) error {
		// "URL;auto" also sets the Referer on redirects; "auto" alone only does that.
		if v = strings.TrimSuffix(v, ";auto"); v != "" && v != "auto" {
			p.hdr.Set("Referer", v)
		}
		return nil
	}},
	{long: "cookie", short: 'b', arg: withArg, set: (*parser).cookie},
	{long: "data", short: 'd', arg: withArg, set: func(p *parser, v string) error { return p.addData(v, true) }},
	{long: "data-ascii", arg: withArg, set: func(p *parser, v string) error { return p.addData(v, true) }},
	{long: "data-binary", arg: withArg, set: func(p *parser, v string) error { return p.addData(v, true) }},
	{long: "data-raw", arg: withArg, set: func(p *parser, v string) error { return p.addData(v, false) }},
	{long: "data-urlencode", arg: withArg, set: (*parser).dataURLEncode},
	{long: "json", arg: withArg, set: (*parser).addJSON},
	{long: "url-query", arg: withArg, set: (*parser).urlQuery},
	{long: "get", short: 'G', set: func(p *parser, _ string) error { p.res.Get = true; return nil }, bool: true},
	{long: "head", short: 'I', set: func(p *parser, _ string) error { p.res.Head = true; return nil }, bool: true},
	{long: "form", short: 'F', arg: withArg, set: (*parser).addForm},
	{long: "form-string", arg: withArg, set: (*parser).addForm},
	{long: "upload-file", short: 'T', arg: withArg, set: func(p *parser, v string) error {
		p.upload = true
		p.res.DataFiles = append(p.res.DataFiles, v)
		p.warnOnce("the file of -T/--upload-file is not read: the request is sent without its body")
		return nil
	}},
	{long: "globoff", short: 'g', set: func(p *parser, _ string) error { p.globoff = true; return nil }, bool: true},

	// Credentials.
	{long: "user", short: 'u', arg: withArg, set: (*parser).user},
	{long: "oauth2-bearer", arg: withArg, set: func(p *parser, v string) error { p.in.Creds.Bearer = redact.New(v); return nil }},
	{long: "basic", set: func(p *parser, _ string) error { p.res.AuthMethod = "basic"; p.in.Creds.Basic = true; return nil }, bool: true},
	{long: "digest", set: func(p *parser, _ string) error { p.res.AuthMethod = "digest"; return nil }, bool: true},
	{long: "ntlm", set: func(p *parser, _ string) error { p.res.AuthMethod = "ntlm"; return nil }, bool: true},
	{long: "ntlm-wb", set: func(p *parser, _ string) error { p.res.AuthMethod = "ntlm"; return nil }, bool: true},
	{long: "negotiate", set: func(p *parser, _ string) error { p.res.AuthMethod = "negotiate"; return nil }, bool: true},
	{long: "anyauth", set: func(p *parser, _ string) error { p.res.AuthMethod = "anyauth"; return nil }, bool: true},
	{long: "aws-sigv4", arg: withArg, set: func(p *parser, _ string) error { p.res.AuthMethod = "aws-sigv4"; return nil }},
	{long: "netrc", short: 'n', warn: "credentials from .netrc are not read", bool: true},
	{long: "netrc-optional", warn: "credentials from .netrc are not read", bool: true},
	{long: "netrc-file", arg: withArg, warn: "credentials from a netrc file are not read"},

	// How it is sent.
	{long: "location", short: 'L', set: func(p *parser, _ string) error { p.res.FollowRedirects = true; return nil }, bool: true},
	{long: "location-trusted", set: func(p *parser, _ string) error {
		p.res.FollowRedirects, p.res.LocationTrusted = true, true
		return nil
	}, bool: true},
	{long: "max-redirs", arg: withArg, set: func(p *parser, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return &UsageError{"--max-redirs", "needs a whole number"}
		}
		p.res.MaxRedirs = n
		return nil
	}},
	{long: "max-time", short: 'm', arg: withArg, set: func(p *parser, v string) error { return seconds(&p.res.MaxTime, "--max-time", v) }},
	{long: "connect-timeout", arg: withArg, set: func(p *parser, v string) error {
		return seconds(&p.res.ConnectTimeout, "--connect-timeout", v)
	}},
	{long: "insecure", short: 'k', set: func(p *parser, _ string) error { p.res.Insecure = true; return nil }, bool: true},
	{long: "compressed", set: func(p *parser, _ string) error { p.res.Compressed = true; return nil }, bool: true},
	{long: "resolve", arg: withArg, set: (*parser).resolve},
	{long: "http1.0", short: '0', set: httpVersion("1.0")},
	{long: "http1.1", set: httpVersion("1.1")},
	{long: "http2", set: httpVersion("2")},
	{long: "http2-prior-knowledge", set: httpVersion("2-prior-knowledge")},
	{long: "http3", set: httpVersion("3")},
	{long: "http3-only", set: httpVersion("3-only")},
	{long: "proxy", short: 'x', arg: withArg, set: func(p *parser, v string) error { p.res.Proxy = v; return nil }},
	{long: "proxy-user", short: 'U', arg: withArg, set: func(p *parser, v string) error { p.res.ProxyUser = redact.New(v); return nil }},
	{long: "next", short: ':', set: func(p *parser, _ string) error {
		p.stop = true
		p.warnOnce("only the first request is diagnosed: the options after -:/--next are ignored")
		return nil
	}},

	// Output and progress: they do not change the request.
	{long: "silent", short: 's', bool: true}, {long: "show-error", short: 'S', bool: true},
	{long: "verbose", short: 'v', bool: true}, {long: "include", short: 'i', bool: true},
	{long: "progress-bar", short: '#', bool: true}, {long: "no-progress-meter", bool: true},
	{long: "fail", short: 'f', bool: true}, {long: "fail-with-body", bool: true}, {long: "fail-early", bool: true},
	{long: "no-buffer", short: 'N', bool: true}, {long: "output", short: 'o', arg: withArg},
	{long: "remote-name", short: 'O', bool: true}, {long: "remote-name-all", bool: true},
	{long: "remote-header-name", short: 'J', bool: true}, {long: "dump-header", short: 'D', arg: withArg},
	{long: "write-out", short: 'w', arg: withArg}, {long: "cookie-jar", short: 'c', arg: withArg},
	{long: "junk-session-cookies", short: 'j', bool: true},
	{long: "trace", arg: withArg}, {long: "trace-ascii", arg: withArg}, {long: "trace-time", bool: true},
	{long: "trace-ids", bool: true}, {long: "trace-config", arg: withArg},
	{long: "stderr", arg: withArg}, {long: "output-dir", arg: withArg}, {long: "create-dirs", bool: true},
	{long: "create-file-mode", arg: withArg}, {long: "remote-time", short: 'R', bool: true},
	{long: "styled-output", bool: true}, {long: "no-clobber", bool: true}, {long: "xattr", bool: true},
	{long: "retry", arg: withArg}, {long: "retry-delay", arg: withArg}, {long: "retry-max-time", arg: withArg},
	{long: "retry-all-errors", bool: true}, {long: "retry-connrefused", bool: true},
	{long: "parallel", short: 'Z', bool: true}, {long: "parallel-max", arg: withArg},
	{long: "parallel-immediate", bool: true}, {long: "disable", short: 'q', bool: true},
	{long: "path-as-is", bool: true}, {long: "raw", bool: true}, {long: "tr-encoding", bool: true},
	{long: "ipv4", short: '4', bool: true}, {long: "ipv6", short: '6', bool: true},
	{long: "keepalive", bool: true}, {long: "keepalive-time", arg: withArg}, {long: "tcp-nodelay", bool: true},
	{long: "tcp-fastopen", bool: true}, {long: "limit-rate", arg: withArg}, {long: "speed-limit", short: 'Y', arg: withArg},
	{long: "speed-time", short: 'y', arg: withArg}, {long: "max-filesize", arg: withArg},
	{long: "expect100-timeout", arg: withArg}, {long: "happy-eyeballs-timeout-ms", arg: withArg},
	{long: "buffer", bool: true}, {long: "sessionid", bool: true}, {long: "alpn", bool: true}, {long: "npn", bool: true},
	{long: "suppress-connect-headers", bool: true}, {long: "styled-output", bool: true},
	{long: "help", short: 'h'}, {long: "manual", short: 'M'}, {long: "version", short: 'V'},
	{long: "libcurl", arg: withArg}, {long: "metalink", bool: true},

	// Known, not reproduced: each changes what is sent or how.
	{long: "config", short: 'K', arg: withArg, warn: "a config file is not read"},
	{long: "range", short: 'r', arg: withArg, warn: "the Range is not sent"},
	{long: "continue-at", short: 'C', arg: withArg, warn: "the Range is not sent"},
	{long: "time-cond", short: 'z', arg: withArg, warn: "the If-Modified-Since condition is not sent"},
	{long: "proxy-header", arg: withArg, warn: "headers for the proxy are not sent"},
	{long: "request-target", arg: withArg, warn: "the request target is the URL's path"},
	{long: "connect-to", arg: withArg, warn: "use --resolve to choose the address"},
	{long: "interface", arg: withArg, warn: "the system chooses the interface"},
	{long: "local-port", arg: withArg, warn: "the system chooses the port"},
	{long: "dns-servers", arg: withArg, warn: "use --resolver"}, {long: "doh-url", arg: withArg, warn: "use --resolver"},
	{long: "unix-socket", arg: withArg, warn: "Unix sockets are not used"},
	{long: "abstract-unix-socket", arg: withArg, warn: "Unix sockets are not used"},
	{long: "cert", short: 'E', arg: withArg, warn: "client certificates are not sent"},
	{long: "cert-type", arg: withArg, warn: "client certificates are not sent"},
	{long: "key", arg: withArg, warn: "client certificates are not sent"},
	{long: "key-type", arg: withArg, warn: "client certificates are not sent"},
	{long: "pass", arg: withArg, warn: "client certificates are not sent"},
	{long: "cacert", arg: withArg, warn: "the system's CA certificates are used (or -k)"},
	{long: "capath", arg: withArg, warn: "the system's CA certificates are used (or -k)"},
	{long: "crlfile", arg: withArg, warn: "no revocation list is read"},
	{long: "pinnedpubkey", arg: withArg, warn: "the server's key is not pinned"},
	{long: "ciphers", arg: withArg, warn: "Go's TLS settings are used"},
	{long: "tls13-ciphers", arg: withArg, warn: "Go's TLS settings are used"},
	{long: "curves", arg: withArg, warn: "Go's TLS settings are used"},
	{long: "tls-max", arg: withArg, warn: "Go's TLS settings are used"},
	{long: "tlsv1", short: '1', warn: "Go's TLS settings are used"}, {long: "tlsv1.0", warn: "Go's TLS settings are used"},
	{long: "tlsv1.1", warn: "Go's TLS settings are used"}, {long: "tlsv1.2", warn: "Go's TLS settings are used"},
	{long: "tlsv1.3", warn: "Go's TLS settings are used"}, {long: "sslv2", short: '2', warn: "Go's TLS settings are used"},
	{long: "sslv3", short: '3', warn: "Go's TLS settings are used"},
	{long: "proto", arg: withArg}, {long: "proto-redir", arg: withArg}, {long: "proto-default", arg: withArg},
	{long: "noproxy", arg: withArg}, {long: "preproxy", arg: withArg, warn: "proxies are not chained"},
	{long: "socks4", arg: withArg, warn: "SOCKS proxies are not used"}, {long: "socks5", arg: withArg, warn: "SOCKS proxies are not used"},
	{long: "socks5-hostname", arg: withArg, warn: "SOCKS proxies are not used"},
	{long: "proxytunnel", short: 'p', bool: true},
	{long: "proxy-basic", bool: true}, {long: "proxy-digest", bool: true}, {long: "proxy-ntlm", bool: true},
	{long: "proxy-negotiate", bool: true}, {long: "proxy-anyauth", bool: true}, {long: "proxy-insecure", bool: true},
	{long: "proxy-cacert", arg: withArg}, {long: "proxy-cert", arg: withArg}, {long: "proxy-key", arg: withArg},
	{long: "hsts", arg: withArg}, {long: "alt-svc", arg: withArg}, {long: "etag-save", arg: withArg},
	{long: "etag-compare", arg: withArg, warn: "the If-None-Match condition is not sent"},
	{long: "delegation", arg: withArg}, {long: "service-name", arg: withArg}, {long: "sasl-authzid", arg: withArg},
	{long: "login-options", arg: withArg}, {long: "oauth2-bearer-file", arg: withArg, warn: "the token file is not read"},
	{long: "variable", arg: withArg, warn: "curl variables are not expanded"},
	{long: "expand-url", arg: withArg, warn: "curl variables are not expanded"},
	{long: "quote", short: 'Q', arg: withArg}, {long: "append", short: 'a', bool: true},
	{long: "use-ascii", short: 'B', bool: true}, {long: "list-only", short: 'l', bool: true},
	{long: "ftp-port", short: 'P', arg: withArg}, {long: "telnet-option", short: 't', arg: withArg},
	{long: "mail-from", arg: withArg}, {long: "mail-rcpt", arg: withArg}, {long: "mail-auth", arg: withArg},
	{long: "ech", arg: withArg}, {long: "ipfs-gateway", arg: withArg}, {long: "haproxy-clientip", arg: withArg},
	{long: "haproxy-protocol", bool: true}, {long: "ip-tos", arg: withArg}, {long: "vlan-priority", arg: withArg},
	{long: "rate", arg: withArg}, {long: "random-file", arg: withArg}, {long: "egd-file", arg: withArg},
	{long: "engine", arg: withArg}, {long: "hostpubmd5", arg: withArg}, {long: "hostpubsha256", arg: withArg},
	{long: "pubkey", arg: withArg}, {long: "tftp-blksize", arg: withArg}, {long: "tlsuser", arg: withArg},
	{long: "tlspassword", arg: withArg}, {long: "tlsauthtype", arg: withArg}, {long: "mptcp", bool: true},
}

var longOpts, shortOpts = func() (map[string]*option, map[byte]*option) {
	l, s := map[string]*option{}, map[byte]*option{}
	for i := range options {
		o := &options[i]
		l[o.long] = o
		if o.short != 0 {
			s[o.short] = o
		}
	}
	return l, s
}()

func httpVersion(v string) func(*parser, string) error {
	return func(p *parser, _ string) error { p.res.HTTPVersion = v; return nil }
}

func seconds(d *time.Duration, name, v string) error {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 0 || f > 1e9 {
		return &UsageError{name, "needs a number of seconds"}
	}
	*d = time.Duration(f * float64(time.Second))
	return nil
}

type parser struct {
	res       *Result
	in        *why401.Input
	hdr       http.Header
	method    string
	urls      []string
	data      []string
	hasData   bool
	json      bool
	form      bool
	upload    bool
	globoff   bool
	cookies   []string
	cookieSrc []string // where each of cookies came from: "-b" or "-H Cookie"
	query     []string // --url-query parts and -G data, added to the URL
	stop      bool
	warned    map[string]bool
}

func (p *parser) warnOnce(w string) {
	if !p.warned[w] {
		p.warned[w] = true
		p.res.Warnings = append(p.res.Warnings, w)
	}
}

// Parse reads curl's arguments (without the shell: see Split). A first
// argument "curl" or "curl.exe" (or a path to it) is skipped. The result's
// Input has Source "curl", the method curl would use, the URL (curl's
// default scheme http:// added, its glob escapes \[ \] \{ \} removed), the
// headers without Authorization and Cookie, and the credentials as secrets:
// -u in Creds.User and Creds.Password, --oauth2-bearer and an
// "Authorization: Bearer" header in Creds.Bearer, any other Authorization
// header verbatim in Creds.Authorization, -b strings and Cookie headers in
// Creds.Cookie.
//
// It fails (a *UsageError) where curl itself would refuse or ask: no URL,
// -u without a password (curl would prompt for it), a missing argument,
// -I with data. Options it does not reproduce are named in Warnings.
func Parse(args []string) (*Result, error) {
	if len(args) > 0 {
		base := strings.ToLower(path.Base(strings.ReplaceAll(args[0], `\`, "/")))
		if base == "curl" || base == "curl.exe" {
			args = args[1:]
		}
	}
	res := &Result{MaxRedirs: -1}
	in := &why401.Input{Source: "curl", Header: http.Header{}}
	res.Input = in
	p := &parser{res: res, in: in, hdr: in.Header, warned: map[string]bool{}}
	endOfOptions := false
	for i := 0; i < len(args) && !p.stop; i++ {
		a := args[i]
		next := func(name string) (string, error) {
			if i+1 >= len(args) {
				return "", &UsageError{name, "needs an argument"}
			}
			i++
			return args[i], nil
		}
		switch {
		case endOfOptions || a == "-" || !strings.HasPrefix(a, "-"):
			if err := p.url(a); err != nil {
				return nil, err
			}
		case a == "--":
			endOfOptions = true
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			o, neg := lookupLong(name)
			if o == nil {
				p.warnOnce("ignored unknown curl option " + optionName("--"+name))
				continue
			}
			if hasVal {
				// curl has no --name=value form: it would reject this.
				p.warnOnce(fmt.Sprintf("curl does not accept --%s=…; write --%s VALUE (read here as that)", o.long, o.long))
			}
			v := ""
			if o.arg == withArg {
				if !hasVal {
					var err error
					if v, err = next("--" + o.long); err != nil {
						return nil, err
					}
				} else {
					v = val
				}
			}
			if err := p.apply(o, "--"+o.long, v, neg); err != nil {
				return nil, err
			}
		default:
			// -abc: a cluster of short options; one that takes an
			// argument takes the rest of the cluster or the next
			// argument (-XPOST, -X POST).
			for k := 1; k < len(a); k++ {
				o := shortOpts[a[k]]
				if o == nil {
					p.warnOnce("ignored unknown curl option " + optionName("-"+string(a[k])))
					continue
				}
				v := ""
				if o.arg == withArg {
					if k+1 < len(a) {
						v = a[k+1:]
					} else {
						var err error
						if v, err = next("-" + string(o.short)); err != nil {
							return nil, err
						}
					}
					k = len(a)
				}
				if err := p.apply(o, "-"+string(o.short), v, false); err != nil {
					return nil, err
				}
			}
		}
	}
	return res, p.finish()
}

// lookupLong finds a long option; "no-x" is the negation of boolean x.
func lookupLong(name string) (*option, bool) {
	if o := longOpts[name]; o != nil {
		return o, false
	}
	if n, ok := strings.CutPrefix(name, "no-"); ok {
		if o := longOpts[n]; o != nil && o.bool {
			return o, true
		}
	}
	return nil, false
}

// optionName returns an unknown option's name for a warning, if it looks
// like one: a pasted value starting with '-' must not be echoed.
func optionName(s string) string {
	if len(s) > 40 {
		return "(an unreadable option)"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '#' || c == ':') {
			return "(an unreadable option)"
		}
	}
	return s
}

func (p *parser) apply(o *option, name, v string, neg bool) error {
	if o.warn != "" {
		p.warnOnce("ignored curl option " + name + ": " + o.warn)
	}
	if neg {
		p.negate(o)
		return nil
	}
	if o.set == nil {
		return nil
	}
	return o.set(p, v)
}

// negate undoes a boolean option (--no-location …).
func (p *parser) negate(o *option) {
	switch o.long {
	case "location":
		p.res.FollowRedirects = false
	case "location-trusted":
		p.res.LocationTrusted = false
	case "insecure":
		p.res.Insecure = false
	case "compressed":
		p.res.Compressed = false
	case "get":
		p.res.Get = false
	case "head":
		p.res.Head = false
	case "globoff":
		p.globoff = false
	case "basic":
		p.in.Creds.Basic = false
	}
}

func (p *parser) url(v string) error {
	if len(p.urls) > 0 {
		p.res.MoreURLs++
		p.warnOnce("only the first URL is diagnosed")
		return nil
	}
	p.urls = append(p.urls, v)
	return nil
}

// header reads -H "Name: value". "Name;" sends an empty header; "Name:"
// removes a header curl would add; "@file" reads headers from a file, which
// is not done here.
func (p *parser) header(v string) error {
	if strings.HasPrefix(v, "@") {
		p.warnOnce("the headers file of -H @file is not read")
		return nil
	}
	name, val, ok := strings.Cut(v, ":")
	if !ok {
		if n, semi := strings.CutSuffix(v, ";"); semi && validName(n) {
			p.hdr.Add(strings.TrimSpace(n), "")
			return nil
		}
		return &UsageError{"-H", "a header needs a name and a colon (Name: value)"}
	}
	name = strings.TrimSpace(name)
	if !validName(name) {
		return &UsageError{"-H", "a header name must be a token (RFC 9110 §5.1)"}
	}
	val = strings.TrimLeft(val, " \t")
	key := http.CanonicalHeaderKey(name)
	if strings.TrimSpace(val) == "" {
		p.hdr.Del(key)
		p.res.RemovedHeaders = append(p.res.RemovedHeaders, key)
		return nil
	}
	switch key {
	case "Authorization":
		// The value is kept as given: white space inside it is evidence.
		if scheme, tok, ok := strings.Cut(val, " "); ok && strings.EqualFold(scheme, "Bearer") {
			p.in.Creds.Bearer = redact.New(strings.TrimLeft(tok, " "))
		} else {
			p.in.Creds.Authorization = redact.New(val)
		}
	case "Cookie":
		p.cookies = append(p.cookies, val)
		p.cookieSrc = append(p.cookieSrc, "-H Cookie")
	default:
		p.hdr.Add(key, val)
	}
	return nil
}

func validName(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// cookie reads -b: "name=value; …" is a cookie string, anything without
// '=' the name of a cookie file (curl(1), -b).
func (p *parser) cookie(v string) error {
	if strings.Contains(v, "=") {
		p.cookies = append(p.cookies, v)
		p.cookieSrc = append(p.cookieSrc, "-b")
		return nil
	}
	if v != "" && v != "-" {
		p.res.CookieFiles = append(p.res.CookieFiles, v)
	}
	return nil
}

// addData reads -d and its kin: @file names a file (read by curl, not
// here), except for --data-raw.
func (p *parser) addData(v string, files bool) error {
	p.hasData = true
	if files && strings.HasPrefix(v, "@") {
		p.res.DataFiles = append(p.res.DataFiles, v[1:])
		p.warnOnce("the data file of @file is not read: the request is sent without it")
		return nil
	}
	p.data = append(p.data, v)
	return nil
}

// dataURLEncode reads --data-urlencode: "content", "=content",
// "name=content", "@file" or "name@file" (curl(1)).
func (p *parser) dataURLEncode(v string) error {
	p.hasData = true
	enc, file, err := urlEncodeArg(v)
	if err != nil {
		return err
	}
	if file != "" {
		p.res.DataFiles = append(p.res.DataFiles, file)
		p.warnOnce("the data file of @file is not read: the request is sent without it")
		return nil
	}
	p.data = append(p.data, enc)
	return nil
}

func urlEncodeArg(v string) (enc, file string, err error) {
	eq := strings.IndexByte(v, '=')
	at := strings.IndexByte(v, '@')
	switch {
	case at >= 0 && (eq < 0 || at < eq):
		return "", v[at+1:], nil
	case eq == 0:
		return escape(v[1:]), "", nil
	case eq > 0:
		return v[:eq] + "=" + escape(v[eq+1:]), "", nil
	}
	return escape(v), "", nil
}

// escape percent-encodes all but the unreserved characters (RFC 3986
// §2.3), as curl_easy_escape does.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// json reads --json: data sent as is, with JSON's Content-Type and Accept.
func (p *parser) addJSON(v string) error {
	p.json = true
	p.hasData = true
	if strings.HasPrefix(v, "@") {
		p.res.DataFiles = append(p.res.DataFiles, v[1:])
		p.warnOnce("the data file of @file is not read: the request is sent without it")
		return nil
	}
	if len(p.data) > 0 {
		p.data[len(p.data)-1] += v // --json pieces are concatenated
		return nil
	}
	p.data = append(p.data, v)
	return nil
}

func (p *parser) urlQuery(v string) error {
	if raw, ok := strings.CutPrefix(v, "+"); ok {
		p.addQuery(raw)
		return nil
	}
	enc, file, err := urlEncodeArg(v)
	if err != nil {
		return err
	}
	if file != "" {
		p.warnOnce("the file of --url-query @file is not read")
		return nil
	}
	p.addQuery(enc)
	return nil
}

func (p *parser) addForm(string) error {
	p.form = true
	p.warnOnce("multipart form data (-F) is not reproduced: the request is sent without its body")
	return nil
}

// user reads -u user:password. curl asks for the password when there is no
// colon; a diagnosis cannot, so that is an error.
func (p *parser) user(v string) error {
	u, pw, ok := strings.Cut(v, ":")
	if !ok {
		return &UsageError{"-u", "needs user:password (without a colon curl would prompt for the password)"}
	}
	p.in.Creds.User = u
	p.in.Creds.Password = redact.New(pw)
	p.in.Creds.HasUser = true
	return nil
}

// resolve checks --resolve host:port:addr[,addr…] (a leading '+' asks for
// a timeout, '-' removes an entry).
func (p *parser) resolve(v string) error {
	s := strings.TrimLeft(v, "+-")
	parts := strings.SplitN(s, ":", 3)
	if len(parts) < 2 || parts[0] == "" {
		return &UsageError{"--resolve", "needs host:port:address"}
	}
	if _, err := strconv.Atoi(parts[1]); err != nil && parts[1] != "*" {
		return &UsageError{"--resolve", "needs host:port:address with a numeric port"}
	}
	if strings.HasPrefix(v, "-") {
		p.warnOnce("--resolve -host:port (removal) is ignored")
		return nil
	}
	if len(parts) < 3 || parts[2] == "" {
		return &UsageError{"--resolve", "needs host:port:address"}
	}
	p.res.Resolve = append(p.res.Resolve, s)
	return nil
}

func (p *parser) addQuery(q string) { p.query = append(p.query, q) }

// finish fills the Input once every option is read.
func (p *parser) finish() error {
	if len(p.urls) == 0 {
		return &UsageError{"", "no URL in the command"}
	}
	raw := p.urls[0]
	if !p.globoff {
		// curl's URL globbing: \[ \] \{ \} stand for themselves (Chrome
		// escapes them so), [a-z] and {a,b} are ranges and sets.
		r := strings.NewReplacer(`\[`, "[", `\]`, "]", `\{`, "{", `\}`, "}")
		unesc := r.Replace(raw)
		if unesc == raw && strings.ContainsAny(raw, "[]{}") && !strings.Contains(raw, "://[") {
			p.warnOnce("the URL has curl glob characters ([ ] { }); read literally, as with -g")
		}
		raw = unesc
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw // curl's default scheme
	}
	if _, err := url.Parse(raw); err != nil {
		return &UsageError{"", "the URL does not parse"}
	}
	body := strings.Join(p.data, "&")
	if p.json {
		body = strings.Join(p.data, "")
	}
	if p.res.Get && p.hasData {
		if body != "" {
			p.query = append(p.query, body)
		}
		body = ""
	}
	if len(p.query) > 0 {
		q := strings.Join(p.query, "&")
		if i := strings.IndexByte(raw, '#'); i >= 0 {
			raw = raw[:i]
		}
		if strings.Contains(raw, "?") {
			raw += "&" + q
		} else {
			raw += "?" + q
		}
	}
	p.in.URL = raw

	switch {
	case p.res.Head && p.hasData && !p.res.Get:
		return &UsageError{"-I", "cannot be combined with data (-d): curl allows one request method"}
	case p.method != "":
		p.in.Method = p.method
	case p.res.Head:
		p.in.Method = http.MethodHead
	case p.upload:
		p.in.Method = http.MethodPut
	case (p.hasData && !p.res.Get) || p.form:
		p.in.Method = http.MethodPost
	default:
		p.in.Method = http.MethodGet
	}
	if body != "" {
		p.in.Body = redact.New(body)
	}
	if p.hasData && !p.res.Get {
		if p.json {
			if p.hdr.Get("Content-Type") == "" {
				p.hdr.Set("Content-Type", "application/json")
			}
			if p.hdr.Get("Accept") == "" {
				p.hdr.Set("Accept", "application/json")
			}
		} else if p.hdr.Get("Content-Type") == "" && !contains(p.res.RemovedHeaders, "Content-Type") {
			p.hdr.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if len(p.cookies) > 0 {
		p.in.Creds.Cookie = redact.New(strings.Join(p.cookies, "; "))
	}
	// The cookies' names, without values, for the cookie checks: a
	// cookie given as a string goes to any host and path, so it is sent.
	for i, c := range p.cookies {
		for _, pair := range strings.Split(c, ";") {
			name, _, _ := strings.Cut(strings.TrimSpace(pair), "=")
			if name = strings.TrimSpace(name); name != "" {
				p.in.Cookies = append(p.in.Cookies, why401.CookieInfo{Name: name, Source: p.cookieSrc[i], Sent: true})
			}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
