package challenge

import (
	"strings"

	"github.com/why401/why401"
)

// String returns c as it would appear in a WWW-Authenticate value: the
// scheme, then either the token68 or the parameters, "name=value" joined by
// ", ".
//
// A value is written as a token when it is one and Param.Quoted is false,
// and as a quoted-string otherwise, with "\" before every `"` and `\`
// (RFC 9110 §5.6.4). So for every challenge Parse returns, Parse(String(c))
// gives c back exactly, Quoted included. Proxy is not part of the text.
//
// String does not validate: a challenge Parse could not have returned (an
// empty scheme, a name that is not a token, a control character in a
// value, both a token68 and parameters) is written as it is, and the text
// will not parse back to it.
func String(c why401.Challenge) string {
	var b strings.Builder
	b.Grow(size(c))
	write(&b, c)
	return b.String()
}

// Format returns the challenges as one field value, joined by ", ". For
// every non-empty cs that Parse returns, with or without an error,
// Parse(Format(cs)) returns cs again and no error (Proxy aside: Parse
// never sets it). The text is canonical: one space after the scheme,
// ", " between elements, no empty elements, no obs-fold, lower-case
// parameter names.
func Format(cs []why401.Challenge) string {
	var b strings.Builder
	n := 0
	for _, c := range cs {
		n += size(c) + 2
	}
	b.Grow(n)
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		write(&b, c)
	}
	return b.String()
}

// write appends the text of c to b.
//
//	challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
func write(b *strings.Builder, c why401.Challenge) {
	b.WriteString(c.Scheme)
	sep := " "
	if c.HasToken68 {
		b.WriteString(sep)
		b.WriteString(c.Token68)
		sep = ", "
	}
	for _, p := range c.Params {
		b.WriteString(sep)
		sep = ", "
		b.WriteString(p.Name)
		b.WriteByte('=')
		writeValue(b, p.Value, p.Quoted)
	}
}

// writeValue appends v as a token, or as a quoted-string when quoted is set
// or v is not a token.
//
//	quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
func writeValue(b *strings.Builder, v string, quoted bool) {
	if !quoted && isToken(v) {
		b.WriteString(v)
		return
	}
	b.WriteByte('"')
	for {
		i := strings.IndexAny(v, `"\`)
		if i < 0 {
			break
		}
		b.WriteString(v[:i])
		b.WriteByte('\\')
		b.WriteByte(v[i])
		v = v[i+1:]
	}
	b.WriteString(v)
	b.WriteByte('"')
}

// size estimates the length of the text of c, to allocate once.
func size(c why401.Challenge) int {
	n := len(c.Scheme) + 1 + len(c.Token68)
	for _, p := range c.Params {
		n += len(p.Name) + len(p.Value) + 5
	}
	return n
}
