package bindings

import (
	"encoding/json"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/errcode"
	"github.com/dop251/goja"
)

func init() {
	Register(Binding{
		Name: "jwt",
		Help: `jwt(token) — decode a JWT's header and claims, offline; the signature is not checked
  token  the compact JWT string, "Bearer <jwt>", or any object whose toString() is the JWT (a Token)
  Returns {header, claims}. Throws on anything that is not a JWT (the token is never echoed).
  Example: jwt(t).claims.aud`,
		Value: func(env *Env, rt *goja.Runtime) (goja.Value, error) {
			conv, err := NewJSONConverter(rt)
			if err != nil {
				return nil, err
			}
			return rt.ToValue(func(call goja.FunctionCall) goja.Value {
				arg := call.Argument(0)
				if goja.IsUndefined(arg) || goja.IsNull(arg) {
					Throw(rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "jwt(token): a token string is expected"})
				}
				tok, err := auth.DecodeJWT(arg.String())
				if err != nil {
					Throw(rt, &Error{Name: "TypeError", Code: errcode.NotAJWT, Message: err.Error(), Err: err})
				}
				h, err := json.Marshal(tok.Header)
				if err != nil {
					Throw(rt, err)
				}
				c, err := json.Marshal(tok.Claims)
				if err != nil {
					Throw(rt, err)
				}
				v, err := conv.Parse(`{"header":` + string(h) + `,"claims":` + string(c) + `}`)
				if err != nil {
					Throw(rt, err)
				}
				return v
			}), nil
		},
	})
}
