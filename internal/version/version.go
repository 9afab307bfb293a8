// Package version is azrepl's version, read from the build information Go
// stamps into every binary: the module version for `go install …@vX`, the
// VCS revision and time for a build from a clone, "dev" when neither is
// known (go run, tests).
package version

import (
	"runtime/debug"
	"strings"
	"sync"
)

// Override, when set at link time (-ldflags "-X
// github.com/azrepl/azrepl/internal/version.Override=v1.2.3"), wins over the
// build information; release builds of a tag set it.
var Override string

// Info is what the build says about itself.
type Info struct {
	Version  string // a module or pseudo-version, "devel-<revision>", or "dev"
	Revision string // the VCS revision, "" when not stamped
	Time     string // the revision's commit time (RFC 3339), "" when not stamped
	Modified bool   // built from a tree with uncommitted changes
	Static   bool   // CGO_ENABLED=0
}

var (
	once sync.Once
	info Info
)

// Get reads the build information once.
func Get() Info {
	once.Do(func() {
		bi, _ := debug.ReadBuildInfo()
		info = FromBuildInfo(bi, Override)
	})
	return info
}

// String is the version alone, one word: "v0.3.1", a pseudo-version
// "v0.0.0-20261205210430-95d401da3390", "devel-95d401da3390+dirty", "dev".
func String() string { return Get().Version }

// UserAgent is the User-Agent azrepl sends: "azrepl/<version>".
func UserAgent() string { return "azrepl/" + String() }

// FromBuildInfo derives Info from bi (nil: nothing known); override, when
// not empty, is the version.
func FromBuildInfo(bi *debug.BuildInfo, override string) Info {
	in := Info{Version: "dev", Static: true}
	if bi == nil {
		if override != "" {
			in.Version = override
		}
		return in
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Revision = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		case "CGO_ENABLED":
			in.Static = s.Value != "1"
		}
	}
	switch v := bi.Main.Version; {
	case override != "":
		in.Version = override
	case v != "" && v != "(devel)":
		in.Version = v
	case in.Revision != "":
		in.Version = "devel-" + short(in.Revision)
		if in.Modified {
			in.Version += "+dirty"
		}
	}
	return in
}

// short is a revision cut to 12 characters, as Go's pseudo-versions cut it.
func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// Line describes the build in one line for people: the version, and the
// revision with its time when the version does not already name them.
func (in Info) Line() string {
	s := in.Version
	if in.Revision != "" && !strings.Contains(in.Version, short(in.Revision)) {
		s += " (" + short(in.Revision)
		if in.Time != "" {
			s += ", " + in.Time
		}
		s += ")"
	} else if in.Revision != "" && in.Time != "" {
		s += " (" + in.Time + ")"
	}
	return s
}
