package bindings

import (
	"strings"

	"github.com/dop251/goja"

	"github.com/azrepl/azrepl/errcode"
)

// EmulatorControl is what a script may do to the in-process emulator of
// `azrepl --emulator` (Env.Emulator; nil without --emulator, and then the
// emulator global does not exist).
type EmulatorControl interface {
	// RevokeSessions revokes a user's sessions (continuous access evaluation):
	// refresh tokens stop working and Graph/ARM challenge CP1 tokens.
	RevokeSessions(user string) error
}

func init() {
	Register(Binding{
		Name: "emulator",
		Help: `emulator.revoke(user) — only with --emulator: revoke a user's sessions (continuous access evaluation)
  As an administrator or a password change does in Entra. Graph and ARM then answer that user's
  tokens with their insufficient_claims challenge, the refresh token stops working, and azrepl throws
  INTERACTION_REQUIRED naming the login to run. (Without --emulator: POST user=NAME and key=<DIR/control-key>
  to $AZREPL_EMULATOR_URL/_emulator/revoke of a running azrepl emulate.)
  user  a user of the emulator's world: "alice" or "alice@contoso.onmicrosoft.com"
  Example: emulator.revoke("alice"); graph.get("/me")  // INTERACTION_REQUIRED: run login({flow: "device"}) again`,
		Install: func(env *Env, rt *goja.Runtime) error {
			if env.Emulator == nil {
				return nil
			}
			o := rt.NewObject()
			if err := o.Set("revoke", func(call goja.FunctionCall) goja.Value {
				user, ok := call.Argument(0).Export().(string)
				if !ok || strings.TrimSpace(user) == "" {
					Throw(rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: `emulator.revoke(user): a user name such as "alice" is expected`})
				}
				if err := env.Emulator.RevokeSessions(strings.TrimSpace(user)); err != nil {
					Throw(rt, &Error{Code: errcode.BadArgument, Message: "emulator.revoke: " + err.Error(), Err: err})
				}
				return goja.Undefined()
			}); err != nil {
				return err
			}
			return rt.Set("emulator", o)
		},
	})
}
