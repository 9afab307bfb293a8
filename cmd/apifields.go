package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/azrepl/azrepl/httpx"
)

// The request fields of azrepl api, as gh api takes them
// (https://cli.github.com/manual/gh_api): -f KEY=VALUE adds a string,
// -F KEY=VALUE a typed value (true, false, null and integers become JSON
// values, @FILE or @- the text of a file or stdin, anything else a
// string); a[b]=v nests, a[]=v appends to an array, a[] alone is an empty
// array. With GET they are the query string, otherwise a JSON object body.

// apiField is one -f or -F: its key split at the brackets and its value.
type apiField struct {
	Text  string   // as typed, for errors
	Key   string   // "a[b][]"
	Path  []string // "a", "b", "" (an array's next element)
	Value any      // string, bool, nil or int64
	Empty bool     // "a[]" with no value: an empty array
}

// parseField reads one field; typed is -F. stdinRead says whether @- was
// already read (stdin can be read once).
func parseField(arg string, typed bool, stdin io.Reader, stdinRead *bool) (apiField, error) {
	flag := map[bool]string{true: "--field", false: "--raw-field"}[typed]
	f := apiField{Text: arg}
	key, val, hasVal := strings.Cut(arg, "=")
	path, ok := fieldPath(key)
	switch {
	case !ok:
		return f, &UsageError{fmt.Sprintf("api: %s %q: KEY is a name, name[key]… or name[] (KEY=VALUE)", flag, arg)}
	case !hasVal && path[len(path)-1] != "":
		return f, &UsageError{fmt.Sprintf("api: %s %q is not KEY=VALUE (name[] alone is an empty array)", flag, arg)}
	}
	f.Key, f.Path, f.Empty = key, path, !hasVal
	if !hasVal || !typed {
		f.Value = val
		return f, nil
	}
	if strings.HasPrefix(val, "@") {
		if val == "@-" {
			if *stdinRead {
				return f, &UsageError{fmt.Sprintf("api: %s %q: stdin is read once", flag, arg)}
			}
			*stdinRead = true
		}
		text, err := readBody(flag+" "+key+"=", val, stdin)
		f.Value = text
		return f, err
	}
	f.Value = typedValue(val)
	return f, nil
}

// typedValue is -F's conversion of a literal value.
func typedValue(v string) any {
	switch v {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n
	}
	return v
}

// fieldPath splits "a[b][]" into "a", "b", ""; ok is false for an empty
// name or brackets that do not pair.
func fieldPath(key string) (path []string, ok bool) {
	i := strings.IndexByte(key, '[')
	if i < 0 {
		return []string{key}, key != ""
	}
	path, rest := []string{key[:i]}, key[i:]
	for rest != "" {
		end := strings.IndexByte(rest, ']')
		if rest[0] != '[' || end < 0 || strings.IndexByte(rest[1:end], '[') >= 0 {
			return nil, false
		}
		path, rest = append(path, rest[1:end]), rest[end+1:]
	}
	return path, path[0] != ""
}

// fieldsBody is the JSON object the fields make.
func fieldsBody(fields []apiField) (string, error) {
	var root any = map[string]any{}
	for _, f := range fields {
		var err error
		if root, err = place(root, f.Path, f); err != nil {
			return "", err
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// place puts f's value at path inside cur (nil, an object or an array)
// and returns what cur becomes. A later plain value replaces an earlier
// one; a value where an object or array is, or the reverse, is an error.
func place(cur any, path []string, f apiField) (any, error) {
	clash := &UsageError{fmt.Sprintf("api: field %q: %s is already given as another kind of value", f.Text, f.Key)}
	if len(path) == 0 {
		switch cur.(type) {
		case map[string]any, []any:
			return nil, clash
		}
		return f.Value, nil
	}
	if path[0] == "" {
		arr, ok := cur.([]any)
		switch {
		case cur != nil && !ok:
			return nil, clash
		case arr == nil:
			arr = []any{}
		}
		rest := path[1:]
		if len(rest) == 0 {
			if f.Empty {
				return arr, nil
			}
			return append(arr, f.Value), nil
		}
		// a[][k]=v fills the last object of a until k repeats, as gh does:
		// -f 'a[][k]=1' -f 'a[][j]=2' -f 'a[][k]=3' is [{k:1,j:2},{k:3}].
		if n := len(arr); n > 0 {
			last, ok := arr[n-1].(map[string]any)
			if _, taken := last[rest[0]]; ok && !taken && rest[0] != "" {
				v, err := place(last, rest, f)
				arr[n-1] = v
				return arr, err
			}
		}
		v, err := place(nil, rest, f)
		return append(arr, v), err
	}
	m, ok := cur.(map[string]any)
	switch {
	case cur != nil && !ok:
		return nil, clash
	case m == nil:
		m = map[string]any{}
	}
	v, err := place(m[path[0]], path[1:], f)
	m[path[0]] = v
	return m, err
}

// fieldsQuery is the fields as a query string: each key as typed, each
// value as text (null as empty); an empty array adds nothing.
func fieldsQuery(fields []apiField) string {
	q := url.Values{}
	for _, f := range fields {
		switch v := f.Value; {
		case f.Empty:
		case v == nil:
			q.Add(f.Key, "")
		default:
			q.Add(f.Key, fmt.Sprint(v))
		}
	}
	return q.Encode()
}

// withQuery adds a query string to a path or URL that may have one.
func withQuery(target, query string) string {
	if query == "" {
		return target
	}
	if strings.Contains(target, "?") {
		return target + "&" + query
	}
	return target + "?" + query
}

// responseHead is gh api -i's part before the body: the status line, the
// headers as the trace masks them (no token, no secret header's value),
// a blank line.
func responseHead(res *httpx.Response) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d %s\n", res.Proto, res.Status, http.StatusText(res.Status))
	h := res.RedactedHeader()
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	b.WriteString("\n")
	return []byte(httpx.EscapeControls(b.String()))
}
