package lab

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"time"

	mdns "github.com/miekg/dns"
	"github.com/why401/why401/dns"
	"github.com/why401/why401/dns/dnstest"
)

// AppHost is the name the DNS scenarios diagnose: localhost, which every
// hosts file maps to 127.0.0.1 without asking DNS (RFC 6761 §6.3), so a
// client that knows nothing of the lab (why401 scan, curl) reaches the
// lab's own listener and no lookup leaves the machine. In a diagnosis of
// the lab, the lab's resolvers give it the backends' addresses instead.
const AppHost = "localhost"

// OldPass is alice's password on the backends that missed the last
// password change (127.0.0.3 and the old server 127.0.0.4).
const OldPass = "old horse"

// node is one backend of AppHost, listening on its own loopback address at
// the lab's https port.
type node struct {
	name   string // its X-Backend header
	realm  string
	server string
	users  map[string]string
}

// nodes are the backends, by address. 127.0.0.2, .3 and .5 are the
// current pool (.3 missed a password change); 127.0.0.4 is the server the
// name pointed to before, which a stale answer still leads to; 127.0.0.1,
// where a client without the lab's resolvers lands, answers as the pool
// should.
var nodes = map[string]node{
	"127.0.0.1": {name: "main", realm: "App", server: "lab", users: map[string]string{User: Password}},
	"127.0.0.2": {name: "a", realm: "App", server: "lab", users: map[string]string{User: Password}},
	"127.0.0.3": {name: "b", realm: "App", server: "lab", users: map[string]string{User: OldPass}},
	"127.0.0.5": {name: "c", realm: "App", server: "lab", users: map[string]string{User: Password}},
	"127.0.0.4": {name: "old", realm: "App (old)", server: "lab-old", users: map[string]string{User: OldPass}},
}

var (
	currentPool = addrs("127.0.0.2", "127.0.0.3", "127.0.0.5")
	oldServer   = addrs("127.0.0.4")
)

func addrs(s ...string) []netip.Addr {
	out := make([]netip.Addr, len(s))
	for i, a := range s {
		out[i] = netip.MustParseAddr(a)
	}
	return out
}

// DNSLab is the lab's DNS and the backends its names lead to: resolvers on
// 127.0.0.1 (the zone as it is now, with TTL 60; a stale one that still
// gives the old server, with TTL 3600; one that answers SERVFAIL), the
// "system resolver" a diagnosis of the lab uses instead of the machine's,
// and a listener per backend address at the https port.
type DNSLab struct {
	// System answers AppHost as the current zone does.
	System dns.Resolver
	// Resolvers are HOST:PORT by name: "current", "stale", "servfail".
	Resolvers map[string]string
	// Err says why the backends could not listen (a system without
	// 127.0.0.2–5 on loopback); the DNS scenarios are then left out.
	Err     error
	servers []*dnstest.Server
}

// WithDNS returns ctx with the lab's system resolver in place of the
// machine's (dns.WithSystem): a diagnosis of a lab name stays on loopback.
func (e *Env) WithDNS(ctx context.Context) context.Context {
	if e.DNS == nil {
		return ctx
	}
	return dns.WithSystem(ctx, e.DNS.System)
}

// Resolution returns the --resolve pins and the --resolver addresses a
// user would pass for sc.
func (e *Env) Resolution(sc *Scenario) (resolve, resolvers []string) {
	r := sc.Request
	if r.Resolve != "" {
		if u, err := url.Parse(e.URL(sc)); err == nil {
			resolve = append(resolve, u.Hostname()+":"+u.Port()+":"+r.Resolve)
		}
	}
	for _, name := range r.Resolvers {
		if e.DNS != nil && e.DNS.Resolvers[name] != "" {
			resolvers = append(resolvers, e.DNS.Resolvers[name])
		}
	}
	return resolve, resolvers
}

