package bindings

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/errcode"
	"github.com/dop251/goja"
)

func init() {
	Register(Binding{
		Name: "whoami",
		Help: `whoami() — the current account: who, which flow signed it in and where its credential came from
  (an env variable, a file, an endpoint, the cache). UNAUTHENTICATED when nobody is signed in
  (accounts().length is 0 then).
  Example: whoami().source`,
		Install: func(env *Env, rt *goja.Runtime) error {
			return rt.Set("whoami", func(goja.FunctionCall) goja.Value {
				list, err := session(env, rt).Accounts()
				if err != nil {
					Throw(rt, AuthError(env, err))
				}
				if len(list) == 0 {
					Throw(rt, &Error{Code: errcode.Unauthenticated, Message: "whoami: nobody is signed in",
						Hint: `run login() (device code, as az login), or login({flow: "auto"}) to use what the environment offers`})
				}
				a := list[0]
				o := accountObject(rt, a)
				set(o, "source", cmp.Or(a.Source, "the token cache"))
				_ = o.DefineDataProperty(REPLMethod, rt.ToValue(func(goja.FunctionCall) goja.Value {
					return rt.ToValue(renderWhoami(a))
				}), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
				return o
			})
		},
	})
}

// renderWhoami is whoami() as the REPL prints it.
func renderWhoami(a auth.Account) string {
	var b strings.Builder
	who := a.Username
	if who == "" {
		who = "app " + a.ClientID
	}
	if a.GuestTenantID != "" {
		fmt.Fprintf(&b, "%s (guest in tenant %s, home tenant %s)\n", who, a.GuestTenantID, a.TenantID)
	} else {
		fmt.Fprintf(&b, "%s (tenant %s)\n", who, a.TenantID)
	}
	fmt.Fprintf(&b, "  flow      %s\n", a.Flow)
	fmt.Fprintf(&b, "  clientId  %s\n", a.ClientID)
	fmt.Fprintf(&b, "  source    %s", cmp.Or(a.Source, "the token cache"))
	return b.String()
}
