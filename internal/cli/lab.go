package cli

import (
	"fmt"
	"log"
	"time"

	"github.com/spf13/cobra"
	"github.com/why401/why401/lab"
)

func newLabCmd(io *IO) *cobra.Command {
	var addr string
	var latency time.Duration
	var quiet bool
	c := &cobra.Command{
		Use:   "lab [--addr 127.0.0.1:8402] [--latency 100ms]",
		Short: "Serve every reproduced cause of a 401, on loopback",
		Long: `Start the lab: a server that reproduces every cause why401 diagnoses, one scenario per path, over
plain http on ADDR and https (a self-signed certificate) on the next port. It listens on loopback only.
Open the base URL for the list of scenarios. Stop it with Ctrl-C.`,
		Example: `  why401 lab
  why401 lab --addr 127.0.0.1:9000 --latency 100ms
  why401 https://127.0.0.1:8403/basic/rejected/ -k -u alice:'wrong horse'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var l *log.Logger
			if !quiet {
				l = log.New(io.Err, "lab: ", log.Ltime)
			}
			srv, err := lab.Start(lab.Options{Addr: addr, Latency: latency, Log: l})
			if err != nil {
				return usageError("%v", err)
			}
			defer srv.Close()
			fmt.Fprintf(io.Out, "why401 lab: %d scenarios on %s and %s (self-signed: use -k)\n", len(srv.Scenarios), srv.Env.HTTP, srv.Env.HTTPS)
			fmt.Fprintf(io.Out, "account: %s / %q; list: %s/\n", lab.User, lab.Password, srv.Env.HTTP)
			<-cmd.Context().Done()
			return nil
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8402", "plain-http listen `ADDRESS` (loopback); https takes the next port")
	c.Flags().DurationVar(&latency, "latency", 0, "delay every response by `DURATION`, to measure round trips")
	c.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not log requests")
	return c
}
