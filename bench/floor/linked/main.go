// Command linked is the floor of a single azrepl binary: goja and azrepl's
// HTTP and auth packages linked (their package inits run), no work done.
// `azrepl version` over this one's time is what azrepl's own start-up costs.
package main

import (
	"fmt"

	_ "github.com/azrepl/azrepl/auth"
	_ "github.com/azrepl/azrepl/httpx"
	_ "github.com/dop251/goja"
)

func main() { fmt.Println("azrepl floor") }
