package web

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"

	"github.com/why401/why401/probe"
)

// guard keeps the page from being used to reach what only this machine can
// reach (server-side request forgery). When serve listens beyond loopback,
// anyone who can load the page can make this machine send requests: without
// the guard they could read the cloud metadata service (169.254.169.254,
// fd00:ec2::254), the router's admin page, or a database on localhost.
//
// The rule is applied to the address actually dialled, in the dialer's
// Control hook: after DNS resolution, before connect(2), for every
// connection of a run, redirects and follow-up probes included. Checking
// the URL's host name alone would not do: a name can resolve to a public
// address when checked and to 127.0.0.1 when dialled (DNS rebinding), and a
// redirect can point anywhere. The URL is also checked before anything is
// sent, so that an address literal is refused with a clear message, and
// number forms that browsers and inet_aton read as addresses
// (http://2130706433/, http://0x7f.1/) never reach a resolver.
type guard struct {
	// exempt lists addresses allowed despite the rule, matched as
	// dialled (an exempt 127.0.0.1 does not exempt ::ffff:127.0.0.1); only
	// tests set it, to have an allowed target on loopback.
	exempt []netip.Prefix
	// dialHook, when set, sees every address the dialer was asked for and
	// the guard's verdict (nil: allowed), and returns the error the dial
	// gets. Tests record dials with it, and refuse, as a safety net, any
	// address that is not loopback even if the guard let it through.
	dialHook func(network, address string, verdict error) error
}

// blocked are the ranges a guarded run may not reach, with the name the
// refusal gives. Order matters: the first match names the refusal, so the
// narrow, well-known ranges come before the wide ones.
var blocked = []struct {
	p    netip.Prefix
	name string
}{
	{netip.MustParsePrefix("169.254.169.254/32"), "the cloud metadata service"},
	{netip.MustParsePrefix("fd00:ec2::254/128"), "the cloud metadata service (AWS, IPv6)"},
	{netip.MustParsePrefix("100.100.100.200/32"), "the cloud metadata service (Alibaba)"},
	{netip.MustParsePrefix("192.0.0.192/32"), "the cloud metadata service (Oracle)"},
	{netip.MustParsePrefix("0.0.0.0/8"), "\"this network\" (0.0.0.0/8, reaches the local host)"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private network (10.0.0.0/8)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (100.64.0.0/10, carrier-grade NAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback (this machine)"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local (169.254.0.0/16)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private network (172.16.0.0/12)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments (192.0.0.0/24)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private network (192.168.0.0/16)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking network (198.18.0.0/15)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved (240.0.0.0/4) or broadcast"},
	{netip.MustParsePrefix("::/128"), "the unspecified address (reaches the local host)"},
	{netip.MustParsePrefix("::1/128"), "loopback (this machine)"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible IPv6 (deprecated)"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64 (64:ff9b:1::/48)"},
	{netip.MustParsePrefix("100::/64"), "the discard prefix (100::/64)"},
	{netip.MustParsePrefix("2001::/32"), "Teredo (2001::/32), which can tunnel to any IPv4 address"},
	{netip.MustParsePrefix("fc00::/7"), "a unique local network (fc00::/7)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local (fe80::/10)"},
	{netip.MustParsePrefix("fec0::/10"), "site-local (fec0::/10, deprecated)"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// errRefused is the kind of every refusal, for errors.Is.
var errRefused = errors.New("refused by why401 serve")

// refusal says why an address may not be reached.
type refusal struct {
	addr netip.Addr
	name string
}

func (r *refusal) Error() string {
	return fmt.Sprintf("why401 serve does not connect to %s: it is %s. This page is reachable from other machines, so it only reaches public addresses; start it with --allow-private to lift this", r.addr, r.name)
}

func (r *refusal) Unwrap() error { return errRefused }

// check returns a *refusal when a guarded run may not reach a, else nil.
// IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are judged as the IPv4
// address they carry, and so are NAT64 (64:ff9b::/96) and 6to4 (2002::/16)
// addresses, which a gateway turns into one.
func (g *guard) check(a netip.Addr) error {
	a = a.WithZone("")
	for _, p := range g.exempt {
		if p.Contains(a) {
			return nil
		}
	}
	orig := a
	a = a.Unmap()
	if a.Is6() {
		b := a.As16()
		switch {
		case netip.MustParsePrefix("64:ff9b::/96").Contains(a):
			a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
		case netip.MustParsePrefix("2002::/16").Contains(a):
			a = netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
		}
	}
	for _, b := range blocked {
		if b.p.Contains(a) {
			return &refusal{addr: orig, name: b.name}
		}
	}
	return nil
}

// control is the dialer's Control hook (probe.Options.DialControl): it runs
// after the socket is created and before connect(2), with the resolved
// address, so a refused address receives no packet.
func (g *guard) control(network, address string, _ syscall.RawConn) error {
	err := g.checkDial(address)
	if g.dialHook != nil {
		err = g.dialHook(network, address, err)
	}
	return err
}

func (g *guard) checkDial(address string) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		// Control always gets "ip:port"; anything else is refused rather
		// than guessed at.
		return fmt.Errorf("why401 serve does not connect to %q: not an IP address: %w", address, errRefused)
	}
	return g.check(ap.Addr())
}

// checkURL refuses, before anything is sent, a target whose host is an
// address the rule forbids, or a number that some software reads as an
// IPv4 address. Host names pass: their addresses are checked when dialled.
func (g *guard) checkURL(raw string) error {
	u, err := probe.ParseURL(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		return g.check(a)
	}
	if a, ok := numericIPv4(host); ok {
		if err := g.check(a); err != nil {
			return fmt.Errorf("the host %q is the number form of %s: %w", host, a, err)
		}
		return fmt.Errorf("the host %q is a number that browsers read as the IPv4 address %s; write %s instead: %w", host, a, a, errRefused)
	}
	return nil
}

// numericIPv4 reports whether host is an IPv4 address written the way the
// WHATWG URL standard (§3.5, "ends in a number") and inet_aton(3) accept
// beyond dotted decimal: fewer than four parts (127.1, 2130706433), octal
// (0177.0.0.1) or hexadecimal (0x7f.0.0.1) parts. Such a host goes to a
// resolver as a name in Go, and as an address in curl and browsers; the
// page refuses it rather than guess which one the user meant.
func numericIPv4(host string) (netip.Addr, bool) {
	host = strings.TrimSuffix(host, ".")
	parts := strings.Split(host, ".")
	if len(parts) == 0 || len(parts) > 4 {
		return netip.Addr{}, false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, ok := ipv4Number(p)
		if !ok {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	last := nums[len(nums)-1]
	for _, n := range nums[:len(nums)-1] {
		if n > 255 {
			return netip.Addr{}, false
		}
	}
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, false
	}
	v := last
	for i, n := range nums[:len(nums)-1] {
		v += n << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// ipv4Number parses one part of a numeric host: decimal, 0x hexadecimal or
// 0-prefixed octal.
func ipv4Number(p string) (uint64, bool) {
	if p == "" {
		return 0, false
	}
	base := 10
	switch {
	case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
		base, p = 16, p[2:]
		if p == "" {
			return 0, true
		}
	case len(p) >= 2 && p[0] == '0':
		base, p = 8, p[1:]
	}
	n, err := strconv.ParseUint(p, base, 64)
	if err != nil || n > 0xffffffff {
		return 0, false
	}
	return n, true
}

// isLoopbackListen reports whether addr ("host:port") listens on loopback
// only, where only this machine can load the page.
func isLoopbackListen(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}
