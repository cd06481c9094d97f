package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	why401 "github.com/why401/why401"
	"github.com/why401/why401/challenge"
)

type challengeOptions struct {
	io   *IO
	json bool
}

func newChallengeCmd(io *IO) *cobra.Command {
	o := &challengeOptions{io: io}
	c := &cobra.Command{
		Use:   "challenge 'VALUE' ['VALUE' …]",
		Short: "Parse and explain a WWW-Authenticate value",
		Long: `Parse one or more WWW-Authenticate (or Proxy-Authenticate) field values by RFC 9110 §11 and say in
plain words what the server asks for. Several arguments are several field lines of one response.
An invalid value is reported with the byte where parsing failed, and what could be recovered.
Exit 0 for a valid value, 1 for an invalid one.`,
		Example: `  why401 challenge 'Basic realm="Reports", charset="UTF-8"'
  why401 challenge 'Bearer realm="api", error="invalid_token", error_description="The access token expired"'
  why401 challenge --json 'Digest realm="x", qop="auth", algorithm=SHA-256, nonce="abc"' | jq .challenges[0].params`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError("challenge needs a WWW-Authenticate value, quoted (see why401 challenge --help)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runChallenge(o, args) },
	}
	c.Flags().BoolVar(&o.json, "json", false, `print {"valid","error","challenges"} as JSON`)
	return c
}

func runChallenge(o *challengeOptions, values []string) error {
	cs, err := challenge.Parse(values...)
	if cs == nil {
		cs = []why401.Challenge{}
	}
	if o.json {
		var msg *string
		if err != nil {
			s := err.Error()
			msg = &s
		}
		enc := json.NewEncoder(o.io.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if e := enc.Encode(struct {
			Valid      bool               `json:"valid"`
			Error      *string            `json:"error"`
			Challenges []why401.Challenge `json:"challenges"`
		}{err == nil, msg, cs}); e != nil {
			return e
		}
	} else {
		w := o.io.Out
		if err != nil {
			fmt.Fprintf(w, "Invalid: %v.\n", err)
			if len(cs) > 0 {
				fmt.Fprintln(w, "Recovered:")
			}
		}
		for i, c := range cs {
			fmt.Fprintf(w, "%d. %s\n", i+1, challenge.String(c))
			reg := "not in the IANA registry"
			if c.Registered {
				reg = "registered with IANA"
			}
			if s, ok := challenge.Lookup(c.Scheme); ok && s.Spec != "" {
				reg += ", " + s.Spec
			}
			fmt.Fprintf(w, "   scheme %s (%s)\n", c.Scheme, reg)
			if c.HasToken68 {
				fmt.Fprintf(w, "   token68 %s\n", short(c.Token68))
			}
			for _, p := range c.Params {
				fmt.Fprintf(w, "   %s = %q\n", p.Name, p.Value)
			}
			fmt.Fprintf(w, "   %s\n", strings.ReplaceAll(challenge.Explain(c), "\n", "\n   "))
		}
	}
	if err != nil {
		return silentExit(ExitProblem)
	}
	return nil
}

func short(s string) string {
	if len(s) > 40 {
		return s[:37] + "…"
	}
	return s
}
