package cmd

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

func versionLine() string {
	v := Version
	if v == "dev" {
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	return fmt.Sprintf("azrepl %s (%s %s/%s)", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
