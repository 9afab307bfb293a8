package auth

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets the test binary act as one of many azrepl processes
// writing the same cache (see TestCacheManyProcesses).
func TestMain(m *testing.M) {
	if home := os.Getenv("AZREPL_AUTH_CACHE_CHILD"); home != "" {
		os.Exit(cacheChild(home, os.Getenv("AZREPL_AUTH_CACHE_N")))
	}
	os.Exit(m.Run())
}

func cacheChild(home, n string) int {
	c, err := openTokenCache(home, func(s string) { fmt.Fprintln(os.Stderr, s) })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	err = c.update(func(d *cacheData) error {
		d.AccessTokens[accessKey("login.test", "t", "c", "h", "scope-"+n)] = accessEntry{
			Environment: "login.test", Tenant: "t", ClientID: "c", HomeAccountID: "h", Scope: "scope-" + n,
			Secret: "at-" + n, ExpiresOn: time.Now().Add(time.Hour).Unix()}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func TestCacheManyProcesses(t *testing.T) {
	home := t.TempDir()
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "AZREPL_AUTH_CACHE_CHILD="+home, "AZREPL_AUTH_CACHE_N="+strconv.Itoa(i))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Sprintf("child %d: %v: %s", i, err, out)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	c, _ := openTokenCache(home, nil)
	d, err := c.read()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, ok := d.AccessTokens[accessKey("login.test", "t", "c", "h", "scope-"+strconv.Itoa(i))]; !ok {
			t.Errorf("entry of process %d lost", i)
		}
	}
	if len(d.AccessTokens) != n {
		t.Errorf("%d entries, want %d", len(d.AccessTokens), n)
	}
	leftovers, _ := filepath.Glob(filepath.Join(home, ".tokens.json.tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temp files left: %v", leftovers)
	}
}

func TestCacheFileModes(t *testing.T) {
	home := filepath.Join(t.TempDir(), "azrepl")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := openTokenCache(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.update(func(d *cacheData) error { d.Default = "x"; return nil }); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{home: 0o700, c.path: 0o600, c.path + ".lock": 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %o, want %o", path, st.Mode().Perm(), want)
		}
	}
}

func TestCacheDamagedFileIsSetAside(t *testing.T) {
	home := t.TempDir()
	var warnings []string
	c, _ := openTokenCache(home, func(s string) { warnings = append(warnings, s) })
	damaged := []byte(`{"version":1,"accessTokens":{"k":{"secret":"at"}}} trailing garbage from a killed writer`)
	if err := os.WriteFile(c.path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := c.read()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.AccessTokens) != 0 {
		t.Fatal("damaged content was used")
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "moved to") {
		t.Fatalf("warnings: %q", warnings)
	}
	aside, _ := filepath.Glob(c.path + ".damaged-*")
	if len(aside) != 1 {
		t.Fatalf("set-aside files: %v", aside)
	}
	kept, _ := os.ReadFile(aside[0])
	if string(kept) != string(damaged) {
		t.Fatal("the damaged file was not kept as it was")
	}
	// The cache works again afterwards.
	if err := c.update(func(d *cacheData) error { d.Default = "k"; return nil }); err != nil {
		t.Fatal(err)
	}
	if d, err := c.read(); err != nil || d.Default != "k" {
		t.Fatalf("after recovery: %v", err)
	}
}

func TestRefreshTokensKeepTheNewest(t *testing.T) {
	d := newCacheData()
	d.putRefresh(refreshEntry{Environment: "e", HomeAccountID: "h", ClientID: "c", Secret: "new", UpdatedAt: 20})
	d.putRefresh(refreshEntry{Environment: "e", HomeAccountID: "h", ClientID: "c", Secret: "old", UpdatedAt: 10})
	if len(d.RefreshTokens) != 1 || d.RefreshTokens[refreshKey("e", "h", "c")].Secret != "new" {
		t.Fatalf("%+v", d.RefreshTokens)
	}
}

func TestNormalizeScope(t *testing.T) {
	a := normalizeScope("https://graph.microsoft.com/.default offline_access openid profile")
	b := normalizeScope("openid https://graph.microsoft.com/.default")
	if a != b || a != "https://graph.microsoft.com/.default" {
		t.Fatalf("%q %q", a, b)
	}
}

// A tokens.json found readable by others is made 0600 when it is read,
// not at the next write.
func TestCacheModeFixedOnRead(t *testing.T) {
	c := cacheWithDefault(t, "x")
	if err := os.Chmod(c.path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.read(); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(c.path); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %o after a read", st.Mode().Perm())
	}
}

// tokens.json is parsed once per version: reads of an unchanged file are
// answered from memory, and a write by another process (a rename: another
// file) is seen by the next read.
func TestCacheParsedOncePerVersion(t *testing.T) {
	c := cacheWithDefault(t, "first")
	d1, err := c.read()
	if err != nil || d1.Default != "first" {
		t.Fatalf("read: %v %+v", err, d1)
	}
	// Change the bytes in place, keeping the file, size, mode and mtime: a
	// read that parsed the file again would see "other".
	st, _ := os.Stat(c.path)
	raw, _ := os.ReadFile(c.path)
	swapped := bytes.Replace(raw, []byte(`"first"`), []byte(`"other"`), 1)
	f, err := os.OpenFile(c.path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(swapped, 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Chtimes(c.path, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	if d2, _ := c.read(); d2 != d1 {
		t.Fatalf("an unchanged tokens.json was parsed again (default %q)", d2.Default)
	}

	// Another process writes (a rename over the file): the next read sees it.
	other, _ := openTokenCache(filepath.Dir(c.path), nil)
	if err := other.update(func(d *cacheData) error { d.Default = "second"; return nil }); err != nil {
		t.Fatal(err)
	}
	if d3, _ := c.read(); d3.Default != "second" {
		t.Fatalf("a write by another process was not seen: default %q", d3.Default)
	}
	// Our own write is remembered as written, and changing what update's
	// function got does not change what readers already hold.
	before, _ := c.read()
	if err := c.update(func(d *cacheData) error { d.Default = "third"; return nil }); err != nil {
		t.Fatal(err)
	}
	if before.Default != "second" {
		t.Fatalf("update changed the remembered copy a reader holds: %q", before.Default)
	}
	if d4, _ := c.read(); d4.Default != "third" {
		t.Fatalf("own write not seen: %q", d4.Default)
	}
}

// cacheWithDefault is a new tokens.json in a folder of t's, written once
// with def as its default account.
func cacheWithDefault(t *testing.T, def string) *tokenCache {
	t.Helper()
	c, err := openTokenCache(filepath.Join(t.TempDir(), "azrepl"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.update(func(d *cacheData) error { d.Default = def; return nil }); err != nil {
		t.Fatal(err)
	}
	return c
}
