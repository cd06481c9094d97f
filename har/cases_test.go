package har_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/why401/why401"
	"github.com/why401/why401/har"
	"github.com/why401/why401/har/hartest"
)

func cases(t testing.TB, name string, want func(*har.Entry) bool) ([]har.Case, har.Summary) {
	t.Helper()
	var cs []har.Case
	sum, err := har.Cases(open(t, name), want, func(c har.Case) error {
		cs = append(cs, c)
		return nil
	})
	if err != nil {
		t.Fatalf("Cases(%s) = %v", name, err)
	}
	return cs, sum
}

func indices(es []*har.Entry) []int {
	out := []int{}
	for _, e := range es {
		out = append(out, e.Index)
	}
	return out
}

func TestCasesGroupWhatLedToEach401(t *testing.T) {
	cs, sum := cases(t, "chrome.har", nil)
	if sum.Entries != 8 || len(cs) != 3 {
		t.Fatalf("%d entries, %d cases; want 8, 3", sum.Entries, len(cs))
	}
	tests := []struct {
		target           int
		related, chain   string
		setCookies       int
		exchangePurposes string
	}{
		// The WordPress 401: the login page, the login POST that set the
		// cookies, the dashboard that worked; no redirect led to it.
		{3, "[0 1 2]", "[]", 3, "har-context har-context har-context har"},
		// http → https on api.example.com, then 401: the redirect is the
		// chain. The blog's cookies are of the same site (example.com), so
		// a jar replays them; it will find they do not apply.
		{6, "[5]", "[5]", 3, "har har"},
		// The intranet: nothing before it on that origin.
		{7, "[]", "[]", 3, "har"},
	}
	for i, tt := range tests {
		c := cs[i]
		if c.Target.Index != tt.target {
			t.Errorf("case %d: target %d; want %d", i, c.Target.Index, tt.target)
			continue
		}
		if got := fmt.Sprint(indices(c.Related)); got != tt.related {
			t.Errorf("case %d: Related = %s; want %s", tt.target, got, tt.related)
		}
		if got := fmt.Sprint(indices(c.Chain)); got != tt.chain {
			t.Errorf("case %d: Chain = %s; want %s", tt.target, got, tt.chain)
		}
		if len(c.SetCookies) != tt.setCookies {
			t.Errorf("case %d: %d Set-Cookies; want %d", tt.target, len(c.SetCookies), tt.setCookies)
		}
		xs := c.Exchanges()
		var ps []string
		for j, x := range xs {
			ps = append(ps, x.Purpose)
			if x.Index != j {
				t.Errorf("case %d: exchange %d has Index %d", tt.target, j, x.Index)
			}
		}
		if got := strings.Join(ps, " "); got != tt.exchangePurposes {
			t.Errorf("case %d: purposes %q; want %q", tt.target, got, tt.exchangePurposes)
		}
		if last := xs[len(xs)-1]; last.Status() != 401 {
			t.Errorf("case %d: the last exchange is %d, not the target", tt.target, last.Status())
		}
	}

	// The Set-Cookie history is in order, raw, with where and when.
	sc := cs[0].SetCookies
	if sc[0].Entry != 0 || sc[1].Entry != 1 || sc[2].Entry != 1 ||
		!strings.HasPrefix(sc[2].Value, "wordpress_logged_in_0f1e2d=admin%7C") ||
		sc[1].URL != "https://blog.example.com/wp-login.php" || sc[1].Time.IsZero() {
		t.Errorf("SetCookies = %v", sc)
	}
	if s := fmt.Sprintf("%v %+v", sc, sc[2]); strings.Contains(s, "admin%7C") {
		t.Errorf("a SetCookie printed shows its value: %s", s)
	}

	// The chain's hop compares origins with the chain's first request.
	hop := cs[1].Exchanges()[0].Hop
	if hop == nil || hop.SameOrigin || hop.Location != "https://api.example.com/v1/me" {
		t.Errorf("hop = %+v", hop)
	}
	// The user's request is where the chain started.
	if in := cs[1].Input(); in.URL != "http://api.example.com/v1/me" {
		t.Errorf("Case.Input().URL = %q", in.URL)
	}
	if s := fmt.Sprintf("%v %+v", cs[0], cs[0]); strings.Contains(s, "admin%7C") || strings.Contains(s, "correct+horse") {
		t.Errorf("a Case printed shows a secret: %s", s)
	}
}

func TestCasesOfASanitizedExportAreUnknown(t *testing.T) {
	cs, _ := cases(t, "chrome-sanitized.har", nil)
	if len(cs) != 3 {
		t.Fatalf("%d cases", len(cs))
	}
	for _, c := range cs {
		for _, x := range c.Exchanges() {
			if !x.CredentialsUnknown && !x.AnsweredByClient {
				t.Errorf("case %d: exchange %d: CredentialsUnknown = false", c.Target.Index, x.Index)
			}
		}
	}
}

