package cmd

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// shellAdvice says in shell words what an error's advice says in JS, for
// the commands: "run login({flow: "secret", tenant: "T"}) again" becomes
// "run azrepl login --flow secret --tenant T again", login() becomes
// azrepl login, accounts() azrepl status.
func shellAdvice(s string) string {
	s = jsLoginCall.ReplaceAllStringFunc(s, func(call string) string {
		words := []string{"azrepl login"}
		inner := jsLoginCall.FindStringSubmatch(call)[1]
		for _, m := range jsOption.FindAllStringSubmatch(inner, -1) {
			v, err := strconv.Unquote(m[2])
			if err != nil {
				continue // a name or "...": not a value to copy
			}
			if strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/:@") != "" {
				v = shellWord(v)
			}
			words = append(words, kebab(m[1]), v)
		}
		return strings.Join(words, " ")
	})
	return strings.NewReplacer("login()", "azrepl login", "accounts() lists", "azrepl status lists").Replace(s)
}

var (
	jsLoginCall = regexp.MustCompile(`\blogin\(\{([^{}]*)\}\)`)
	jsOption    = regexp.MustCompile(`(\w+): ("(?:[^"\\]|\\.)*"|[\w.]+)`)
)

// kebab turns a JS option key into a flag name: clientId → --client-id.
func kebab(key string) string {
	var b strings.Builder
	b.WriteString("--")
	for _, r := range key {
		if unicode.IsUpper(r) {
			b.WriteByte('-')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
