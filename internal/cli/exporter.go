package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"github.com/why401/why401/exporter"
)

func newExporterCmd(io *IO) *cobra.Command {
	var addr, config string
	c := &cobra.Command{
		Use:   "exporter [--config FILE] [--addr 127.0.0.1:9401]",
		Short: "Serve diagnoses as Prometheus metrics (GET /probe?target=URL&module=NAME)",
		Long: `Run a Prometheus exporter in the manner of the blackbox exporter: each scrape of
/probe?target=URL&module=NAME diagnoses the target and answers with that run's metrics
(why401_probe_success, why401_http_status_code, why401_credentials_accepted, why401_finding{id,…},
why401_verdict{id}, …); add &debug=true for the text report.

The config file (JSON) defines modules: how to call a target. Secrets are read from files or the
environment, never written in the config:

  {"modules": {"intranet": {"user": "monitor", "password_file": "/etc/why401/pw",
                            "timeout": "10s", "min_interval": "5m"}}}

A module that sends credentials runs at most once per min_interval (default 1m) per target; scrapes
in between get the last result, so that a monitor never locks its account out.`,
		Example: `  why401 exporter
  why401 exporter --config why401.json --addr 127.0.0.1:9401
  curl '127.0.0.1:9401/probe?target=https://intranet.example/&module=intranet'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg := exporter.DefaultConfig()
			if config != "" {
				var err error
				if cfg, err = exporter.LoadConfig(config); err != nil {
					return usageError("%v", err)
				}
			}
			l, err := net.Listen("tcp", addr)
			if err != nil {
				return usageError("--addr: %v", err)
			}
			if host, _, _ := net.SplitHostPort(addr); !isLoopback(host) {
				fmt.Fprintf(io.Err, "warning: the exporter listens on %s: anyone who reaches it can make it send requests\n", addr)
			}
			srv := &http.Server{Handler: exporter.New(cfg), ReadHeaderTimeout: 10 * time.Second}
			fmt.Fprintf(io.Out, "why401 exporter on http://%s/ (%d modules)\n", l.Addr(), len(cfg.Modules))
			go func() {
				<-cmd.Context().Done()
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = srv.Shutdown(ctx)
			}()
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return unreachable(err)
			}
			return nil
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:9401", "listen `ADDRESS`")
	c.Flags().StringVar(&config, "config", "", "modules from `FILE` (JSON); default: one module, \"default\", without credentials")
	return c
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
