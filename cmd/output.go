package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/runtime"
	"github.com/dop251/goja"
	"github.com/mattn/go-isatty"
	"github.com/tidwall/gjson"
)

// How `azrepl -e` prints its value. On a terminal a Response is a summary
// (status, a few headers, the body cut at 4 KiB); into a pipe or a file it
// is its body alone and whole, so `azrepl -e 'graph.get("/me")' | jq`
// works as `gh api /user | jq` does. -o and --query choose the form
// explicitly.

// outputFormats are the values of -o for -e.
var outputFormats = []string{"json", "raw"}

// isOutputFlag: -o, --output and --query, alone or as flag=value.
func isOutputFlag(a string) bool {
	name, _, _ := strings.Cut(a, "=")
	return name == "-o" || name == "--output" || name == "--query"
}

// parseOutputFlag reads the output flag at args[i] into o and returns how
// many more arguments it took (its value, when not given as flag=value).
func parseOutputFlag(o *Options, args []string, i int) (int, error) {
	name, val, hasVal := strings.Cut(args[i], "=")
	n := 0
	if !hasVal {
		if i+1 >= len(args) {
			return 0, &UsageError{name + " needs a value"}
		}
		val, n = args[i+1], 1
	}
	if name == "--query" {
		if val == "" {
			return 0, &UsageError{"--query needs a gjson path"}
		}
		o.Query = val
		return n, nil
	}
	if !contains(outputFormats, val) {
		return 0, &UsageError{fmt.Sprintf("unknown output %q (use %s)", val, strings.Join(outputFormats, " or "))}
	}
	o.Output = val
	return n, nil
}

// checkOutputFlags: -o and --query shape the value of -e; elsewhere they
// would be silently ignored.
func checkOutputFlags(o Options) error {
	if (o.Output != "" || o.Query != "") && o.Command != "eval" {
		return &UsageError{"-o and --query go with -e 'EXPR' (subcommands take their own -o)"}
	}
	return nil
}

// errNoMatch: --query matched nothing; stdout stays empty.
var errNoMatch = errors.New("matched nothing")

// resultShape is what decides how a value is printed.
type resultShape struct {
	Output   string // "", "json" or "raw"
	Query    string // a gjson path, or ""
	Terminal bool   // stdout is a terminal
	Color    bool
}

// renderResult is the text -e prints for v (nothing for undefined). Call
// it on the runtime's goroutine.
func renderResult(vm *goja.Runtime, v goja.Value, s resultShape) ([]byte, error) {
	if v == nil || goja.IsUndefined(v) {
		return nil, nil
	}
	body, isResponse := runtime.ResponseBody(v)
	if s.Query == "" && s.Output == "" {
		if isResponse && !s.Terminal {
			return runtime.WholeBody(body), nil
		}
		return []byte(runtime.FormatResult(vm, v, s.Color) + "\n"), nil
	}
	doc := body
	if !isResponse {
		var err error
		if doc, err = valueJSON(v); err != nil {
			return nil, err
		}
	}
	if s.Query != "" {
		r := bindings.Query(doc, s.Query)
		if !r.Exists() {
			return nil, fmt.Errorf("--query %s %w", s.Query, errNoMatch)
		}
		if r.Type == gjson.String && s.Output != "json" {
			return s.text(r.String()), nil
		}
		return indentJSON([]byte(r.Raw)), nil
	}
	switch {
	case s.Output == "raw" && isResponse:
		return s.text(string(body)), nil
	case s.Output == "raw":
		if str, ok := v.Export().(string); ok {
			return s.text(str), nil
		}
	case isResponse && !json.Valid(body):
		// -o json of a body that is not JSON: the text as a JSON string.
		doc, _ = json.Marshal(string(body))
	}
	return indentJSON(doc), nil
}

// text is a string printed as it is, with a final newline; a terminal gets
// a server's control characters shown escaped, a pipe the exact text.
func (s resultShape) text(str string) []byte {
	if s.Terminal {
		str = httpx.EscapeControls(str)
	}
	if !strings.HasSuffix(str, "\n") {
		str += "\n"
	}
	return []byte(str)
}

func indentJSON(raw []byte) []byte {
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") != nil {
		return append(raw[:len(raw):len(raw)], '\n')
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// valueJSON is v as JSON, as JSON.stringify writes it.
func valueJSON(v goja.Value) ([]byte, error) {
	if obj, ok := v.(*goja.Object); ok {
		return json.Marshal(obj)
	}
	return json.Marshal(v.Export())
}

// printResult writes what -e prints for v.
func printResult(rt *runtime.Runtime, v goja.Value, o Options, stdout io.Writer) error {
	s := resultShape{Output: o.Output, Query: o.Query, Terminal: isTerminalWriter(stdout), Color: colorOK(stdout)}
	var (
		out []byte
		err error
	)
	rt.Do(func(vm *goja.Runtime) { out, err = renderResult(vm, v, s) })
	if err != nil {
		return err
	}
	_, err = stdout.Write(out)
	return err
}

// isTerminalWriter: w is a terminal (whatever NO_COLOR says).
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}
