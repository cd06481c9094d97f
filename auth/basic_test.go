package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestBasic(t *testing.T) {
	tests := []struct {
		user, pass string
		utf8       bool
		want       string
	}{
		// RFC 7617 §2.
		{"Aladdin", "open sesame", false, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="},
		{"Aladdin", "open sesame", true, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="},
		// RFC 7617 §2.1: charset="UTF-8".
		{"test", "123£", true, "Basic dGVzdDoxMjPCow=="},
		// Without charset, ISO-8859-1 when it fits: £ is 0xA3.
		{"test", "123£", false, "Basic dGVzdDoxMjOj"},
		// € has no ISO-8859-1 form: UTF-8 (E2 82 AC).
		{"test", "123€", false, "Basic " + base64.StdEncoding.EncodeToString([]byte("test:123€"))},
		// The password may contain colons; only the first one splits.
		{"u", "a:b:c", false, "Basic dTphOmI6Yw=="},
		// Empty password and empty user are allowed by the grammar.
		{"u", "", false, "Basic dTo="},
		{"", "p", false, "Basic OnA="},
	}
	for _, tt := range tests {
		got, err := Basic(tt.user, tt.pass, tt.utf8)
		if err != nil {
			t.Errorf("Basic(%q, pass, %v) error: %v", tt.user, tt.utf8, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Basic(%q, pass, %v) = %q; want %q", tt.user, tt.utf8, got, tt.want)
		}
	}
}

func TestBasicRefusesWhatRFC7617Forbids(t *testing.T) {
	const secret = "hunter2-secret"
	tests := []struct {
		name       string
		user, pass string
		want       error
	}{
		{"colon in user", "qzx:baba", secret, ErrUserColon},
		{"newline in user", "qzx\n", secret, ErrControl},
		{"newline in password", "qzx", secret + "\n", ErrControl},
		{"tab in password", "qzx", "a\tb" + secret, ErrControl},
		{"DEL in password", "qzx", secret + "\x7f", ErrControl},
		{"C1 control in password", "qzx", secret + "\u0085", ErrControl},
		{"invalid UTF-8 password", "qzx", secret + "\xff", ErrNotUTF8},
		{"invalid UTF-8 user", "qz\xffx", secret, ErrNotUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Basic(tt.user, tt.pass, false)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Basic error = %v; want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "qzx") {
				t.Errorf("error %q reveals a credential", err)
			}
			if l, u, d := BasicEncodings(tt.user, tt.pass); l != "" || u != "" || d {
				t.Errorf("BasicEncodings = %q, %q, %v; want empty for refused credentials", l, u, d)
			}
		})
	}
}

func TestBasicEncodings(t *testing.T) {
	tests := []struct {
		user, pass    string
		latin1, utf8  string
		differ        bool
		utf8IsDefault bool // Basic(…, false) gives the UTF-8 form
	}{
		{"Aladdin", "open sesame", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", false, false},
		{"test", "123£", "Basic dGVzdDoxMjOj", "Basic dGVzdDoxMjPCow==", true, false},
		{"test", "123€", "", "Basic dGVzdDoxMjPigqw=", true, true},
	}
	for _, tt := range tests {
		l, u, d := BasicEncodings(tt.user, tt.pass)
		if l != tt.latin1 || u != tt.utf8 || d != tt.differ {
			t.Errorf("BasicEncodings(%q, pass) = %q, %q, %v; want %q, %q, %v", tt.user, l, u, d, tt.latin1, tt.utf8, tt.differ)
		}
		def, _ := Basic(tt.user, tt.pass, false)
		if want := tt.latin1; tt.utf8IsDefault || want == "" {
			want = tt.utf8
			if def != want {
				t.Errorf("Basic(%q, pass, false) = %q; want the UTF-8 form %q", tt.user, def, want)
			}
		} else if def != want {
			t.Errorf("Basic(%q, pass, false) = %q; want the ISO-8859-1 form %q", tt.user, def, want)
		}
	}
}

func FuzzBasic(f *testing.F) {
	f.Add("Aladdin", "open sesame", false)
	f.Add("test", "123£", true)
	f.Add("a:b", "c", false)
	f.Add("ü", "€\n", false)
	f.Fuzz(func(t *testing.T, user, pass string, u8 bool) {
		got, err := Basic(user, pass, u8)
		if err != nil {
			if pass != "" && len(pass) > 3 && strings.Contains(err.Error(), pass) {
				t.Fatalf("error reveals the password: %v", err)
			}
			return
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(got, "Basic "))
		if err != nil {
			t.Fatalf("Basic gave undecodable %q: %v", got, err)
		}
		want := []byte(user + ":" + pass)
		if l, ok := latin1(user + ":" + pass); ok && !u8 {
			want = l // ISO-8859-1 whenever it fits and UTF-8 was not asked for
		}
		if string(raw) != string(want) {
			t.Fatalf("Basic(%q, %q, %v) decodes to % x; want % x", user, pass, u8, raw, want)
		}
		if strings.ContainsRune(user, ':') {
			t.Fatalf("Basic accepted a user name with a colon: %q", user)
		}
	})
}
