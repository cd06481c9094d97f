// Package dnstest runs small DNS servers on loopback for tests and the lab,
// as net/http/httptest runs HTTP servers: each answers from a fixed zone,
// over UDP and TCP on the same port, and can be made to fail the ways real
// resolvers fail (SERVFAIL, REFUSED, silence, truncation).
package dnstest

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"

	mdns "github.com/miekg/dns"
)

// Zone is what a Server answers. Names are compared without case and
// trailing dot; a name that is neither in Records nor in CNAMEs does not
// exist (NXDOMAIN), and one in Records with no address of the asked family
// has no data (NOERROR, empty answer).
type Zone struct {
	Records map[string][]netip.Addr
	CNAMEs  map[string]string // alias → target
	TTL     uint32            // of every record; 0 means 60
	// Rcode, when not zero, is the answer to every question
	// (mdns.RcodeServerFailure, mdns.RcodeRefused …).
	Rcode int
	// Silent drops every question: a resolver that does not answer.
	Silent bool
	// TruncateUDP answers every UDP question with an empty, truncated
	// message, as a server without EDNS0 does for a large answer: the
	// client must ask again over TCP.
	TruncateUDP bool
}

// Server is a running DNS server on loopback.
type Server struct {
	// Addr is 127.0.0.1:PORT, the same port for UDP and TCP.
	Addr    string
	zone    Zone
	udp     *mdns.Server
	tcp     *mdns.Server
	queries atomic.Int64
	wg      sync.WaitGroup
}

// Start starts a server for z on 127.0.0.1 at a free port.
func Start(z Zone) (*Server, error) {
	if z.TTL == 0 {
		z.TTL = 60
	}
	s := &Server{zone: z}
	var (
		pc  net.PacketConn
		l   net.Listener
		err error
	)
	// Take a free UDP port, then the same TCP port; another process may
	// hold the TCP one, so try a few.
	for range 10 {
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("dnstest: %w", err)
		}
		l, err = net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			break
		}
		pc.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("dnstest: no port free for both UDP and TCP: %w", err)
	}
	s.Addr = pc.LocalAddr().String()
	h := mdns.HandlerFunc(s.serve)
	s.udp = &mdns.Server{PacketConn: pc, Handler: h}
	s.tcp = &mdns.Server{Listener: l, Handler: h}
	var started sync.WaitGroup
	for _, srv := range []*mdns.Server{s.udp, s.tcp} {
		started.Add(1)
		srv.NotifyStartedFunc = started.Done
		s.wg.Go(func() { _ = srv.ActivateAndServe() })
	}
	started.Wait()
	return s, nil
}

// Close stops the server and waits for it.
func (s *Server) Close() error {
	err := errors.Join(s.udp.Shutdown(), s.tcp.Shutdown())
	s.wg.Wait()
	return err
}

// Queries returns how many questions the server has received.
func (s *Server) Queries() int { return int(s.queries.Load()) }

func (s *Server) serve(w mdns.ResponseWriter, r *mdns.Msg) {
	s.queries.Add(1)
	z := s.zone
	if z.Silent || len(r.Question) != 1 {
		return
	}
	m := new(mdns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.RecursionAvailable = true
	if z.Rcode != 0 {
		m.Rcode = z.Rcode
		_ = w.WriteMsg(m)
		return
	}
	if _, udp := w.RemoteAddr().(*net.UDPAddr); udp && z.TruncateUDP {
		m.Truncated = true
		_ = w.WriteMsg(m)
		return
	}
	q := r.Question[0]
	name := key(q.Name)
	for range 16 {
		target, ok := lookupFold(z.CNAMEs, name)
		if !ok {
			break
		}
		m.Answer = append(m.Answer, &mdns.CNAME{
			Hdr:    mdns.RR_Header{Name: mdns.Fqdn(name), Rrtype: mdns.TypeCNAME, Class: mdns.ClassINET, Ttl: z.TTL},
			Target: mdns.Fqdn(key(target)),
		})
		name = key(target)
	}
	addrs, ok := lookupFold(z.Records, name)
	if !ok && len(m.Answer) == 0 {
		m.Rcode = mdns.RcodeNameError
	}
	for _, ip := range addrs {
		hdr := mdns.RR_Header{Name: mdns.Fqdn(name), Class: mdns.ClassINET, Ttl: z.TTL}
		switch {
		case ip.Is4() && q.Qtype == mdns.TypeA:
			hdr.Rrtype = mdns.TypeA
			m.Answer = append(m.Answer, &mdns.A{Hdr: hdr, A: ip.AsSlice()})
		case ip.Is6() && q.Qtype == mdns.TypeAAAA:
			hdr.Rrtype = mdns.TypeAAAA
			m.Answer = append(m.Answer, &mdns.AAAA{Hdr: hdr, AAAA: ip.AsSlice()})
		}
	}
	if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
		// What fits in the client's buffer (512 bytes without EDNS0,
		// RFC 1035 §4.2.1), with TC set when records were left out.
		size := mdns.MinMsgSize
		if o := r.IsEdns0(); o != nil && int(o.UDPSize()) > size {
			size = int(o.UDPSize())
		}
		m.Truncate(size)
	}
	_ = w.WriteMsg(m)
}

func key(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

func lookupFold[V any](m map[string]V, name string) (V, bool) {
	for k, v := range m {
		if key(k) == name {
			return v, true
		}
	}
	var zero V
	return zero, false
}
