package checks

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	why401 "github.com/why401/why401"
)

// cacheControl is the parsed Cache-Control of a response (RFC 9111 §5.2):
// directive names lower-cased, values unquoted.
type cacheControl map[string]string

func parseCacheControl(h http.Header) cacheControl {
	cc := cacheControl{}
	for _, line := range h.Values("Cache-Control") {
		for _, d := range strings.Split(line, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				cc[name] = strings.Trim(strings.TrimSpace(val), `"`)
			}
		}
	}
	return cc
}

func (cc cacheControl) has(d string) bool { _, ok := cc[d]; return ok }

func (cc cacheControl) seconds(d string) (int, bool) {
	v, ok := cc[d]
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n > 0
}

// sharedStorable reports whether a shared cache may store a response
// (RFC 9111 §3), and why, given whether the request carried
// Authorization: such responses are stored only with public, s-maxage or
// must-revalidate (§3.5).
func sharedStorable(h http.Header, date time.Time, authorized bool) (bool, string) {
	cc := parseCacheControl(h)
	if cc.has("no-store") || cc.has("private") {
		return false, ""
	}
	if authorized {
		switch {
		case cc.has("public"):
			return true, "Cache-Control: public"
		case cc.has("s-maxage"):
			return true, "Cache-Control: s-maxage=" + cc["s-maxage"]
		case cc.has("must-revalidate"):
			return true, "Cache-Control: must-revalidate"
		}
		return false, ""
	}
	if n, ok := cc.seconds("s-maxage"); ok {
		return true, "Cache-Control: s-maxage=" + strconv.Itoa(n)
	}
	if n, ok := cc.seconds("max-age"); ok {
		return true, "Cache-Control: max-age=" + strconv.Itoa(n)
	}
	if cc.has("public") {
		return true, "Cache-Control: public"
	}
	if exp, err := http.ParseTime(h.Get("Expires")); err == nil && !date.IsZero() && exp.After(date) {
		return true, "Expires " + h.Get("Expires") + " is in the future"
	}
	return false, ""
}

// cacheHit returns the headers that say a response came from a cache:
// Age > 0 (RFC 9111 §5.1), X-Cache / X-Cache-Status HIT (Varnish, nginx,
// CloudFront's "Hit from cloudfront" or "Error from cloudfront"),
// CF-Cache-Status HIT (Cloudflare), X-Served-By with Age (Fastly), Via.
func cacheHit(h http.Header) []string {
	var ev []string
	if age, err := strconv.Atoi(strings.TrimSpace(h.Get("Age"))); err == nil && age > 0 {
		ev = append(ev, "Age: "+h.Get("Age"))
	}
	for _, name := range []string{"X-Cache", "X-Cache-Status", "CF-Cache-Status", "X-Proxy-Cache", "X-Varnish-Cache"} {
		v := h.Get(name)
		lv := strings.ToLower(v)
		if strings.Contains(lv, "hit") || strings.Contains(lv, "error from cloudfront") {
			ev = append(ev, name+": "+v)
		}
	}
	if len(ev) > 0 {
		if v := h.Get("Via"); v != "" {
			ev = append(ev, "Via: "+v)
		}
		if v := h.Get("X-Served-By"); v != "" {
			ev = append(ev, "X-Served-By: "+v)
		}
	}
	return ev
}

// responseDate is the response's Date, or the time it arrived.
func responseDate(e *why401.Exchange) time.Time {
	if d, err := http.ParseTime(e.Response.Header.Get("Date")); err == nil {
		return d
	}
	return e.Time
}
