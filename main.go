// Command azrepl is a scriptable shell for Microsoft cloud authentication.
// See README.md; the command line lives in package cmd.
package main

import (
	"os"

	"github.com/azrepl/azrepl/cmd"
)

func main() {
	os.Exit(cmd.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
