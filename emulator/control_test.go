package emulator

import (
	"bytes"
	"context"
	"crypto/tls"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator/msi"
)

// Every local user can reach the emulator's loopback ports: the control API
// takes only the key in DIR/control-key (0600), Arc challenges leave a
// bounded number of key files, and a request body has a cap.
func TestEmulatorHoldsAgainstOtherLocalUsers(t *testing.T) {
	dir := t.TempDir()
	em, err := Start(context.Background(), Config{Dir: dir, Proxy: ""})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { em.Close() })
	direct := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: em.CertPool()}}}
	revoke := func(form url.Values) int {
		resp, err := direct.PostForm(em.DirectURL()+"/_emulator/revoke", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := revoke(url.Values{"user": {"alice"}}); st != http.StatusUnauthorized {
		t.Errorf("revoke without the key: %d, want 401", st)
	}
	key, err := os.ReadFile(filepath.Join(dir, "control-key"))
	if st, err2 := os.Stat(filepath.Join(dir, "control-key")); err != nil || err2 != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("DIR/control-key: %v %v", err, err2)
	}
	if st := revoke(url.Values{"user": {"alice"}, "key": {strings.TrimSpace(string(key))}}); st != http.StatusOK {
		t.Errorf("revoke with DIR/control-key: %d, want 200", st)
	}

	// Many Arc challenges: a bounded number of key files.
	for i := 0; i < 3*msi.MaxArcKeys; i++ {
		req, _ := http.NewRequest("GET", em.MSIURL()+msi.ArcPath+"?api-version=2020-06-01&resource=https://management.azure.com/", nil)
		req.Header.Set("Metadata", "true")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("Arc challenge: %d", resp.StatusCode)
		}
	}
	if keys, _ := os.ReadDir(filepath.Join(dir, "azcmagent-tokens")); len(keys) == 0 || len(keys) > msi.MaxArcKeys {
		t.Errorf("%d Arc key files after %d challenges, want 1..%d", len(keys), 3*msi.MaxArcKeys, msi.MaxArcKeys)
	}

	// A body over the cap, announced or streamed, is refused.
	big := bytes.Repeat([]byte("a"), maxRequestBody+1)
	resp, err := direct.Post(em.DirectURL()+"/common/oauth2/v2.0/token", "application/x-www-form-urlencoded", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a %d MB body: %d, want 413", len(big)>>20, resp.StatusCode)
	}
	resp, err = direct.Post(em.DirectURL()+"/common/oauth2/v2.0/token", "application/x-www-form-urlencoded", struct{ *bytes.Reader }{bytes.NewReader(big)})
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("a streamed %d MB body: %d", len(big)>>20, resp.StatusCode)
		}
	}
}
