package cli

import (
	"context"
	"fmt"
	"log"
	"net"
	"time"

	"github.com/spf13/cobra"
	"github.com/why401/why401/web"
)

// serveOptions are the flags of `why401 serve`.
type serveOptions struct {
	io           *IO
	addr         string
	allowPrivate bool
	maxUploadMiB int64
	maxTime      float64
	quiet        bool

	// listen opens the listener; tests replace it.
	listen func(network, addr string) (net.Listener, error)
}

func newServeCmd(io *IO) *cobra.Command { return newServeCmdListen(io, net.Listen) }

// newServeCmdListen is newServeCmd with the listener opened by listen.
func newServeCmdListen(io *IO, listen func(network, addr string) (net.Listener, error)) *cobra.Command {
	o := &serveOptions{io: io, listen: listen}
	c := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8401]",
		Short: "Serve the local web page: paste a URL or a curl command, drop a HAR",
		Long: `Serve a web page where you paste a URL (with optional credentials), a "Copy as cURL" command, or
drop a HAR export, and see the diagnosis laid out: the verdict, the ranked findings with evidence and
fixes, the redirect chain hop by hop, the challenges explained, and the reports to download.

It listens on 127.0.0.1 only and opens no browser: open the address it prints. It answers only to
that address or localhost, refuses requests from other sites, and forgets every password, token and
cookie after the run. Listening on another address (--addr 0.0.0.0:8401) makes the page reachable
from other machines: why401 then refuses targets in private, loopback, link-local and cloud
metadata ranges, at connection time, unless --allow-private. Stop it with Ctrl-C.`,
		Example: `  why401 serve
  why401 serve --addr 127.0.0.1:9000
  why401 serve --addr 0.0.0.0:8401            (reachable from the network: public targets only)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8401", "listen `ADDRESS` (host:port); anything but loopback is reachable from other machines")
	f.BoolVar(&o.allowPrivate, "allow-private", false, "when listening beyond loopback, still allow private, loopback and link-local targets")
	f.Int64Var(&o.maxUploadMiB, "max-upload", web.DefaultMaxUpload>>20, "refuse HAR uploads larger than `MIB` mebibytes")
	f.Float64VarP(&o.maxTime, "max-time", "m", web.DefaultMaxTime.Seconds(), "give up on one diagnosis after `SECONDS`")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "do not log requests")
	return c
}

// runServe listens, prints where, and serves until the context ends.
func runServe(ctx context.Context, o *serveOptions) error {
	if o.maxUploadMiB <= 0 {
		return usageError("--max-upload must be a positive number of MiB")
	}
	if o.maxTime <= 0 {
		return usageError("-m must be a positive number of seconds")
	}
	if _, _, err := net.SplitHostPort(o.addr); err != nil {
		return usageError("--addr %q: want HOST:PORT, such as 127.0.0.1:8401", o.addr)
	}
	l, err := o.listen("tcp", o.addr)
	if err != nil {
		return unreachable(fmt.Errorf("cannot listen on %s: %w", o.addr, err))
	}
	defer l.Close()
	var logger *log.Logger
	if !o.quiet {
		logger = log.New(o.io.Err, "serve: ", log.Ltime)
	}
	srv, err := web.New(l.Addr().String(), web.Options{
		AllowPrivate: o.allowPrivate,
		MaxUpload:    o.maxUploadMiB << 20,
		MaxTime:      time.Duration(o.maxTime * float64(time.Second)),
		Log:          logger,
		Version:      Version,
		Now:          o.io.Now,
	})
	if err != nil {
		return usageError("%v", err)
	}
	if !isLoopbackAddr(o.addr) {
		fmt.Fprintf(o.io.Err, "why401 serve: warning: %s is reachable from other machines, and anyone who can load the page can make this machine send requests.\n", o.addr)
		if srv.Guarded() {
			fmt.Fprintln(o.io.Err, "why401 serve: targets in private, loopback, link-local and cloud metadata ranges are refused (--allow-private lifts this).")
		} else {
			fmt.Fprintln(o.io.Err, "why401 serve: warning: --allow-private is set: the page can reach this machine's private networks and cloud metadata.")
		}
	}
	fmt.Fprintf(o.io.Out, "why401 serve: open %s (Ctrl-C to stop)\n", srv.URL())
	if err := srv.Serve(ctx, l); err != nil {
		return unreachable(fmt.Errorf("serve: %w", err))
	}
	return nil
}

// isLoopbackAddr reports whether a listen address is on loopback only.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
