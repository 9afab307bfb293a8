package cmd

import (
	"fmt"
	"runtime"

	"github.com/azrepl/azrepl/internal/version"
)

// versionLine is `azrepl version`: the version from the build information
// (module version, or VCS revision and time), Go, platform, and whether the
// binary is static (CGO_ENABLED=0) — a cgo build maps the C library for
// package net's resolver and starts about 5 ms later.
func versionLine() string {
	in := version.Get()
	link := "static"
	if !in.Static {
		link = "cgo"
	}
	return fmt.Sprintf("azrepl %s (%s %s/%s, %s)", in.Line(), runtime.Version(), runtime.GOOS, runtime.GOARCH, link)
}
