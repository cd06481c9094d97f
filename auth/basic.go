// Package auth answers HTTP authentication challenges, and checks the
// answers on the server side for why401's test lab: Basic (RFC 7617) and
// Digest (RFC 7616).
//
// Secrets never appear in an error or in String output: errors name the
// faulty field ("password contains a control character"), never its value.
package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Errors that Basic and Digest's Authorize wrap, so that a check can tell
// why credentials could not be encoded without reading a message.
var (
	// ErrUserColon: a Basic user-id cannot contain ':' because the first
	// colon separates it from the password (RFC 7617 §2).
	ErrUserColon = errors.New("user name contains ':', which Basic cannot carry (RFC 7617 §2)")
	// ErrControl: a user name or password holds a control character,
	// which RFC 7617 §2 forbids and which usually is a pasted newline.
	ErrControl = errors.New("contains a control character (a pasted newline or tab?)")
	// ErrNotUTF8: the text is not valid UTF-8, so neither encoding can be
	// derived from it.
	ErrNotUTF8 = errors.New("is not valid UTF-8")
)

// Basic returns the Authorization field value for the Basic scheme (RFC
// 7617 §2): "Basic " followed by the base64 of user-id ":" password.
//
// utf8 is whether the challenge carried charset="UTF-8" (RFC 7617 §2.1):
// then the pair is sent as UTF-8. Without it the RFC leaves the encoding
// unspecified, and what servers historically expect is what browsers
// historically sent: ISO-8859-1. So Basic encodes as ISO-8859-1 when every
// character fits in it and falls back to UTF-8 otherwise (the server can
// then only match it if it assumes UTF-8). BasicEncodings gives both forms.
//
// RFC 7617 §2.1 also asks for Unicode Normalization Form C before
// encoding. The standard library has no normalizer, so this step is
// skipped: a password typed in decomposed form (rare outside macOS file
// names) is sent as typed.
//
// Basic refuses a user name containing ':' and either part containing a
// control character (RFC 7617 §2: "MUST NOT contain any control
// characters"), and text that is not valid UTF-8. The error names the part
// at fault and never its value.
func Basic(user, pass string, utf8 bool) (string, error) {
	if err := checkBasic(user, pass); err != nil {
		return "", err
	}
	if !utf8 {
		if b, ok := latin1(user + ":" + pass); ok {
			return basicValue(b), nil
		}
	}
	return basicValue([]byte(user + ":" + pass)), nil
}

// BasicEncodings returns the Basic Authorization values for the same
// credentials in ISO-8859-1 and in UTF-8, and whether they differ (exactly
// when the credentials hold a non-ASCII character). A check uses it to
// explain a non-ASCII password rejected by a server that decodes the other
// way (RFC 7617 §2.1; see Basic).
//
// latin1Value is empty when some character has no ISO-8859-1 form; both are
// empty (and differ false) when Basic would refuse the credentials.
func BasicEncodings(user, pass string) (latin1Value string, utf8Value string, differ bool) {
	if checkBasic(user, pass) != nil {
		return "", "", false
	}
	s := user + ":" + pass
	utf8Value = basicValue([]byte(s))
	if b, ok := latin1(s); ok {
		latin1Value = basicValue(b)
	}
	return latin1Value, utf8Value, latin1Value != utf8Value
}

func basicValue(b []byte) string {
	return "Basic " + base64.StdEncoding.EncodeToString(b)
}

// checkBasic applies RFC 7617 §2's rules on user-id and password.
func checkBasic(user, pass string) error {
	if !utf8.ValidString(user) {
		return fmt.Errorf("auth: basic: user name %w", ErrNotUTF8)
	}
	if !utf8.ValidString(pass) {
		return fmt.Errorf("auth: basic: password %w", ErrNotUTF8)
	}
	if strings.IndexByte(user, ':') >= 0 {
		return fmt.Errorf("auth: basic: %w", ErrUserColon)
	}
	if hasControl(user) {
		return fmt.Errorf("auth: basic: user name %w", ErrControl)
	}
	if hasControl(pass) {
		return fmt.Errorf("auth: basic: password %w", ErrControl)
	}
	return nil
}

// hasControl reports whether s holds a control character: C0, DEL or C1
// (Unicode category Cc), the set RFC 7617 §2 refers to as "control
// characters" (RFC 5234 CTL plus the C1 range a Latin-1 octet could carry).
func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r >= 0x7f && r < 0xa0 {
			return true
		}
	}
	return false
}

// latin1 encodes s in ISO-8859-1 and reports whether every character fits.
func latin1(s string) ([]byte, bool) {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return nil, false
		}
		b = append(b, byte(r))
	}
	return b, true
}
