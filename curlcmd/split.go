// Package curlcmd reads a request given as a curl command line, as browsers'
// DevTools write it with "Copy as cURL": Split turns the pasted text into
// arguments the way bash or Windows cmd would, and Parse turns curl's
// arguments into a why401.Input.
//
// Neither ever echoes the command in an error or a warning: it holds
// passwords, tokens and cookies. Errors give byte offsets and option names.
package curlcmd

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Dialect is the shell a command line was written for.
type Dialect int

// The shells whose quoting Split understands.
const (
	// Auto detects the dialect (see Detect).
	Auto Dialect = iota
	// POSIX is bash's quoting: '…', $'…', "…", backslash escapes and
	// line continuations. Chrome's and Firefox's "Copy as cURL (bash)"
	// and "Copy as cURL (POSIX)".
	POSIX
	// Cmd is Windows cmd.exe's quoting (^ escapes, ^ line continuations)
	// followed by the Microsoft C runtime's argument splitting ("…",
	// backslash-quote, ""). Chrome's "Copy as cURL (cmd)" and Firefox's
	// "Copy as cURL (Windows)".
	Cmd
)

func (d Dialect) String() string {
	switch d {
	case POSIX:
		return "posix"
	case Cmd:
		return "cmd"
	}
	return "auto"
}

// SyntaxError is a command line that cannot be split. It names the byte
// offset in the command, never the command's text.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return "curlcmd: " + e.Msg + " at byte " + strconv.Itoa(e.Offset)
}

// Detect tells which shell a command line was written for: Cmd when it uses
// cmd's caret escapes (Chrome writes every argument as ^"…^" and ends lines
// with " ^"), or the C runtime's doubled quotes ("a""b", as Firefox writes
// for Windows) with no single quotes; POSIX otherwise.
func Detect(cmdline string) Dialect {
	if strings.Contains(cmdline, `^"`) {
		return Cmd
	}
	for _, line := range strings.Split(cmdline, "\n") {
		if strings.HasSuffix(strings.TrimRight(line, " \t\r"), "^") {
			return Cmd
		}
	}
	if !strings.Contains(cmdline, "'") {
		for i := 1; i+2 < len(cmdline); i++ {
			if cmdline[i] == '"' && cmdline[i+1] == '"' && !isSpace(cmdline[i-1]) && !isSpace(cmdline[i+2]) {
				return Cmd
			}
		}
	}
	return POSIX
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Split splits a command line into arguments, detecting its dialect.
func Split(cmdline string) ([]string, error) { return SplitAs(cmdline, Auto) }

// SplitAs splits a command line written for the given shell.
func SplitAs(cmdline string, d Dialect) ([]string, error) {
	if d == Auto {
		d = Detect(cmdline)
	}
	if d == Cmd {
		return splitCmd(cmdline)
	}
	return splitPOSIX(cmdline)
}

// splitter accumulates words.
type splitter struct {
	words []string
	cur   strings.Builder
	inArg bool // a word has started (even an empty one, like '')
}

func (s *splitter) flush() {
	if s.inArg {
		s.words = append(s.words, s.cur.String())
	}
	s.cur.Reset()
	s.inArg = false
}

// splitPOSIX splits as bash does, without expanding anything: a shell
// variable, a command substitution or an operator (|, ;, &, <, >) is an
// error, since the request would not be the one that ran.
func splitPOSIX(s string) ([]string, error) {
	var sp splitter
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			sp.flush()
			i++
		case c == '\\':
			if i+1 >= len(s) {
				return nil, &SyntaxError{i, "the command ends with '\\' (a line continuation with nothing after it)"}
			}
			switch s[i+1] {
			case '\n':
				i += 2
			case '\r':
				i += 2
				if i < len(s) && s[i] == '\n' {
					i++
				}
			default:
				_, w := utf8.DecodeRuneInString(s[i+1:])
				sp.cur.WriteString(s[i+1 : i+1+w])
				sp.inArg = true
				i += 1 + w
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, &SyntaxError{i, "unbalanced quote: this ' is never closed"}
			}
			sp.cur.WriteString(s[i+1 : i+1+end])
			sp.inArg = true
			i += end + 2
		case c == '$' && i+1 < len(s) && s[i+1] == '\'':
			n, err := ansiC(s, i, &sp.cur)
			if err != nil {
				return nil, err
			}
			sp.inArg = true
			i = n
		case c == '$' && i+1 < len(s) && s[i+1] == '"':
			i++ // $"…" is "…" translated: there is no translation here
		case c == '"':
			n, err := doubleQuoted(s, i, &sp.cur)
			if err != nil {
				return nil, err
			}
			sp.inArg = true
			i = n
		case c == '$':
			if err := dollar(s, i); err != nil {
				return nil, err
			}
			sp.cur.WriteByte('$')
			sp.inArg = true
			i++
		case c == '`':
			return nil, &SyntaxError{i, "command substitution (`…`) is not run; put its output in the command"}
		case c == '#' && !sp.inArg:
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '|' || c == ';' || c == '&' || c == '<' || c == '>' || c == '(' || c == ')':
			return nil, &SyntaxError{i, "shell operator '" + string(c) + "': paste only the curl command, or quote the argument"}
		default:
			sp.cur.WriteByte(c)
			sp.inArg = true
			i++
		}
	}
	sp.flush()
	return sp.words, nil
}

