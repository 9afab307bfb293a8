//go:build race

package emulator

// raceEnabled: the race detector slows the million-group test ~10×; .ci/run
// runs it again without -race at full size.
const raceEnabled = true
