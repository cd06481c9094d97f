package checks

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	why401 "github.com/why401/why401"
)

// A HAR case hands over earlier entries to the same origin as context
// (Purpose "har-context"). They are shown, but they are not the user's
// request: an earlier request's credentials, challenge or URL must not be
// taken for the refused one's.
func TestHARContextIsNotTheUsersChain(t *testing.T) {
	const ctx, target = "har-context", why401.PurposeHAR
	challenge := chHeader("WWW-Authenticate", `Basic realm="Reports"`)
	earlier := chEntry(ctx, "GET", "https://app.example/reports/", 0, 200, chHeader("Authorization", "Basic <redacted>"), nil)
	earlier.CredentialsSent = true
	refused := chEntry(target, "GET", "https://app.example/reports/q3", time.Second, 401, nil, challenge)

	in := &why401.Input{Method: "GET", URL: refused.Request.URL, Source: "har", Now: refused.Time}
	r, err := why401.Run(context.Background(), in, ckSession{[]why401.Exchange{earlier, refused}}, true,
		[]*why401.Check{CredentialsRejected, CredentialsNoneSent, ChallengeScheme})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.IDs(), []string{"credentials.none-sent", "challenge.scheme"}; !slices.Equal(got, want) {
		t.Fatalf("findings %v; want %v (the 200 with credentials before is context, not this request)", got, want)
	}
	if r.Status != 401 || len(r.Exchanges) != 2 || r.Exchanges[0].Purpose != ctx {
		t.Errorf("status %d, %d exchanges; want 401 and the context kept in the report", r.Status, len(r.Exchanges))
	}
	if ev := r.Findings[0].Evidence; !slices.Equal(ev, []int{1}) {
		t.Errorf("evidence %v; want [1], the refused request", ev)
	}
}

// A sanitized export (or Chromium's own answer to a challenge) leaves it
// unknown whether credentials were sent: the report says so, and never
// "none were sent".
func TestUnknownCredentialsAreNotNoneSent(t *testing.T) {
	x := chEntry(why401.PurposeHAR, "GET", "https://app.example/admin/", 0, 401, nil, chHeader("WWW-Authenticate", `Basic realm="Admin"`))
	x.CredentialsUnknown = true
	forbidden := chEntry(why401.PurposeHAR, "GET", "https://app.example/admin/", 0, 403, nil, nil)
	forbidden.CredentialsUnknown = true
	for _, c := range []struct {
		x      why401.Exchange
		id     string
		detail string
	}{
		{x, "credentials.unknown", "it is unknown whether credentials were sent, not that none were"},
		{forbidden, "status.forbidden", "cannot tell whether the request carried credentials"},
	} {
		in := &why401.Input{Method: "GET", URL: c.x.Request.URL, Source: "har", Now: c.x.Time}
		r, err := why401.Run(context.Background(), in, ckSession{[]why401.Exchange{c.x}}, true,
			[]*why401.Check{CredentialsNoneSent, StatusForbidden})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.IDs(); !slices.Equal(got, []string{c.id}) {
			t.Fatalf("findings %v; want [%s]", got, c.id)
		}
		if d := r.Findings[0].Detail; !strings.Contains(d, c.detail) || strings.Contains(d, "no credentials") || strings.Contains(d, "without credentials") {
			t.Errorf("detail %q; want it to say %q and never that none were sent", d, c.detail)
		}
	}
}