// dollar refuses what bash would expand at s[i] = '$': $NAME, ${…}, $(…).
// A '$' before anything else stands for itself.
func dollar(s string, i int) error {
	if i+1 >= len(s) {
		return nil
	}
	switch c := s[i+1]; {
	case c == '(':
		return &SyntaxError{i, "command substitution ($(…)) is not run; put its output in the command"}
	case c == '{':
		return &SyntaxError{i, "shell variable ${…} is not expanded; put its value in the command"}
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		j := i + 1
		for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
			j++
		}
		name := s[i+1 : j]
		if len(name) > 32 {
			name = name[:32] + "…"
		}
		return &SyntaxError{i, "shell variable $" + name + " is not expanded; put its value in the command"}
	case c >= '0' && c <= '9' || strings.IndexByte("@*#?-$!", c) >= 0:
		return &SyntaxError{i, "shell parameter $" + string(c) + " is not expanded; put its value in the command"}
	}
	return nil
}

// doubleQuoted reads "…" starting at s[i] and returns the index after it.
// Inside, a backslash escapes only $ ` " \ and a newline (bash(1),
// QUOTING).
func doubleQuoted(s string, i int, out *strings.Builder) (int, error) {
	open := i
	for i++; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return i + 1, nil
		case '\\':
			if i+1 < len(s) {
				switch s[i+1] {
				case '$', '`', '"', '\\':
					out.WriteByte(s[i+1])
					i++
					continue
				case '\n':
					i++
					continue
				}
			}
			out.WriteByte('\\')
		case '$':
			if err := dollar(s, i); err != nil {
				return 0, err
			}
			out.WriteByte('$')
		case '`':
			return 0, &SyntaxError{i, "command substitution (`…`) is not run; put its output in the command"}
		default:
			out.WriteByte(c)
		}
	}
	return 0, &SyntaxError{open, "unbalanced quote: this \" is never closed"}
}

