package challenge

import (
	"slices"
	"strings"
	"testing"
)

func TestRegistryHoldsEveryIANAScheme(t *testing.T) {
	// The IANA HTTP Authentication Scheme Registry, updated 2025-02-18,
	// and the common unregistered schemes.
	want := map[string]struct {
		spec       string
		registered bool
	}{
		"Basic":            {"RFC 7617", true},
		"Bearer":           {"RFC 6750", true},
		"Concealed":        {"RFC 9729", true},
		"Digest":           {"RFC 7616", true},
		"DPoP":             {"RFC 9449", true},
		"GNAP":             {"RFC 9635", true},
		"HOBA":             {"RFC 7486", true},
		"Mutual":           {"RFC 8120", true},
		"Negotiate":        {"RFC 4559", true},
		"OAuth":            {"RFC 5849", true},
		"PrivateToken":     {"RFC 9577", true},
		"SCRAM-SHA-1":      {"RFC 7804", true},
		"SCRAM-SHA-256":    {"RFC 7804", true},
		"vapid":            {"RFC 8292", true},
		"NTLM":             {"Microsoft MS-NTHT", false},
		"AWS4-HMAC-SHA256": {"AWS Signature Version 4", false},
	}
	all := Schemes()
	if len(all) != len(want) {
		t.Errorf("Schemes() has %d schemes; want %d", len(all), len(want))
	}
	for name, w := range want {
		s, ok := Lookup(name)
		if !ok || s.Name != name || s.Spec != w.spec || s.Registered != w.registered {
			t.Errorf("Lookup(%q) = %+v, %v; want Name %q, Spec %q, Registered %v", name, s, ok, name, w.spec, w.registered)
		}
	}
}

func TestLookupFoldsASCIICaseOnly(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" if not found
	}{
		{"basic", "Basic"},
		{"BASIC", "Basic"},
		{"Scram-Sha-256", "SCRAM-SHA-256"},
		{"VAPID", "vapid"},
		{"ntlm", "NTLM"},
		{"Basic ", ""},
		{"Bas", ""},
		{"", ""},
		// U+212A KELVIN SIGN folds to "k" under Unicode rules, not in HTTP.
		{"\u212Aerberos", ""},
	}
	for _, tt := range tests {
		s, ok := Lookup(tt.in)
		if ok != (tt.want != "") || s.Name != tt.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tt.in, s.Name, ok, tt.want)
		}
	}
	if equalFold("k", "\u212A") {
		t.Errorf(`equalFold("k", "\u212A") = true; want false`)
	}
}

func TestSchemesAreSortedAndDescribed(t *testing.T) {
	all := Schemes()
	if !slices.IsSortedFunc(all, func(a, b Scheme) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	}) {
		t.Errorf("Schemes() is not sorted by name ignoring case")
	}
	for _, s := range all {
		for field, text := range map[string]string{"Summary": s.Summary, "ClientNeeds": s.ClientNeeds} {
			if text == "" || strings.HasSuffix(text, ".") {
				t.Errorf("%s.%s = %q; want a phrase without a final period", s.Name, field, text)
			}
		}
	}
	all[0].Name = "changed"
	if Schemes()[0].Name == "changed" {
		t.Errorf("changing the result of Schemes() changed the registry")
	}
}

func TestPasswordSchemes(t *testing.T) {
	var got []string
	for _, s := range Schemes() {
		if s.Password {
			got = append(got, s.Name)
		}
	}
	want := []string{"Basic", "Digest", "Mutual", "NTLM", "SCRAM-SHA-1", "SCRAM-SHA-256"}
	if !slices.Equal(got, want) {
		t.Errorf("schemes answered with a password = %q; want %q", got, want)
	}
}

// TestParseSetsRegistered checks Registered: from the IANA registry only,
// whatever the case of the scheme.
func TestParseSetsRegistered(t *testing.T) {
	cs, err := Parse("basic, NTLM, Newauth, DPOP")
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{true, false, false, true}
	for i, c := range cs {
		if c.Registered != want[i] {
			t.Errorf("Parse: %s Registered = %v; want %v", c.Scheme, c.Registered, want[i])
		}
	}
}
