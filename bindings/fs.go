package bindings

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/azrepl/azrepl/internal/atomicfile"
	"github.com/azrepl/azrepl/internal/safefile"
	"github.com/dop251/goja"

	"github.com/azrepl/azrepl/errcode"
)

func init() {
	Register(Binding{
		Name: "fs",
		Help: `fs.readFile(path, {encoding}) / fs.writeFile(path, data, {encoding}) / fs.exists(path) — files
  Confined to the script's folder tree and the working folder: a path that leads elsewhere ("../",
  an absolute path, a symbolic link pointing out) is refused (REFUSED), and so are AZREPL_HOME, the
  Azure CLI's folder (~/.azure, AZURE_CONFIG_DIR) and ~/.databrickscfg, which hold credentials.
  Relative paths start at the working folder.
  encoding  "utf8" (default: a string), "base64" (a base64 string), "bytes" (a Uint8Array)
  writeFile is atomic (a temporary file renamed over the target); data: a string, a Uint8Array, or
  another value written as indented JSON. fs.readFile(path, "utf8") works too.
  Example: fs.writeFile("groups.json", graph.all("/groups", {max: 100}))`,
		Value: func(env *Env, rt *goja.Runtime) (goja.Value, error) {
			o := rt.NewObject()
			f := &files{env: env, rt: rt}
			_ = o.Set("readFile", f.readFile)
			_ = o.Set("writeFile", f.writeFile)
			_ = o.Set("exists", f.exists)
			return o, nil
		},
	})
}

// fileOptions: fs.readFile and fs.writeFile.
type fileOptions struct {
	Encoding string `opt:"encoding"`
}

// maxReadFile bounds fs.readFile: a script reads certificates and reports,
// not disk images.
const maxReadFile = 256 << 20

type files struct {
	env *Env
	rt  *goja.Runtime
}

func (f *files) options(fn string, v goja.Value) fileOptions {
	var o fileOptions
	if v == nil {
		v = goja.Undefined()
	}
	if s, ok := v.Export().(string); ok {
		o.Encoding = s // readFile(path, "utf8"), as in Node
	} else {
		decodeOpts(f.rt, fn, v, &o)
	}
	switch strings.ToLower(o.Encoding) {
	case "", "utf8", "utf-8":
		o.Encoding = "utf8"
	case "base64", "bytes":
		o.Encoding = strings.ToLower(o.Encoding)
	default:
		Throw(f.rt, optionError(fn, fmt.Sprintf("encoding %q is not one of utf8, base64, bytes", o.Encoding)))
	}
	return o
}

func (f *files) readFile(pathArg, opts goja.Value) goja.Value {
	path := stringArg(f.rt, "fs.readFile(path, opts)", "path", pathArg)
	p := f.confine("fs.readFile", path, false)
	o := f.options("fs.readFile(path, opts)", opts)
	b, err := safefile.Read(f.env.Context(), p, maxReadFile)
	if errors.Is(err, safefile.ErrTooLarge) {
		Throw(f.rt, &Error{Code: errcode.TooLarge, Message: fmt.Sprintf("fs.readFile(%q): more than the %d MiB it reads", path, maxReadFile>>20), Err: err})
	}
	if err != nil {
		Throw(f.rt, f.fileError("fs.readFile", path, err))
	}
	switch o.Encoding {
	case "base64":
		return f.rt.ToValue(base64.StdEncoding.EncodeToString(b))
	case "bytes":
		ctor, _ := goja.AssertConstructor(f.rt.Get("Uint8Array"))
		arr, err := ctor(nil, f.rt.ToValue(f.rt.NewArrayBuffer(b)))
		if err != nil {
			panic(err)
		}
		return arr
	}
	return f.rt.ToValue(strings.ToValidUTF8(string(b), "\uFFFD"))
}

func (f *files) writeFile(pathArg, data, opts goja.Value) {
	path := stringArg(f.rt, "fs.writeFile(path, data, opts)", "path", pathArg)
	p := f.confine("fs.writeFile", path, true)
	o := f.options("fs.writeFile(path, data, opts)", opts)
	var b []byte
	switch {
	case data == nil || goja.IsUndefined(data):
		Throw(f.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "fs.writeFile(path, data): data is missing"})
	default:
		if s, ok := data.Export().(string); ok {
			b = []byte(s)
			if o.Encoding == "base64" {
				var err error
				if b, err = base64.StdEncoding.DecodeString(strings.TrimSpace(s)); err != nil {
					Throw(f.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "fs.writeFile: data is not base64: " + err.Error()})
				}
			}
		} else if raw, ok := typedBytes(data); ok {
			b = raw
		} else {
			j, err := jsonIndent(f.rt, data)
			if err != nil {
				Throw(f.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "fs.writeFile: data cannot be written as JSON: " + err.Error(), Err: err})
			}
			b = append([]byte(j), '\n')
		}
	}
	if err := writeAtomic(p, b, 0); err != nil {
		Throw(f.rt, f.fileError("fs.writeFile", path, err))
	}
}

func (f *files) exists(pathArg goja.Value) bool {
	p := f.confine("fs.exists", stringArg(f.rt, "fs.exists(path)", "path", pathArg), false)
	_, err := os.Stat(p)
	return err == nil
}

