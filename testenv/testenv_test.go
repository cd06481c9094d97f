package testenv

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// These tests check the environment itself, so that a failure in a real-server test elsewhere points at
// why401 and not at a server that did not come up as documented. They run only with WHY401_REAL=1.

var client = &http.Client{
	Timeout:       5 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func get(t *testing.T, url string, hdr ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestNginxBasicChallengesThenAcceptsAlice(t *testing.T) {
	env := Require(t)
	url := env.NginxURL + "/basic/"

	resp := get(t, url)
	if got, want := resp.StatusCode, 401; got != want {
		t.Fatalf("GET %s without credentials = %d; want %d", url, got, want)
	}
	if got, want := resp.Header.Get("WWW-Authenticate"), `Basic realm="Reports"`; got != want {
		t.Errorf("GET %s: WWW-Authenticate = %q; want %q", url, got, want)
	}

	for _, c := range []struct {
		user, pass string
		want       int
	}{
		{User, Password, 200},
		{User, "wrong", 401},
		{UTF8User, NonASCIIPass, 200}, // net/http sends the UTF-8 bytes
	} {
		req, _ := http.NewRequest("GET", url, nil)
		req.SetBasicAuth(c.user, c.pass)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET %s as %s = %d; want %d", url, c.user, resp.StatusCode, c.want)
		}
	}
}

func TestNginxSymptomsAnswerAsDocumented(t *testing.T) {
	env := Require(t)
	for _, c := range []struct {
		path   string
		hdr    []string
		status int
		want   map[string]string // header → value; "" means must be absent
	}{
		{"/cached/", nil, 401, map[string]string{"WWW-Authenticate": `Basic realm="cached"`, "Cache-Control": "public, max-age=600", "Age": "120", "X-Cache": "HIT"}},
		{"/cached/?cb=1", nil, 200, map[string]string{"X-Cache": "MISS", "Age": "", "WWW-Authenticate": ""}},
		{"/cacheable/", nil, 401, map[string]string{"Cache-Control": "public, max-age=600", "Age": ""}},
		{"/login-page/", nil, 200, map[string]string{"WWW-Authenticate": ""}},
		{"/noauth-challenge/", nil, 401, map[string]string{"WWW-Authenticate": ""}},
		{"/basic-utf8/", nil, 401, map[string]string{"WWW-Authenticate": `Basic realm="Reports", charset="UTF-8"`}},
		{"/underscore/", []string{"X_API_KEY", APIKey}, 401, map[string]string{"X-Api-Key-Seen": "absent"}},
		{"/underscore/", []string{"X-Api-Key", APIKey}, 200, map[string]string{"X-Api-Key-Seen": "valid"}},
		{"/redirect-http/", nil, 301, map[string]string{"Location": env.NginxOtherOriginURL + "/basic/"}},
	} {
		resp := get(t, env.NginxURL+c.path, c.hdr...)
		if resp.StatusCode != c.status {
			t.Errorf("GET %s %v = %d; want %d", c.path, c.hdr, resp.StatusCode, c.status)
		}
		for k, want := range c.want {
			if got := resp.Header.Get(k); got != want {
				t.Errorf("GET %s %v: %s = %q; want %q", c.path, c.hdr, k, got, want)
			}
		}
	}
	// Through the proxy the underscore header is lost; sent to the app directly it works.
	if resp := get(t, env.NginxAppURL+"/underscore/", "X_API_KEY", APIKey); resp.StatusCode != 200 {
		t.Errorf("GET app /underscore/ with X_API_KEY = %d; want 200", resp.StatusCode)
	}
}

func TestApacheDigestChallenges(t *testing.T) {
	env := Require(t)
	url := env.ApacheURL + "/digest/"
	resp := get(t, url)
	if got, want := resp.StatusCode, 401; got != want {
		t.Fatalf("GET %s = %d; want %d", url, got, want)
	}
	ch := resp.Header.Get("WWW-Authenticate")
	for _, want := range []string{"Digest ", `realm="digest-realm"`, "nonce=", "algorithm=MD5", `qop="auth"`} {
		if !strings.Contains(ch, want) {
			t.Errorf("GET %s: WWW-Authenticate = %q; want it to contain %q", url, ch, want)
		}
	}
}

func TestDNSResolversDisagreeAboutApp(t *testing.T) {
	env := Require(t)
	many := make([]string, 50)
	for i := range many {
		many[i] = netip.AddrFrom4([4]byte{127, 0, 1, byte(i + 1)}).String()
	}
	for _, c := range []struct {
		server, name string
		rcode        int
		want         []string
	}{
		{env.DNSCurrent, "app.why401.test", 0, []string{"127.0.0.2", "127.0.0.3"}},
		{env.DNSStale, "app.why401.test", 0, []string{"127.0.0.4"}},
		{env.DNSCurrent, "www.why401.test", 0, []string{"127.0.0.2", "127.0.0.3"}}, // via CNAME
		{env.DNSCurrent, "same.why401.test", 0, []string{"127.0.0.2"}},
		{env.DNSStale, "same.why401.test", 0, []string{"127.0.0.2"}},
		{env.DNSCurrent, "gone.why401.test", 3, nil}, // NXDOMAIN
		{env.DNSCurrent, "many.why401.test", 0, many},
	} {
		rcode, got, err := queryA(c.server, c.name)
		if err != nil {
			t.Errorf("query %s A @%s: %v", c.name, c.server, err)
			continue
		}
		slices.Sort(got)
		slices.Sort(c.want)
		if rcode != c.rcode || !slices.Equal(got, c.want) {
			t.Errorf("query %s A @%s = rcode %d %v; want rcode %d %v", c.name, c.server, rcode, got, c.rcode, c.want)
		}
	}
}

// queryA sends one A query over UDP with an EDNS0 OPT record (4096-byte payload, so 50 addresses fit)
// and returns the rcode and the A records of the answer section (RFC 1035 §4.1, RFC 6891 §6.1.2).
func queryA(server, name string) (rcode int, addrs []string, err error) {
	const id = 0x4011
	msg := []byte{id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1} // RD; QD=1, AR=1
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		msg = append(append(msg, byte(len(label))), label...)
	}
	msg = append(msg, 0, 0, 1, 0, 1)                       // root, QTYPE A, QCLASS IN
	msg = append(msg, 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0) // OPT: root, type 41, payload 4096, TTL 0, RDLEN 0
	c, err := net.Dial("udp", server)
	if err != nil {
		return 0, nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write(msg); err != nil {
		return 0, nil, err
	}
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		return 0, nil, err
	}
	b := buf[:n]
	if n < 12 || binary.BigEndian.Uint16(b) != id {
		return 0, nil, errors.New("short reply or wrong id")
	}
	if b[2]&0x02 != 0 {
		return 0, nil, errors.New("truncated reply")
	}
	rcode = int(b[3] & 0x0f)
	qd, an := int(binary.BigEndian.Uint16(b[4:])), int(binary.BigEndian.Uint16(b[6:]))
	off := 12
	skipName := func() {
		for off < len(b) {
			l := int(b[off])
			if l&0xc0 == 0xc0 { // compression pointer ends the name
				off += 2
				return
			}
			off += 1 + l
			if l == 0 {
				return
			}
		}
	}
	for range qd {
		skipName()
		off += 4
	}
	for range an {
		skipName()
		if off+10 > len(b) {
			return 0, nil, errors.New("reply cut short")
		}
		typ, rdlen := binary.BigEndian.Uint16(b[off:]), int(binary.BigEndian.Uint16(b[off+8:]))
		off += 10
		if off+rdlen > len(b) {
			return 0, nil, errors.New("reply cut short")
		}
		if typ == 1 && rdlen == 4 {
			addrs = append(addrs, netip.AddrFrom4([4]byte(b[off:off+4])).String())
		}
		off += rdlen
	}
	return rcode, addrs, nil
}

// This one needs no server: it checks the env file format.
func TestReadEnvFileSkipsCommentsAndRejectsGarbage(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.env")
	os.WriteFile(good, []byte("# comment\n\nWHY401_NGINX_URL=http://127.0.0.1:18080\n WHY401_DNS_STALE = 127.0.0.1:15354 \n"), 0o644)
	vals, err := readEnvFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := vals["WHY401_NGINX_URL"], "http://127.0.0.1:18080"; got != want {
		t.Errorf("WHY401_NGINX_URL = %q; want %q", got, want)
	}
	if got, want := vals["WHY401_DNS_STALE"], "127.0.0.1:15354"; got != want {
		t.Errorf("WHY401_DNS_STALE = %q; want %q", got, want)
	}
	bad := filepath.Join(dir, "bad.env")
	os.WriteFile(bad, []byte("WHY401_NGINX_URL\n"), 0o644)
	if _, err := readEnvFile(bad); err == nil || !strings.Contains(err.Error(), "bad.env:1") {
		t.Errorf("readEnvFile(bad) error = %v; want one naming bad.env:1", err)
	}
	if _, err := readEnvFile(filepath.Join(dir, "absent.env")); err == nil {
		t.Error("readEnvFile(absent) = nil error; want one")
	}
}
