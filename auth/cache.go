package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/azrepl/azrepl/internal/atomicfile"
	"github.com/gofrs/flock"
)

const cacheNote = "azrepl token cache. Access tokens are keyed by authority host, tenant, client, account and scope. " +
	"Refresh tokens: only the newest per account and client is kept (Entra does not revoke the one it replaces, " +
	"and the newest is valid as long as any older one); a FOCI family token is marked familyId=1. " +
	"Client secrets and certificates are never written here."

// cacheData is the JSON of tokens.json.
type cacheData struct {
	Note          string                  `json:"_note"`
	Version       int                     `json:"version"`
	Default       string                  `json:"default,omitempty"` // account key used when none is named
	Accounts      map[string]Account      `json:"accounts"`
	AccessTokens  map[string]accessEntry  `json:"accessTokens"`
	RefreshTokens map[string]refreshEntry `json:"refreshTokens"`
}

// accessEntry is one access token. Scope is the scope as asked (normalised),
// GrantedScope what the server answered.
// freshAccess is the cached access token for that key when it is still good
// for longer than expiryMargin; scope is normalized here.
func (d *cacheData) freshAccess(env, tenant, clientID, homeAccountID, scope string) (accessEntry, bool) {
	e, ok := d.AccessTokens[accessKey(env, tenant, clientID, homeAccountID, normalizeScope(scope))]
	return e, ok && time.Until(e.expiresOn()) > expiryMargin
}

func (e accessEntry) expiresOn() time.Time { return time.Unix(e.ExpiresOn, 0) }

type accessEntry struct {
	Environment   string `json:"environment"`
	Tenant        string `json:"tenant"`
	ClientID      string `json:"clientId"`
	HomeAccountID string `json:"homeAccountId"`
	Scope         string `json:"scope"`
	GrantedScope  string `json:"grantedScope,omitempty"`
	TokenType     string `json:"tokenType"`
	Secret        string `json:"secret"`
	ExpiresOn     int64  `json:"expiresOn"`
	CachedAt      int64  `json:"cachedAt"`
}

// refreshEntry is the newest refresh token of one account and client.
type refreshEntry struct {
	Environment   string `json:"environment"`
	HomeAccountID string `json:"homeAccountId"`
	ClientID      string `json:"clientId"`
	FamilyID      string `json:"familyId,omitempty"`
	Scope         string `json:"scope,omitempty"`
	Secret        string `json:"secret"`
	UpdatedAt     int64  `json:"updatedAt"`
	Source        string `json:"source,omitempty"` // "azcli" when imported from the Azure CLI
}

func accessKey(env, tenant, clientID, hid, scope string) string {
	return strings.ToLower(strings.Join([]string{env, tenant, clientID, hid, scope}, "|"))
}

func refreshKey(env, hid, clientID string) string {
	return strings.ToLower(strings.Join([]string{env, hid, clientID}, "|"))
}

func accountKey(a Account) string {
	parts := []string{a.Environment, a.HomeAccountID, a.ClientID}
	if a.GuestTenantID != "" {
		parts = append(parts, a.GuestTenantID) // the same person as a guest elsewhere
	}
	return strings.ToLower(strings.Join(parts, "|"))
}

func newCacheData() *cacheData {
	return &cacheData{Note: cacheNote, Version: 1, Accounts: map[string]Account{},
		AccessTokens: map[string]accessEntry{}, RefreshTokens: map[string]refreshEntry{}}
}

// putRefresh stores rt unless a newer one is already there.
func (d *cacheData) putRefresh(e refreshEntry) {
	k := refreshKey(e.Environment, e.HomeAccountID, e.ClientID)
	if old, ok := d.RefreshTokens[k]; ok && old.UpdatedAt > e.UpdatedAt {
		return
	}
	d.RefreshTokens[k] = e
}

// tokenCache is tokens.json in a 0700 folder, read-modify-written under a
// cross-process lock and replaced atomically.
type tokenCache struct {
	dir  string
	path string
	warn func(string)

	// The last version read or written, so a process parses tokens.json
	// once while no one changes it (writes are renames, so a change shows
	// as another file). Callers of read must not modify what it returns.
	mu       sync.Mutex
	memo     *cacheData
	memoStat os.FileInfo
}

func openTokenCache(home string, warn func(string)) (*tokenCache, error) {
	if home == "" {
		return nil, errors.New("token cache: no home folder (set AZREPL_HOME)")
	}
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, fmt.Errorf("token cache: %w", err)
	}
	// MkdirAll keeps an existing folder's mode: tighten it.
	if err := os.Chmod(home, 0o700); err != nil {
		return nil, fmt.Errorf("token cache: %w", err)
	}
	if warn == nil {
		warn = func(string) {}
	}
	return &tokenCache{dir: home, path: filepath.Join(home, "tokens.json"), warn: warn}, nil
}

