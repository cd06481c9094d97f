package cookies

import "time"

// parseCookieDate parses the value of an Expires attribute with the
// algorithm of 6265bis §5.1.1, not with one time.Parse layout: servers send
// RFC 1123 ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850 ("Sunday, 06-Nov-94
// 08:49:37 GMT"), asctime ("Sun Nov  6 08:49:37 1994") and worse, and
// browsers read them all the same tolerant way. A date a browser cannot read
// leaves the Expires attribute ignored, so the cookie becomes a session
// cookie; that is a diagnosis in itself.
//
//	cookie-date     = *delimiter date-token-list *delimiter
//	delimiter       = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
//	time            = hms-time [ non-digit *OCTET ]
//	hms-time        = time-field ":" time-field ":" time-field
//	time-field      = 1*2DIGIT
//	day-of-month    = 1*2DIGIT [ non-digit *OCTET ]
//	month           = ( "jan" / "feb" / … / "dec" ) *OCTET
//	year            = 2*4DIGIT [ non-digit *OCTET ]
//
// Each token is tried as a time, then a day of month, then a month, then a
// year, each only until the first is found. Two-digit years 70–99 are
// 19xx and 00–69 are 20xx; years before 1601, hours over 23, minutes or
// seconds over 59 and dates that do not exist (February 30) fail. Time zones
// are ignored: the date is UTC.
func parseCookieDate(s string) (time.Time, bool) {
	var (
		foundTime, foundDay, foundMonth, foundYear bool
		hour, minute, second, day, year            int
		month                                      time.Month
	)
	for i := 0; i < len(s); {
		for i < len(s) && isDateDelimiter(s[i]) {
			i++
		}
		j := i
		for j < len(s) && !isDateDelimiter(s[j]) {
			j++
		}
		tok := s[i:j]
		i = j
		if tok == "" {
			continue
		}
		if !foundTime {
			if h, m, sec, ok := matchTime(tok); ok {
				foundTime, hour, minute, second = true, h, m, sec
				continue
			}
		}
		if !foundDay {
			if n, ok := matchDigits(tok, 1, 2); ok {
				foundDay, day = true, n
				continue
			}
		}
		if !foundMonth {
			if m, ok := matchMonth(tok); ok {
				foundMonth, month = true, m
				continue
			}
		}
		if !foundYear {
			if n, ok := matchDigits(tok, 2, 4); ok {
				foundYear, year = true, n
				continue
			}
		}
	}
	switch {
	case 70 <= year && year <= 99:
		year += 1900
	case 0 <= year && year <= 69:
		year += 2000
	}
	if !foundTime || !foundDay || !foundMonth || !foundYear ||
		day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, hour, minute, second, 0, time.UTC)
	if t.Day() != day { // normalized: the date does not exist
		return time.Time{}, false
	}
	return t, true
}

func isDateDelimiter(c byte) bool {
	return c == 0x09 || 0x20 <= c && c <= 0x2F || 0x3B <= c && c <= 0x40 ||
		0x5B <= c && c <= 0x60 || 0x7B <= c && c <= 0x7E
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// matchDigits matches min*maxDIGIT [ non-digit *OCTET ] at the start of tok.
func matchDigits(tok string, min, max int) (int, bool) {
	n, k := 0, 0
	for k < len(tok) && isDigit(tok[k]) {
		if k < max {
			n = n*10 + int(tok[k]-'0')
		}
		k++
	}
	if k < min || k > max {
		return 0, false
	}
	return n, true
}

// matchTime matches hms-time [ non-digit *OCTET ].
func matchTime(tok string) (h, m, s int, ok bool) {
	var f [3]int
	i := 0
	for n := range f {
		if n > 0 {
			if i >= len(tok) || tok[i] != ':' {
				return 0, 0, 0, false
			}
			i++
		}
		k := 0
		for i < len(tok) && isDigit(tok[i]) && k < 2 {
			f[n] = f[n]*10 + int(tok[i]-'0')
			i++
			k++
		}
		if k == 0 {
			return 0, 0, 0, false
		}
	}
	if i < len(tok) && isDigit(tok[i]) { // a third digit: not a time-field
		return 0, 0, 0, false
	}
	return f[0], f[1], f[2], true
}

var monthNames = [12]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// matchMonth matches a month name's first three letters, in any case,
// followed by anything ("Nov", "November", "nov.").
func matchMonth(tok string) (time.Month, bool) {
	if len(tok) < 3 {
		return 0, false
	}
	p := lowerASCII(tok[:3])
	for i, m := range monthNames {
		if p == m {
			return time.Month(i + 1), true
		}
	}
	return 0, false
}
