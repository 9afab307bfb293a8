package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// azField is one key of an az JSON answer, in az's (sorted) order.
type azField struct {
	Key   string
	Value any
}

// azObject marshals its fields in order.
type azObject []azField

func (o azObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.Key)
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// azPrint applies --query and --output as az does for the subset tools
// use: --query with a field name or a {name: field, …} hash; --output json
// (default), jsonc, tsv or none.
func azPrint(fields []azField, a azArgs, stdout, stderr io.Writer) int {
	var v any = azObject(fields)
	if q := strings.TrimSpace(a.get("--query")); q != "" {
		var err error
		if v, err = azQuery(fields, q); err != nil {
			fmt.Fprintln(stderr, "ERROR:", err)
			return 2
		}
	}
	switch out := a.get("--output"); out {
	case "", "json", "jsonc":
		raw, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			fmt.Fprintln(stderr, "ERROR:", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s\n", raw)
	case "tsv":
		line, err := azTSV(v)
		if err != nil {
			fmt.Fprintln(stderr, "ERROR:", err)
			return 1
		}
		fmt.Fprintln(stdout, line)
	case "none":
	default:
		fmt.Fprintf(stderr, "ERROR: argument --output/-o: invalid choice: %q (azrepl's az shim: json, jsonc, tsv, none)\n", out)
		return 2
	}
	return 0
}

// azQuery evaluates the JMESPath subset: a field, or a multiselect hash.
func azQuery(fields []azField, q string) (any, error) {
	lookup := func(name string) (any, error) {
		name = strings.TrimSpace(name)
		for _, f := range fields {
			if f.Key == name {
				return f.Value, nil
			}
		}
		if isIdent(name) {
			return nil, nil // JMESPath: a missing field is null
		}
		return nil, fmt.Errorf("--query %q: azrepl's az shim understands a field name or {name: field, ...}", name)
	}
	if strings.HasPrefix(q, "{") && strings.HasSuffix(q, "}") {
		var out azObject
		for _, part := range strings.Split(q[1:len(q)-1], ",") {
			k, expr, ok := strings.Cut(part, ":")
			if !ok || !isIdent(strings.TrimSpace(k)) {
				return nil, fmt.Errorf("--query %q: expected {name: field, ...}", q)
			}
			v, err := lookup(expr)
			if err != nil {
				return nil, err
			}
			out = append(out, azField{strings.TrimSpace(k), v})
		}
		return out, nil
	}
	return lookup(q)
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// azTSV prints a value as az's tsv output: a scalar as is, an object's
// values separated by tabs. A value holding a tab, a line break or another
// control character (a server's tenant or name can) is refused: written as
// is it would shift or split the fields a script cuts the line into.
func azTSV(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		for _, r := range x {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				return "", fmt.Errorf("the value holds the control character %q: -o tsv would shift the fields; use -o json", string(r))
			}
		}
		return x, nil
	case azObject:
		parts := make([]string, 0, len(x))
		for _, f := range x {
			if _, nested := f.Value.(map[string]string); nested {
				continue // az leaves nested objects out of tsv
			}
			p, err := azTSV(f.Value)
			if err != nil {
				return "", fmt.Errorf("%s: %w", f.Key, err)
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, "\t"), nil
	case bool:
		if x {
			return "True", nil
		}
		return "False", nil
	}
	return fmt.Sprint(v), nil
}
