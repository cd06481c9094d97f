// Command why401 tells why a request gets 401 Unauthorized and what to do
// about it. See internal/cli for the commands.
package main

import (
	"os"

	"github.com/why401/why401/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], cli.System())) }
