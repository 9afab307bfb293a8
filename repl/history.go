package repl

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/gofrs/flock"
)

// historyLimit is how many lines are loaded back into readline.
const historyLimit = 1000

// history is the REPL's history file. azrepl writes it itself rather than
// letting readline do it: readline creates the file 0666 and would save
// lines that carry secrets.
type history struct {
	path string
}

// openHistory makes dir 0700 and dir/history 0600 (fixing looser modes left
// by older versions), and returns the saved lines, oldest first.
func openHistory(dir string) (*history, []string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, nil, err
	}
	p := filepath.Join(dir, "history")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDONLY, 0o600)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		return nil, nil, err
	}
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > historyLimit {
		lines = lines[len(lines)-historyLimit:]
	}
	return &history{path: p}, lines, sc.Err()
}

// append writes one input (its lines) in a single write, so concurrent
// REPLs interleave whole inputs.
func (h *history) append(lines []string) error {
	if h == nil || len(lines) == 0 {
		return nil
	}
	// Other azrepl processes may append at the same time: lock, then append.
	lock := flock.New(h.path + ".lock")
	if err := lock.Lock(); err != nil {
		return err
	}
	defer lock.Unlock()
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.WriteString(strings.Join(lines, "\n") + "\n")
	return errors.Join(werr, f.Close())
}

var (
	jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+`)
	// A secret named by its field, option or header: clientSecret: "…",
	// {token: "dapi…"}, "X-Api-Key": "…", AccountKey=…, sig=…, pwd=….
	secretLiteral = regexp.MustCompile(`(?i)(secret|passw(or)?d|pwd|token|device_?code|key|sig|assertion|credential|authorization)["']?\s*[:=]`)
	// A secret recognised by its shape: an opaque bearer token, a
	// Databricks PAT, a GitHub token, a PEM private key.
	secretShape = regexp.MustCompile(`(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}|\bdapi[0-9a-f]{16,}|\bgh[pousr]_[A-Za-z0-9]{20,}|PRIVATE KEY-----`)
)

// keepInHistory reports whether an input may be saved: not when its first
// line starts with a space (the shell convention for "do not remember this")
// and not when any line looks like it carries a secret.
func keepInHistory(lines []string) bool {
	if len(lines) == 0 || strings.HasPrefix(lines[0], " ") {
		return false
	}
	for _, l := range lines {
		if looksSecret(l) {
			return false
		}
	}
	return true
}

func looksSecret(line string) bool {
	return jwtPattern.MatchString(line) || secretLiteral.MatchString(line) || secretShape.MatchString(line)
}
