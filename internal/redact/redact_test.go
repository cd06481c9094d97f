package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

const sentinel = "S3NTINEL"

func TestSecretNeverPrints(t *testing.T) {
	s := New(sentinel)
	var logBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("x", "secret", s)
	j, _ := json.Marshal(struct{ S Secret }{s})
	outs := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %X %d", s, s, s, s, s, s, s, s),
		s.String(), s.GoString(), string(j), logBuf.String(),
	}
	for _, o := range outs {
		if strings.Contains(o, sentinel) {
			t.Errorf("leak: %q", o)
		}
	}
	if s.Reveal() != sentinel {
		t.Errorf("Reveal = %q", s.Reveal())
	}
	if New("").String() != "" || !New("").IsZero() {
		t.Error("the empty secret should print as empty")
	}
}

func TestHeaderKeepsShapeAndDropsValues(t *testing.T) {
	h := http.Header{
		"Authorization":       {"Basic " + sentinel},
		"Proxy-Authorization": {"Digest username=\"a\", response=\"" + sentinel + "\""},
		"Cookie":              {"sid=" + sentinel + "; theme=" + sentinel},
		"Set-Cookie":          {"sid=" + sentinel + "; Path=/; HttpOnly", "old=; Max-Age=0"},
		"X-Api-Key":           {sentinel},
		"Accept":              {"*/*"},
	}
	got := Header(h)
	for k, vs := range got {
		for _, v := range vs {
			if strings.Contains(v, sentinel) {
				t.Errorf("%s: %q leaks", k, v)
			}
		}
	}
	want := map[string]string{
		"Authorization":       "Basic <redacted>",
		"Proxy-Authorization": "Digest <redacted>",
		"Cookie":              "sid=<redacted>; theme=<redacted>",
		"X-Api-Key":           "<redacted>",
		"Accept":              "*/*",
	}
	for k, w := range want {
		if got.Get(k) != w {
			t.Errorf("Header(%s) = %q, want %q", k, got.Get(k), w)
		}
	}
	if sc := got.Values("Set-Cookie"); sc[0] != "sid=<redacted>; Path=/; HttpOnly" || sc[1] != "old=; Max-Age=0" {
		t.Errorf("Set-Cookie = %q", sc)
	}
	if h.Get("Authorization") != "Basic "+sentinel {
		t.Error("Header modified its argument")
	}
}

func TestURLRedactsUserinfoAndTokens(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://alice:" + sentinel + "@x.example/p", "https://<redacted>:<redacted>@x.example/p"},
		{"https://x.example/p?access_token=" + sentinel + "&page=2", "https://x.example/p?access_token=<redacted>&page=2"},
		{"https://x.example/cb?code=" + sentinel + "&state=abc", "https://x.example/cb?code=<redacted>&state=abc"},
		{"https://x.example/?t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "https://x.example/?t=<redacted>"},
		{"https://x.example/plain?q=go", "https://x.example/plain?q=go"},
		{"http://[::1", Placeholder},
	}
	for _, c := range cases {
		if got := URL(c.in); got != c.want {
			t.Errorf("URL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTextRemovesGivenSecrets(t *testing.T) {
	got := Text("dial tcp: lookup "+sentinel+": no such host", New(sentinel), New("ab"))
	if strings.Contains(got, sentinel) {
		t.Errorf("Text = %q", got)
	}
}
