package record

import (
	"strings"
	"testing"
)

// Every host the emulator serves stands for a cloud host the recorder must
// watch: the two lists live on both sides of the emulator's wall.
func TestWatchedHostsCoverTheEmulator(t *testing.T) {
	em := startEmulator(t)
	hosts := newHostSet(nil)
	for _, h := range em.HostNames() {
		h = strings.Replace(h, "*", "adb-1.2", 1)
		if !hosts.watched(h) && !hosts.watched(h+":443") {
			t.Errorf("the emulator serves %s, the recorder does not watch it", h)
		}
	}
	for _, h := range []string{"github.com", "pypi.org:443", "127.0.0.1", "azuredatabricks.net", "evil-graph.microsoft.com.example"} {
		if hosts.watched(h) {
			t.Errorf("%s is watched", h)
		}
	}
	if !newHostSet([]string{"Vault.Example:443"}).watched("vault.example") {
		t.Error("--intercept is not honoured")
	}
}
