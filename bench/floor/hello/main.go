// Command hello is the process floor of bench/token-source: a Go program
// that prints one line. No program started on this machine answers faster,
// so az's time over this one's is the largest ratio any token source can reach.
package main

import "fmt"

func main() { fmt.Println("azrepl floor") }
