package cmd

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// versionLine is `azrepl version`: the version, Go, platform, and whether
// the binary is static (CGO_ENABLED=0) — a cgo build maps the C library
// for package net's resolver and starts about 5 ms later.
func versionLine() string {
	v := Version
	link := "static"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "CGO_ENABLED" && s.Value == "1" {
				link = "cgo"
			}
		}
	}
	return fmt.Sprintf("azrepl %s (%s %s/%s, %s)", v, runtime.Version(), runtime.GOOS, runtime.GOARCH, link)
}
