package emulatortest

import (
	"os"
	"strings"
	"testing"
)

// ReadEnvFile reads one of the files the emulator writes to its folder
// (env, credentials.env, workload.env, msi.env, APP.env): its `export K=V`
// lines as KEY=VALUE entries, a single-quoted value unquoted as a shell
// would. Other lines (comments, the commented-out `# export` ones) are
// passed over.
func ReadEnvFile(path string) ([]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(string(raw), "\n") {
		line, ok := strings.CutPrefix(strings.TrimSpace(line), "export ")
		if !ok {
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = strings.ReplaceAll(v[1:len(v)-1], `'\''`, "'")
		}
		out = append(out, k+"="+v)
	}
	return out, nil
}

// EnvFile is ReadEnvFile for a test; tb fails when the file cannot be read.
func EnvFile(tb testing.TB, path string) []string {
	tb.Helper()
	env, err := ReadEnvFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return env
}