// TestCasesDecideWithTheWholeFile: a Chrome export whose first 401 shows no
// credentials, and whose later entries do. Read, streaming, cannot know yet
// and says unknown; Cases holds the case until the cookie shows and
// delivers it as known: no credentials were sent.
func TestCasesDecideWithTheWholeFile(t *testing.T) {
	in := `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[
	{"request":{"method":"GET","url":"https://a.example/x","headers":[]},"response":{"status":401,"headers":[{"name":"www-authenticate","value":"Basic realm=\"a\""}]}},
	{"request":{"method":"GET","url":"https://a.example/y","headers":[{"name":"cookie","value":"sid=1"}]},"response":{"status":200}}]}}`
	var streamed bool
	har.Read(strings.NewReader(in), func(e *har.Entry) error {
		if e.Index == 0 {
			streamed = e.CredentialsUnknown
		}
		return nil
	})
	if !streamed {
		t.Error("Read: entry 0 should be unknown while nothing is known")
	}
	var got []bool
	_, err := har.Cases(strings.NewReader(in), nil, func(c har.Case) error {
		got = append(got, c.Target.CredentialsUnknown, c.Exchanges()[0].CredentialsUnknown)
		return nil
	})
	if err != nil || fmt.Sprint(got) != "[false false]" {
		t.Errorf("Cases: unknown = %v, %v; want [false false]", got, err)
	}
}

func TestCasesWant(t *testing.T) {
	cs, _ := cases(t, "chrome.har", func(e *har.Entry) bool { return e.Index == 2 })
	if len(cs) != 1 || cs[0].Target.Index != 2 || fmt.Sprint(indices(cs[0].Related)) != "[0 1]" {
		t.Errorf("Cases(entry 2) = %v", cs)
	}
	// A redirect chain found through the login's Location.
	if fmt.Sprint(indices(cs[0].Chain)) != "[1]" {
		t.Errorf("Chain = %v; want [1]", indices(cs[0].Chain))
	}
	if in := cs[0].Input(); in.Method != "POST" {
		t.Errorf("Input() is the chain's first request: %s", in.Method)
	}
}

func TestCasesStopOnCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := har.Cases(open(t, "chrome.har"), nil, func(har.Case) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("Cases = %v after %d cases", err, n)
	}
	_, err = har.Cases(open(t, "bad/truncated.har"), nil, func(har.Case) error { return nil })
	if !errors.Is(err, har.ErrTruncated) {
		t.Errorf("Cases(truncated) = %v", err)
	}
}

// TestCasesBoundedOnALargeFile: 64 MB of entries (every 20th a 401), memory
// flat, related entries bounded.
func TestCasesBoundedOnALargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 64 MB")
	}
	f := generated(t, hartest.Options{Size: 64 << 20, Seed: 7, Rate401: 0.05})
	sum, err := har.Read(f, func(*har.Entry) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	f.Seek(0, io.SeekStart)
	n, maxRelated := 0, 0
	grew := heapGrowth(func() {
		_, err = har.Cases(f, nil, func(c har.Case) error {
			n++
			maxRelated = max(maxRelated, len(c.Related))
			return nil
		})
	})
	if err != nil || n != sum.StatusCounts[401] || n == 0 {
		t.Errorf("%d cases, %v; want %d", n, err, sum.StatusCounts[401])
	}
	if maxRelated != har.DefaultMaxRelated {
		t.Errorf("at most %d related entries; want %d", maxRelated, har.DefaultMaxRelated)
	}
	t.Logf("peak heap growth %.1f MiB", float64(grew)/(1<<20))
	if grew > 32<<20 {
		t.Errorf("heap grew by %d MiB", grew>>20)
	}
}

func TestSessionIsOffline(t *testing.T) {
	cs, _ := cases(t, "chrome.har", nil)
	var s why401.Session = har.NewSession(cs[1])
	ctx := context.Background()
	xs, err := s.Start(ctx)
	if err != nil || len(xs) != 2 || xs[1].Status() != 401 {
		t.Errorf("Start = %d exchanges, %v", len(xs), err)
	}
	if ex, err := s.Answer(ctx, xs); ex != nil || err != nil {
		t.Errorf("Answer = %v, %v; want nil, nil", ex, err)
	}
	if _, err := s.Probe(ctx, why401.Probe{}); !errors.Is(err, why401.ErrOffline) {
		t.Errorf("Probe = %v; want ErrOffline", err)
	}
}

// TestRunOnACase runs the check engine on a case, as `why401 har` will.
func TestRunOnACase(t *testing.T) {
	cs, _ := cases(t, "chrome.har", nil)
	c := cs[0]
	probe := &why401.Check{ID: "probe.test", Mode: why401.Active, Run: func(p *why401.Pass) error {
		_, err := p.Probe(why401.Probe{})
		return err
	}}
	r, err := why401.Run(context.Background(), c.Input(), har.NewSession(c), true, []*why401.Check{probe})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != 401 || len(r.Exchanges) != 4 || !r.Has("check.skipped") {
		t.Errorf("report: status %d, %d exchanges, findings %v", r.Status, len(r.Exchanges), r.IDs())
	}
}