// ansiC reads $'…' starting at s[i] = '$' (bash(1), QUOTING: ANSI-C
// quoting) and returns the index after it. \xHH and octal escapes give
// bytes, \u and \U give UTF-8, as bash does; Firefox writes \xe9 for é,
// which is the byte 0xe9.
func ansiC(s string, i int, out *strings.Builder) (int, error) {
	open := i
	for i += 2; i < len(s); i++ {
		c := s[i]
		if c == '\'' {
			return i + 1, nil
		}
		if c != '\\' {
			out.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			break
		}
		i++
		switch e := s[i]; e {
		case 'a':
			out.WriteByte('\a')
		case 'b':
			out.WriteByte('\b')
		case 'e', 'E':
			out.WriteByte(0x1b)
		case 'f':
			out.WriteByte('\f')
		case 'n':
			out.WriteByte('\n')
		case 'r':
			out.WriteByte('\r')
		case 't':
			out.WriteByte('\t')
		case 'v':
			out.WriteByte('\v')
		case '\\', '\'', '"', '?':
			out.WriteByte(e)
		case 'x', 'u', 'U':
			max := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			j := i + 1
			for j < len(s) && j-i-1 < max && isHex(s[j]) {
				j++
			}
			if j == i+1 {
				out.WriteByte('\\')
				out.WriteByte(e)
				continue
			}
			v, _ := strconv.ParseUint(s[i+1:j], 16, 32)
			if e == 'x' {
				out.WriteByte(byte(v))
			} else if v <= utf8.MaxRune {
				out.WriteRune(rune(v))
			}
			i = j - 1
		case 'c':
			if i+1 < len(s) {
				i++
				out.WriteByte(s[i] & 0x1f)
			}
		default:
			if e >= '0' && e <= '7' {
				j := i
				for j < len(s) && j-i < 3 && s[j] >= '0' && s[j] <= '7' {
					j++
				}
				v, _ := strconv.ParseUint(s[i:j], 8, 16)
				out.WriteByte(byte(v))
				i = j - 1
				continue
			}
			out.WriteByte('\\')
			out.WriteByte(e)
		}
	}
	return 0, &SyntaxError{open, "unbalanced quote: this $' is never closed"}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// splitCmd splits as cmd.exe and then the C runtime do. cmd.exe first: a
// caret outside double quotes escapes the next character (a caret at the
// end of a line continues it), a double quote toggles cmd's quoting unless
// it was escaped, and &, |, <, > outside quotes are operators. What cmd
// passes on is split by the C runtime's rules (Microsoft, "Parsing C++
// command-line arguments"): white space separates arguments outside double
// quotes; 2n backslashes and a quote give n backslashes and a quote that
// toggles quoting; 2n+1 give n and a literal quote; "" inside quotes is a
// literal quote; other backslashes are literal.
func splitCmd(s string) ([]string, error) {
	// Pass 1, cmd.exe: the characters passed on, with their offsets.
	type ch struct {
		c   byte
		off int
	}
	var line []ch
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			quoted = !quoted
			line = append(line, ch{c, i})
		case quoted:
			line = append(line, ch{c, i})
		case c == '^':
			if i+1 >= len(s) {
				return nil, &SyntaxError{i, "the command ends with '^' (a line continuation with nothing after it)"}
			}
			i++
			if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			if s[i] == '\n' {
				// A continuation: the newline goes, and the next
				// character is taken as it is (Chrome writes "^\n\n" for
				// a newline inside an argument).
				if i+1 < len(s) {
					i++
					line = append(line, ch{s[i], i})
				}
				continue
			}
			line = append(line, ch{s[i], i})
		case c == '&' || c == '|' || c == '<' || c == '>':
			return nil, &SyntaxError{i, "cmd operator '" + string(c) + "': escape it as ^" + string(c) + " or quote the argument"}
		default:
			line = append(line, ch{c, i})
		}
	}

	// Pass 2, the C runtime.
	var sp splitter
	quoted = false
	open := 0
	for k := 0; k < len(line); {
		c := line[k].c
		switch {
		case !quoted && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			sp.flush()
			k++
		case c == '\\':
			n := 0
			for k+n < len(line) && line[k+n].c == '\\' {
				n++
			}
			if k+n < len(line) && line[k+n].c == '"' {
				sp.cur.WriteString(strings.Repeat(`\`, n/2))
				sp.inArg = true
				if n%2 == 1 {
					sp.cur.WriteByte('"')
					k += n + 1
				} else {
					k += n // the quote is handled next
				}
				continue
			}
			sp.cur.WriteString(strings.Repeat(`\`, n))
			sp.inArg = true
			k += n
		case c == '"':
			if quoted && k+1 < len(line) && line[k+1].c == '"' {
				sp.cur.WriteByte('"')
				k += 2
				continue
			}
			if !quoted {
				open = line[k].off
			}
			quoted = !quoted
			sp.inArg = true
			k++
		default:
			sp.cur.WriteByte(c)
			sp.inArg = true
			k++
		}
	}
	if quoted {
		return nil, &SyntaxError{open, "unbalanced quote: this \" is never closed"}
	}
	sp.flush()
	return sp.words, nil
}
