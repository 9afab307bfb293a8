// Command goja is the floor of any program that embeds goja: goja linked
// (its package inits and those of its dependencies run), no work done.
// Over a Go hello world it is what the JavaScript engine alone costs to
// start, before azrepl adds anything.
package main

import (
	"fmt"

	_ "github.com/dop251/goja"
)

func main() { fmt.Println("goja floor") }