// typedBytes reads a Uint8Array or an ArrayBuffer.
func typedBytes(v goja.Value) ([]byte, bool) {
	if ab, ok := v.Export().(goja.ArrayBuffer); ok {
		return ab.Bytes(), true
	}
	o, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	buf := o.Get("buffer")
	if buf == nil {
		return nil, false
	}
	ab, ok := buf.Export().(goja.ArrayBuffer)
	if !ok {
		return nil, false
	}
	off, n := o.Get("byteOffset").ToInteger(), o.Get("byteLength").ToInteger()
	if off < 0 || n < 0 || off+n > int64(len(ab.Bytes())) {
		return nil, false
	}
	return ab.Bytes()[off : off+n], true
}

func jsonIndent(rt *goja.Runtime, v goja.Value) (string, error) {
	stringify, _ := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("stringify"))
	out, err := stringify(goja.Undefined(), v, goja.Null(), rt.ToValue(2))
	if err != nil {
		return "", err
	}
	if goja.IsUndefined(out) {
		return "", errors.New("it has no JSON form")
	}
	return out.String(), nil
}

// writeAtomic replaces p with b atomically (atomicfile.Replace). The file
// keeps its mode, or gets 0644, unless mode is set.
func writeAtomic(p string, b []byte, mode fs.FileMode) error {
	if mode == 0 {
		mode = 0o644
		if st, err := os.Stat(p); err == nil {
			mode = st.Mode().Perm()
		}
	}
	return atomicfile.Replace(p, b, mode)
}

func (f *files) fileError(fn, path string, err error) *Error { return fileError(fn, path, err) }

func fileError(fn, path string, err error) *Error {
	var pe *fs.PathError
	msg := err.Error()
	if errors.As(err, &pe) {
		msg = pe.Err.Error()
	}
	code := errcode.Failed
	if errors.Is(err, fs.ErrNotExist) {
		code = errcode.NotFound
	}
	return &Error{Code: code, Message: fmt.Sprintf("%s(%q): %s", fn, path, msg), Err: err}
}

func (f *files) confine(fn, path string, write bool) string {
	return confinePath(f.env, f.rt, fn, path, write)
}

// confinePath resolves a path a script hands to azrepl (fs, trace exports,
// token files, certificates) and refuses it unless it stays in the allowed
// folders, symbolic links followed, and outside the folders with
// credentials. For a file to be written, the folder must exist and the
// file itself may not yet. Nothing is said about a refused path's existence.
func confinePath(env *Env, rt *goja.Runtime, fn, path string, write bool) string {
	refuse := func(why string) {
		Throw(rt, &Error{Code: errcode.Refused, Message: fmt.Sprintf("%s(%q): refused: %s", fn, path, why),
			Hint: "a script reaches only its folder tree and the working folder, never azrepl's or the Azure/Databricks CLIs' credential files"})
	}
	if strings.TrimSpace(path) == "" || strings.ContainsRune(path, 0) {
		Throw(rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: fn + "(path): a file path is expected"})
	}
	wd, err := os.Getwd()
	if err != nil {
		Throw(rt, &Error{Code: errcode.Failed, Message: fn + ": " + err.Error(), Err: err})
	}
	p := path
	if !filepath.IsAbs(p) {
		p = filepath.Join(wd, p)
	}
	p = filepath.Clean(p)
	roots := []string{wd}
	if env.FileRoots != nil {
		roots = append(roots, env.FileRoots()...)
	}
	if !within(p, roots) {
		refuse("outside the script's folder and the working folder")
	}
	// Follow symbolic links: the real place must be allowed too.
	real := p
	if r, err := filepath.EvalSymlinks(p); err == nil {
		real = r
	} else if write || errors.Is(err, fs.ErrNotExist) {
		dir, err := filepath.EvalSymlinks(filepath.Dir(p))
		if err != nil {
			Throw(rt, fileError(fn, path, err))
		}
		real = filepath.Join(dir, filepath.Base(p))
		if st, err := os.Lstat(p); err == nil && st.Mode()&fs.ModeSymlink != 0 {
			refuse("a symbolic link that leads nowhere")
		}
	}
	realRoots := make([]string, 0, len(roots))
	for _, r := range roots {
		if rr, err := filepath.EvalSymlinks(r); err == nil {
			realRoots = append(realRoots, rr)
		}
	}
	if !within(real, realRoots) {
		refuse("a symbolic link that leads outside the allowed folders")
	}
	for _, s := range secretPlaces() {
		if within(p, []string{s}) || within(real, []string{s}) {
			refuse(s + " holds credentials")
		}
	}
	return p
}

// within reports whether p is one of roots or below one.
func within(p string, roots []string) bool {
	for _, r := range roots {
		if r == "" {
			continue
		}
		rel, err := filepath.Rel(r, p)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}

// secretPlaces are the files and folders fs never touches, symbolic links
// resolved: azrepl's home, the Azure CLI's folder, ~/.databrickscfg.
func secretPlaces() []string {
	var out []string
	add := func(p string) {
		if p == "" {
			return
		}
		p = filepath.Clean(p)
		out = append(out, p)
		if r, err := filepath.EvalSymlinks(p); err == nil && r != p {
			out = append(out, r)
		}
	}
	home, _ := os.UserHomeDir()
	if h := os.Getenv("AZREPL_HOME"); h != "" {
		add(h)
	} else if dir, err := os.UserConfigDir(); err == nil {
		add(filepath.Join(dir, "azrepl"))
	}
	if d := os.Getenv("AZURE_CONFIG_DIR"); d != "" {
		add(d)
	}
	if home != "" {
		add(filepath.Join(home, ".azure"))
		add(filepath.Join(home, ".databrickscfg"))
	}
	if c := os.Getenv("DATABRICKS_CONFIG_FILE"); c != "" {
		add(c)
	}
	return out
}
