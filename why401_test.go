package why401_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	why401 "github.com/why401/why401"
)

func TestChallengeJSONRoundTrips(t *testing.T) {
	in := []why401.Challenge{
		{Scheme: "Basic", Params: []why401.Param{{Name: "realm", Value: `a<b>"c"`, Quoted: true}, {Name: "charset", Value: "UTF-8", Quoted: true}}, Registered: true},
		{Scheme: "Negotiate", Token68: "YIIG==", HasToken68: true, Registered: true},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as render writes the document
	if err := enc.Encode(in); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !strings.Contains(string(b), `"realm":"a<b>\"c\""`) {
		t.Errorf("params not written literally, in order: %s", b)
	}
	var out []why401.Challenge
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, in)
	}
}

// fakeSession serves fixed exchanges; Probe is offline.
type fakeSession struct{ start []why401.Exchange }

func (f fakeSession) Start(context.Context) ([]why401.Exchange, error) { return f.start, nil }
func (f fakeSession) Answer(context.Context, []why401.Exchange) ([]why401.Exchange, error) {
	return nil, nil
}
func (f fakeSession) Probe(context.Context, why401.Probe) ([]why401.Exchange, error) {
	return nil, why401.ErrOffline
}

var (
	kindA = &why401.Kind{ID: "a.warn", Severity: why401.SeverityWarn, Title: "A", Fix: []string{"fix a"}}
	kindB = &why401.Kind{ID: "b.error", Severity: why401.SeverityError, Title: "B", Fix: []string{"fix b"}}
	kindC = &why401.Kind{ID: "c.error", Severity: why401.SeverityError, Title: "C", Fix: []string{"fix c"}}
)

func TestRunRanksTurnsPanicsAndOfflineIntoFindings(t *testing.T) {
	checks := []*why401.Check{
		{ID: "a", Kinds: []*why401.Kind{kindA}, Run: func(p *why401.Pass) error { p.Report(kindA, "seen", 0); return nil }},
		{ID: "active", Mode: why401.Active, Run: func(p *why401.Pass) error {
			_, err := p.Probe(why401.Probe{})
			return err
		}},
		{ID: "b", Kinds: []*why401.Kind{kindB}, Run: func(p *why401.Pass) error { p.Report(kindB, "b"); return nil }},
		{ID: "boom", Run: func(p *why401.Pass) error { panic("boom") }},
		{ID: "c", Kinds: []*why401.Kind{kindC}, Run: func(p *why401.Pass) error { p.Report(kindC, "c"); return nil }},
		{ID: "broken", Run: func(p *why401.Pass) error { return errors.New("no luck") }},
	}
	s := fakeSession{start: []why401.Exchange{{Purpose: why401.PurposeHAR, Response: &why401.Response{Status: 401}}}}
	for i := 0; i < 20; i++ { // concurrency must not change the order
		r, err := why401.Run(context.Background(), &why401.Input{URL: "https://x.example/"}, s, true, checks)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(r.IDs(), " ")
		want := "b.error c.error a.warn check.skipped check.failed check.skipped"
		if got != want {
			t.Fatalf("Run: IDs %q, want %q", got, want)
		}
		if r.Verdict.ID != "b.error" || r.Status != 401 || !r.Problem() {
			t.Fatalf("verdict %+v status %d", r.Verdict, r.Status)
		}
		if !strings.Contains(r.Findings[3].Detail, "recorded file") || !strings.Contains(r.Findings[4].Detail, "panicked: boom") {
			t.Fatalf("details: %q / %q", r.Findings[3].Detail, r.Findings[4].Detail)
		}
	}
}

func TestInputPrintsItsTargetRedacted(t *testing.T) {
	const sentinel = "S3NTINEL"
	in := &why401.Input{Method: "POST", URL: "https://alice:" + sentinel + "@x.example/p?token=" + sentinel + "&q=1"}
	want := "POST https://<redacted>:<redacted>@x.example/p?token=<redacted>&q=1"
	for _, got := range []string{
		fmt.Sprint(in), fmt.Sprint(*in), fmt.Sprintf("%v|%+v|%#v|%s|%q", in, *in, in, *in, in),
		fmt.Sprintf("%+v", struct{ In *why401.Input }{in}), fmt.Sprintf("%+v", []why401.Input{*in}),
	} {
		if strings.Contains(got, sentinel) {
			t.Errorf("leak: %q", got)
		}
		if !strings.Contains(got, want) {
			t.Errorf("got %q, want it to contain %q", got, want)
		}
	}
	if got := (why401.Input{URL: "https://x.example/"}).String(); got != "GET https://x.example/" {
		t.Errorf("String() = %q", got)
	}
}
