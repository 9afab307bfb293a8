package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadINI: a ~/.databrickscfg written from a section, a key and a value
// of plain characters reads back the same; any file is read without a panic.
func FuzzReadINI(f *testing.F) {
	f.Add("prod", "host", "https://adb-1.7.azuredatabricks.net", "[x]\nk=v ; c\n")
	f.Add("DEFAULT", "token", "dapi0123", "\ufeff[a]\n# c\nk = 'v'\n")
	f.Fuzz(func(t *testing.T, section, key, value, raw string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "cfg")
		if err := os.WriteFile(p, []byte(raw), 0o600); err != nil {
			t.Fatal(err)
		}
		_, _ = readINI(p) // any file: an error or a result, never a panic
		plain := func(s string) bool {
			return s != "" && s == strings.TrimSpace(s) && !strings.ContainsAny(s, "[]=;#'\"\r\n\t\ufeff") && !strings.Contains(s, " ")
		}
		if !plain(section) || !plain(key) || !plain(value) {
			return
		}
		if err := os.WriteFile(p, []byte("["+section+"]\n"+key+" = "+value+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := readINI(p)
		if err != nil || out[section][strings.ToLower(key)] != value && out[section][key] != value {
			t.Errorf("[%s] %s = %s read back as %v, %v", section, key, value, out, err)
		}
	})
}
