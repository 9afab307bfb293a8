package cmd

// The az command line as the az shim reads it.

import (
	"fmt"
	"strings"
)

// azArgs is an az command line: the words, and the flags by name.
type azArgs struct {
	words []string
	flags map[string][]string
}

func parseAzArgs(args []string) (azArgs, error) {
	a := azArgs{flags: map[string][]string{}}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") {
			a.words = append(a.words, arg)
			continue
		}
		name, val, hasVal := strings.Cut(arg, "=")
		if azSwitches[name] {
			a.flags[name] = append(a.flags[name], "")
			continue
		}
		canon, ok := azValueFlags[name]
		if !ok {
			return a, fmt.Errorf("unrecognized arguments: %s", arg)
		}
		if !hasVal {
			if i+1 >= len(args) {
				return a, fmt.Errorf("argument %s: expected one argument", name)
			}
			i++
			val = args[i]
		}
		a.flags[canon] = append(a.flags[canon], val)
		// --scope takes several values, as az's nargs='*'.
		for canon == "--scope" && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			i++
			a.flags[canon] = append(a.flags[canon], args[i])
		}
	}
	return a, nil
}

func (a azArgs) get(name string) string {
	if v := a.flags[name]; len(v) > 0 {
		return v[len(v)-1]
	}
	return ""
}

// azValueFlags take a value; the others are switches.
var azValueFlags = map[string]string{
	"--resource": "--resource", "--scope": "--scope", "--resource-type": "--resource-type",
	"--tenant": "--tenant", "-t": "--tenant", "--subscription": "--subscription", "-s": "--subscription",
	"--output": "--output", "-o": "--output", "--query": "--query", "--name": "--subscription", "-n": "--subscription",
}

var azSwitches = map[string]bool{"--version": true, "--only-show-errors": true, "--debug": true, "--verbose": true, "--help": true, "-h": true}