// read returns the cache without taking the lock: writes are atomic
// renames, so a reader sees a whole old or a whole new file.
func (c *tokenCache) read() (*cacheData, error) {
	if d := c.remembered(); d != nil {
		return d, nil
	}
	d, st, err := c.load()
	if err == nil {
		if st != nil {
			c.remember(d, st)
		}
		return d, nil
	}
	if !errors.Is(err, errDamaged) {
		return nil, err
	}
	// Set the damaged file aside under the lock (another process may be
	// doing the same).
	var out *cacheData
	err = c.update(func(d *cacheData) error { out = d; return errNoWrite })
	return out, err
}

var (
	errDamaged = errors.New("damaged token cache")
	errNoWrite = errors.New("no write needed")
)

// remembered returns the data last read or written when tokens.json is
// still that same file, nil when it changed or was never read.
func (c *tokenCache) remembered() *cacheData {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.memo == nil {
		return nil
	}
	st, err := os.Stat(c.path)
	if err != nil || !sameVersion(st, c.memoStat) {
		c.memo, c.memoStat = nil, nil
		return nil
	}
	return c.memo
}

func (c *tokenCache) remember(d *cacheData, st os.FileInfo) {
	c.mu.Lock()
	c.memo, c.memoStat = d, st
	c.mu.Unlock()
}

// sameVersion: the same file (device and inode), size, mode and
// modification time (a changed mode is read again, to be closed again).
func sameVersion(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.Mode() == b.Mode() && a.ModTime().Equal(b.ModTime())
}

// load parses tokens.json; st is nil when there is none yet.
func (c *tokenCache) load() (d *cacheData, st os.FileInfo, err error) {
	f, err := os.Open(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return newCacheData(), nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("token cache: %w", err)
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, nil, fmt.Errorf("token cache: %w", err)
	}
	raw, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, fmt.Errorf("token cache: %w", err)
	}
	// A cache left readable by others (copied, restored, an old version)
	// is closed at once, not at the next write.
	if st.Mode().Perm()&0o077 != 0 {
		_ = os.Chmod(c.path, 0o600)
	}
	d = newCacheData()
	if err := json.Unmarshal(raw, d); err != nil || d.Version != 1 {
		return nil, nil, errDamaged
	}
	if d.Accounts == nil {
		d.Accounts = map[string]Account{}
	}
	if d.AccessTokens == nil {
		d.AccessTokens = map[string]accessEntry{}
	}
	if d.RefreshTokens == nil {
		d.RefreshTokens = map[string]refreshEntry{}
	}
	d.Note = cacheNote
	return d, st, nil
}

// update runs fn on the freshest cache under the lock and writes the result.
// Re-reading under the lock is what keeps concurrent processes from losing
// each other's tokens.
func (c *tokenCache) update(fn func(*cacheData) error) error {
	lock := flock.New(c.path + ".lock")
	if err := lock.Lock(); err != nil {
		return fmt.Errorf("token cache lock: %w", err)
	}
	defer func() { _ = lock.Unlock() }()
	_ = os.Chmod(c.path+".lock", 0o600)
	// Always the file itself, never the remembered copy: fn changes d.
	d, _, err := c.load()
	if errors.Is(err, errDamaged) {
		aside := fmt.Sprintf("%s.damaged-%s", c.path, time.Now().UTC().Format("20060102T150405.000000000Z"))
		if rerr := os.Rename(c.path, aside); rerr != nil {
			return fmt.Errorf("token cache %s is damaged and could not be moved aside: %w", c.path, rerr)
		}
		c.warn(fmt.Sprintf("the token cache %s could not be read; it was moved to %s and a new one started (log in again)", c.path, aside))
		d, err = newCacheData(), nil
	}
	if err != nil {
		return err
	}
	if err := fn(d); err != nil {
		if errors.Is(err, errNoWrite) {
			return nil
		}
		return err
	}
	return c.write(d)
}

// write replaces tokens.json atomically (atomicfile.Replace).
func (c *tokenCache) write(d *cacheData) error {
	raw, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	if err := atomicfile.Replace(c.path, append(raw, '\n'), 0o600); err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	if st, err := os.Stat(c.path); err == nil { // writers hold the lock: this is our file
		c.remember(d, st)
	}
	if dir, err := os.Open(c.dir); err == nil {
		_ = dir.Sync() // make the rename durable
		dir.Close()
	}
	return nil
}

// normalizeScope sorts and de-duplicates a space-separated scope and drops
// the reserved OIDC scopes, so "a b" and "b a offline_access" share a key.
func normalizeScope(scope string) string {
	seen := map[string]bool{}
	var out []string
	for _, s := range strings.Fields(scope) {
		ls := strings.ToLower(s)
		if reservedScopes[ls] || seen[ls] {
			continue
		}
		seen[ls] = true
		out = append(out, s)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

var reservedScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true, "email": true}
