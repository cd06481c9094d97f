package exporter

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/why401/why401/lab"
)

func scrape(t *testing.T, h http.Handler, target, module string, extra ...string) string {
	t.Helper()
	q := url.Values{"target": {target}, "module": {module}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/probe?"+q.Encode(), nil))
	b, _ := io.ReadAll(rec.Result().Body)
	return string(b)
}

func TestProbeMetricsAndTheCredentialInterval(t *testing.T) {
	srv, err := lab.Start(lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte(lab.Password+"\n"), 0o600)
	cfgFile := filepath.Join(dir, "why401.json")
	os.WriteFile(cfgFile, []byte(`{"modules": {"alice": {"user": "alice", "password_file": "`+pw+`", "insecure": true, "min_interval": "1h"},
		"anon": {"insecure": true}}}`), 0o600)
	cfg, err := LoadConfig(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	h := New(cfg)
	sc, _ := srv.Lookup("basic-accepted")
	u := srv.Env.URL(sc)
	srv.Env.Uses("basic-accepted")
	for range 3 {
		body := scrape(t, h, u, "alice")
		for _, want := range []string{"why401_probe_success 1", "why401_credentials_accepted 1", "why401_http_status_code 200",
			`why401_finding{id="credentials.accepted",severity="ok",who="visitor"} 1`, `why401_verdict{id="credentials.accepted"} 1`} {
			if !strings.Contains(body, want) {
				t.Errorf("missing %q in\n%s", want, body)
			}
		}
		if strings.Contains(body, lab.Password) {
			t.Error("the password appears in the metrics")
		}
	}
	if n := srv.Env.Uses("basic-accepted"); n != 1 {
		t.Errorf("three scrapes sent the password %d times, want 1 (min_interval)", n)
	}
	sc, _ = srv.Lookup("basic-none")
	body := scrape(t, h, srv.Env.URL(sc), "anon")
	if !strings.Contains(body, "why401_probe_success 0") || !strings.Contains(body, `why401_verdict{id="credentials.none-sent"} 1`) {
		t.Errorf("anon scrape:\n%s", body)
	}
	if d := scrape(t, h, srv.Env.URL(sc), "anon", "debug", "true"); !strings.Contains(d, "none were sent") {
		t.Errorf("debug output:\n%s", d)
	}
	for _, bad := range [][2]string{{"", "anon"}, {u, "nope"}, {"ftp://x/", "anon"}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/probe?"+url.Values{"target": {bad[0]}, "module": {bad[1]}}.Encode(), nil))
		if rec.Code != http.StatusBadRequest {
			t.Errorf("target %q module %q: %d, want 400", bad[0], bad[1], rec.Code)
		}
	}
}

func TestLoadConfigRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"unknown-field": `{"modules": {"a": {"passwd": "x"}}}`,
		"no-modules":    `{"modules": {}}`,
		"missing-env":   `{"modules": {"a": {"user": "u", "password_env": "WHY401_TEST_UNSET_VAR"}}}`,
		"bad-duration":  `{"modules": {"a": {"timeout": "soon"}}}`,
		"not-json":      `modules: {}`,
	} {
		f := filepath.Join(dir, name)
		os.WriteFile(f, []byte(body), 0o600)
		if _, err := LoadConfig(f); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