// startDNSLab starts the lab's resolvers and the backends of AppHost, on
// the https port, serving h. Their servers stop with the lab's. Where the
// backend addresses cannot be bound, the DNS scenarios are left out and
// the rest of the lab runs.
func (s *Server) startDNSLab(h http.Handler, cert tls.Certificate, opts Options) error {
	d := &DNSLab{Resolvers: map[string]string{}}
	s.Env.DNS = d
	zones := map[string]dnstest.Zone{
		"current":  {Records: map[string][]netip.Addr{AppHost: currentPool}, TTL: 60},
		"stale":    {Records: map[string][]netip.Addr{AppHost: oldServer}, TTL: 3600},
		"servfail": {Rcode: mdns.RcodeServerFailure},
	}
	for _, name := range []string{"current", "stale", "servfail"} {
		srv, err := dnstest.Start(zones[name])
		if err != nil {
			d.close()
			return fmt.Errorf("lab: DNS: %w", err)
		}
		d.servers = append(d.servers, srv)
		d.Resolvers[name] = srv.Addr
	}
	d.System = dns.Static{Table: map[string][]netip.Addr{AppHost: currentPool}}

	_, port, _ := net.SplitHostPort(s.Env.HTTPS[len("https://"):])
	var ls []net.Listener
	for _, ip := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"} {
		l, err := net.Listen("tcp", net.JoinHostPort(ip, port))
		if err != nil {
			for _, l := range ls {
				l.Close()
			}
			d.Err = fmt.Errorf("lab: the DNS scenarios need 127.0.0.2–5 on loopback: %w", err)
			if opts.Log != nil {
				opts.Log.Print(d.Err)
			}
			s.Scenarios = slices.DeleteFunc(s.Scenarios, func(sc *Scenario) bool { return sc.Request.Resolve != "" })
			d.close()
			return nil
		}
		ls = append(ls, l)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(discard{}, "", 0),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
	}
	// The resolvers stop when the lab's servers do, and Close waits for
	// them.
	s.wg.Add(1)
	srv.RegisterOnShutdown(func() {
		defer s.wg.Done()
		d.close()
	})
	s.servers = append(s.servers, srv)
	for _, l := range ls {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := srv.Serve(tls.NewListener(l, srv.TLSConfig)); err != nil && !errors.Is(err, http.ErrServerClosed) && opts.Log != nil {
				opts.Log.Printf("lab: %v", err)
			}
		}()
	}
	return nil
}

func (d *DNSLab) close() {
	for _, s := range d.servers {
		s.Close()
	}
	d.servers = nil
}

// backend serves AppHost for one scenario: each address answers as its
// node does, Basic with the node's realm and users. It checks what
// arrived: the Host header and TLS server name of the name (why401 must
// keep both when it dials an address), no request at an address that is
// not a backend, and the user's credentials only at the pinned address
// unless the scenario passes --all-backends.
func backend(env *Env, id, pinned string, allBackends bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		local := ""
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			if ap, err := netip.ParseAddrPort(a.String()); err == nil {
				local = ap.Addr().Unmap().String()
			}
		}
		n, ok := nodes[local]
		if !ok {
			env.Violation(id, "a request arrived at %s, which is not a backend of %s", local, AppHost)
			http.Error(w, "not a backend of "+AppHost, http.StatusMisdirectedRequest)
			return
		}
		if host, _, _ := net.SplitHostPort(r.Host); host != AppHost {
			env.Violation(id, "%s received Host %q, want %s", local, r.Host, AppHost)
		}
		if r.TLS == nil || r.TLS.ServerName != AppHost {
			env.Violation(id, "%s received no TLS server name %s", local, AppHost)
		}
		w.Header().Set("Server", n.server)
		w.Header().Set("X-Backend", n.name)
		user, pass, hasAuth := r.BasicAuth()
		if r.Header.Get("Authorization") != "" && !hasAuth {
			env.Violation(id, "%s received a scheme other than Basic", local)
		}
		if hasAuth && !probeUser(user) {
			env.Use(id)
			if local != pinned && !allBackends {
				env.Violation(id, "the user's credentials reached %s without --all-backends", local)
			}
		}
		if want, known := n.users[user]; hasAuth && known && pass == want {
			page(w, "App")
			return
		}
		unauthorized(w, `Basic realm="`+n.realm+`"`)
	})
}
