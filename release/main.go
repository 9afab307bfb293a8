// Command release builds azrepl's release archives: a static binary for each
// of linux, darwin and windows on amd64 and arm64, packed with the README as
// .tar.gz (.zip for Windows), and SHA256SUMS over the archives (the format
// `sha256sum -c` reads).
//
//	go run ./release --version v1.2.3     # a tag's release, into dist/
//	go run ./release --snapshot           # v0.0.0-SNAPSHOT-<revision>, what CI runs
//	go run ./release --snapshot --targets linux/amd64
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Targets is every platform a release ships.
var Targets = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("release", flag.ContinueOnError)
	version := fl.String("version", "", "the version to stamp (a tag, e.g. v1.2.3)")
	snapshot := fl.Bool("snapshot", false, "stamp v0.0.0-SNAPSHOT-<revision> instead of a tag")
	targets := fl.String("targets", strings.Join(Targets, ","), "comma-separated GOOS/GOARCH list")
	out := fl.String("dist", "dist", "the folder to write (emptied first)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	v, err := pickVersion(*version, *snapshot)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(*out); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	var archives []string
	for _, t := range strings.Split(*targets, ",") {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(t), "/")
		if !ok {
			return fmt.Errorf("target %q: want GOOS/GOARCH", t)
		}
		a, err := buildTarget(*out, v, goos, goarch)
		if err != nil {
			return fmt.Errorf("%s/%s: %w", goos, goarch, err)
		}
		archives = append(archives, a)
		fmt.Fprintln(stdout, filepath.Join(*out, a))
	}
	return writeSums(*out, archives)
}

var semver = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)

func pickVersion(version string, snapshot bool) (string, error) {
	switch {
	case snapshot && version != "":
		return "", errors.New("--version and --snapshot exclude each other")
	case snapshot:
		rev, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
		if err != nil {
			return "v0.0.0-SNAPSHOT", nil // not a git checkout
		}
		return "v0.0.0-SNAPSHOT-" + strings.TrimSpace(string(rev)), nil
	case !semver.MatchString(version):
		return "", fmt.Errorf("--version %q is not a semantic version such as v1.2.3 (or use --snapshot)", version)
	}
	return version, nil
}

// buildTarget cross-compiles one static binary and packs it; it returns the
// archive's name.
func buildTarget(dist, version, goos, goarch string) (string, error) {
	name := fmt.Sprintf("azrepl_%s_%s_%s", strings.TrimPrefix(version, "v"), goos, goarch)
	work, err := os.MkdirTemp("", "azrepl-release-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)
	bin := "azrepl"
	if goos == "windows" {
		bin += ".exe"
	}
	if err := goBuild(filepath.Join(work, bin), version, goos, goarch); err != nil {
		return "", err
	}
	if goos == runtime.GOOS && goarch == runtime.GOARCH {
		// The one binary that runs here says whether the stamp took.
		out, err := exec.Command(filepath.Join(work, bin), "version").Output()
		if err != nil {
			return "", fmt.Errorf("the built azrepl does not run: %w", err)
		}
		if !strings.HasPrefix(string(out), "azrepl "+version+" ") {
			return "", fmt.Errorf("the built azrepl says %q, not version %s", strings.TrimSpace(string(out)), version)
		}
	}
	files := map[string]string{bin: filepath.Join(work, bin), "README.md": "README.md"}
	if goos == "windows" {
		return name + ".zip", writeArchive(filepath.Join(dist, name+".zip"), name, files, newZip)
	}
	return name + ".tar.gz", writeArchive(filepath.Join(dist, name+".tar.gz"), name, files, newTarGz)
}

// goBuild cross-compiles a static, trimmed binary with the version stamped
// into internal/version.Override; tests replace it.
var goBuild = func(out, version, goos, goarch string) error {
	build := exec.Command("go", "build", "-trimpath", "-o", out,
		"-ldflags", "-s -w -X github.com/azrepl/azrepl/internal/version.Override="+version, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	return build.Run()
}

// sorted gives the archive members in a fixed order, so two runs over the
// same binaries give the same archive.
func sorted(files map[string]string) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// epoch stamps every member: archives of the same inputs are byte-equal.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func mode(name string) int64 {
	if strings.HasPrefix(name, "azrepl") {
		return 0o755
	}
	return 0o644
}

// writeArchive writes the files (member name → path) to a new archive at
// path, each as dir/name, in name order; open makes the archive's writer.
func writeArchive(path, dir string, files map[string]string, open func(io.Writer) archive) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	a := open(f)
	for _, n := range sorted(files) {
		b, err := os.ReadFile(files[n])
		if err != nil {
			return err
		}
		if err := a.add(dir+"/"+n, mode(n), b); err != nil {
			return err
		}
	}
	if err := a.Close(); err != nil {
		return err
	}
	return f.Close()
}

// archive is a .tar.gz or .zip being written: add puts one member, Close
// ends the archive (not the file under it).
type archive interface {
	add(name string, mode int64, body []byte) error
	Close() error
}

type tarGz struct {
	gz *gzip.Writer
	tw *tar.Writer
}

func newTarGz(w io.Writer) archive {
	gz := gzip.NewWriter(w)
	return &tarGz{gz: gz, tw: tar.NewWriter(gz)}
}

func (a *tarGz) add(name string, mode int64, body []byte) error {
	hdr := &tar.Header{Name: name, Mode: mode, Size: int64(len(body)), ModTime: epoch, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := a.tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err := a.tw.Write(body)
	return err
}

func (a *tarGz) Close() error {
	if err := a.tw.Close(); err != nil {
		return err
	}
	return a.gz.Close()
}

type zipArchive struct{ zw *zip.Writer }

func newZip(w io.Writer) archive { return zipArchive{zip.NewWriter(w)} }

func (a zipArchive) add(name string, mode int64, body []byte) error {
	h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: epoch}
	h.SetMode(os.FileMode(mode))
	w, err := a.zw.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = w.Write(body)
	return err
}

func (a zipArchive) Close() error { return a.zw.Close() }

// writeSums writes SHA256SUMS: "<hex>  <name>" per archive, as sha256sum.
func writeSums(dist string, archives []string) error {
	var sb strings.Builder
	for _, a := range archives {
		f, err := os.Open(filepath.Join(dist, a))
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(&sb, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), a)
	}
	return os.WriteFile(filepath.Join(dist, "SHA256SUMS"), []byte(sb.String()), 0o644)
}
