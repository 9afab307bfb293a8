package version

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "95d401da33906a643a57363b5626ec26fd100519"},
		{Key: "vcs.time", Value: "2026-12-05T21:04:30Z"},
		{Key: "vcs.modified", Value: "false"},
		{Key: "CGO_ENABLED", Value: "0"},
	}
	dirty := append(append([]debug.BuildSetting{}, vcs[:3]...), debug.BuildSetting{Key: "vcs.modified", Value: "true"}, debug.BuildSetting{Key: "CGO_ENABLED", Value: "1"})
	cases := []struct {
		name       string
		bi         *debug.BuildInfo
		override   string
		want       string
		wantLine   string
		wantStatic bool
	}{
		{"no build info", nil, "", "dev", "dev", true},
		{"go run", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "", "dev", "dev", true},
		{"go install @tag", &debug.BuildInfo{Main: debug.Module{Version: "v0.4.0"}}, "", "v0.4.0", "v0.4.0", true},
		{"clone, pseudo-version", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261205210430-95d401da3390"}, Settings: vcs}, "",
			"v0.0.0-20261205210430-95d401da3390", "v0.0.0-20261205210430-95d401da3390 (2026-12-05T21:04:30Z)", true},
		{"clone, no module version", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: dirty}, "",
			"devel-95d401da3390+dirty", "devel-95d401da3390+dirty (2026-12-05T21:04:30Z)", false},
		{"release override", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs}, "v1.0.0",
			"v1.0.0", "v1.0.0 (95d401da3390, 2026-12-05T21:04:30Z)", true},
	}
	for _, c := range cases {
		in := FromBuildInfo(c.bi, c.override)
		if in.Version != c.want || in.Line() != c.wantLine || in.Static != c.wantStatic {
			t.Errorf("%s: got %q / %q / static %v, want %q / %q / %v", c.name, in.Version, in.Line(), in.Static, c.want, c.wantLine, c.wantStatic)
		}
	}
}

func TestUserAgentIsOneProductToken(t *testing.T) {
	ua := UserAgent()
	if len(ua) < len("azrepl/x") || ua[:7] != "azrepl/" {
		t.Fatalf("UserAgent %q", ua)
	}
	for _, r := range ua {
		if r == ' ' || r < 0x21 || r > 0x7e {
			t.Fatalf("UserAgent %q is not one RFC 9110 product token", ua)
		}
	}
}
