//go:build !unix

package safefile

// openNonBlock: Windows has no FIFOs that open(2) would wait on.
const openNonBlock = 0
