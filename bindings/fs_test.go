package bindings_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFilesConfined(t *testing.T) {
	dir := t.TempDir() // the script's folder
	home := filepath.Join(dir, "home")
	t.Setenv("HOME", dir) // ~/.azure and ~/.databrickscfg inside the script's folder: still refused
	t.Setenv("AZREPL_HOME", filepath.Join(dir, "azrepl-home"))
	t.Setenv("AZURE_CONFIG_DIR", "")
	for _, d := range []string{home, filepath.Join(dir, ".azure"), filepath.Join(dir, "azrepl-home"), filepath.Join(dir, "sub")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range map[string]string{".azure/msal_token_cache.json": "{}", ".databrickscfg": "[DEFAULT]", "azrepl-home/tokens.json": "{}"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("s"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, offline(), inDir(dir))
	p := func(rel string) string { return filepath.Join(dir, rel) }

	// Inside: write (atomic), read in each encoding, exists.
	got := h.js(`(() => {
		fs.writeFile(` + q(p("sub/report.json")) + `, {groups: [1, 2]});
		fs.writeFile(` + q(p("sub/raw.bin")) + `, new Uint8Array([0, 255, 10]));
		fs.writeFile(` + q(p("sub/b64.txt")) + `, "aGk=", {encoding: "base64"});
		return [JSON.parse(fs.readFile(` + q(p("sub/report.json")) + `)).groups.length,
			fs.readFile(` + q(p("sub/report.json")) + `, "utf8").startsWith("{\n  \"groups\""),
			Array.from(fs.readFile(` + q(p("sub/raw.bin")) + `, {encoding: "bytes"})),
			fs.readFile(` + q(p("sub/raw.bin")) + `, {encoding: "base64"}),
			fs.readFile(` + q(p("sub/b64.txt")) + `),
			fs.exists(` + q(p("sub/raw.bin")) + `), fs.exists(` + q(p("sub/none")) + `)]
	})()`)
	if want := `[2,true,[0,255,10],"AP8K","hi",true,false]`; got != want {
		t.Errorf("inside: %s, want %s", got, want)
	}
	entries, _ := os.ReadDir(p("sub"))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("a temporary file was left: %s", e.Name())
		}
	}

	refused := []string{
		`fs.readFile(` + q(p("../"+filepath.Base(outside)+"/secret.txt")) + `)`, // ../ out of the script's folder
		`fs.readFile("../../../../../../etc/passwd")`,                           // ../ out of the working folder
		`fs.readFile("/etc/passwd")`,                                            // absolute, outside
		`fs.exists(` + q(filepath.Join(outside, "secret.txt")) + `)`,
		`fs.writeFile(` + q(filepath.Join(outside, "new.txt")) + `, "x")`,
		`fs.readFile(` + q(p("link.txt")) + `)`,                     // a symbolic link out
		`fs.writeFile(` + q(p("linkdir/new.txt")) + `, "x")`,        // through a linked folder
		`fs.readFile(` + q(p("azrepl-home/tokens.json")) + `)`,      // AZREPL_HOME
		`fs.exists(` + q(p("azrepl-home")) + `)`,                    //
		`fs.readFile(` + q(p(".azure/msal_token_cache.json")) + `)`, // az's folder
		`fs.writeFile(` + q(p(".databrickscfg")) + `, "x")`,         // ~/.databrickscfg
	}
	for _, src := range refused {
		e := h.jsErr(src)
		if !strings.Contains(e, `"code":"REFUSED"`) || !strings.Contains(e, "refused") || !strings.Contains(e, `"exitCode":16`) {
			t.Errorf("%s: %s", src, e)
		}
	}
	if _, err := os.Stat(filepath.Join(outside, "new.txt")); err == nil {
		t.Error("a refused write happened")
	}
	if b, _ := os.ReadFile(p(".databrickscfg")); string(b) != "[DEFAULT]" {
		t.Error("~/.databrickscfg was overwritten")
	}
	for src, want := range map[string]string{
		`fs.readFile(` + q(p("sub/report.json")) + `, {encodng: "utf8"})`:    `unknown option \"encodng\" — did you mean encoding?`,
		`fs.readFile(` + q(p("sub/report.json")) + `, {encoding: "latin1"})`: `"code":"BAD_ARGUMENT"`,
		`fs.readFile(` + q(p("sub/missing.txt")) + `)`:                       `"code":"NOT_FOUND"`,
		`fs.writeFile(` + q(p("sub/x.txt")) + `)`:                            `data is missing`,
	} {
		if e := h.jsErr(src); !strings.Contains(e, want) {
			t.Errorf("%s: %s, want %s", src, e, want)
		}
	}
}

// q quotes s as a JS string literal.
func q(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
