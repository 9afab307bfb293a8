package bindings

import (
	"errors"
	"fmt"
	"reflect"
	"sort"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/errcode"
)

// signIn is login() after its options are read: a secret the flow needs and
// was not given (auth.SecretToAsk) is asked on the terminal without echo, every secret is
// masked in the trace, then auth signs in. getenv reads the environment the
// caller sees (a script's env global). Errors are *Error, as JS throws them.
func signIn(env *Env, s *auth.Session, getenv func(string) string, o auth.LoginOptions) (*auth.Account, error) {
	if m := auth.SecretToAsk(o, getenv); m != nil {
		secret, err := readSecret(env.Context(), m.Prompt)
		switch {
		case errors.Is(err, errNoTerminal):
			return nil, &Error{Code: errcode.BadRequest, Message: m.NoTerminal}
		case err != nil:
			return nil, AuthError(env, err)
		}
		m.Fill(&o, secret)
	}
	if env.HTTP != nil {
		for _, secret := range []string{o.ClientSecret, o.Password} {
			if secret != "" {
				env.HTTP.AddSecret(secret)
			}
		}
	}
	a, err := s.Login(env.Context(), o)
	if dp := promptOf(s); dp != nil {
		dp.Done()
	}
	if err != nil {
		return nil, AuthError(env, err)
	}
	return a, nil
}

// LoginOption is one key of login(opts): what the command line turns into
// a flag, so `azrepl login` and login() take the same options.
type LoginOption struct {
	Name string // the JS key: "clientId"
	List bool   // may be given more than once (certificate paths)
}

// LoginOptions lists the keys of login(opts), sorted.
func LoginOptions() []LoginOption {
	t := reflect.TypeOf(auth.LoginOptions{})
	fields := optionFields(t)
	out := make([]LoginOption, 0, len(fields))
	for name, f := range fields {
		out = append(out, LoginOption{Name: name, List: t.FieldByIndex(f.index).Type.Kind() == reflect.Slice})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Login is login(opts) for the command line: values holds the options by
// their JS key (a list for List keys, else one value). File paths are the
// user's own and are not confined as a script's are. The account is
// signed in and made the default one, exactly as login() does.
func Login(env *Env, getenv func(string) string, values map[string][]string) (*auth.Account, error) {
	if env.Auth == nil {
		return nil, &Error{Code: errcode.NoClient, Message: "sign-in is not available here (no auth session)"}
	}
	var lo auth.LoginOptions
	dv := reflect.ValueOf(&lo).Elem()
	fields := optionFields(dv.Type())
	for name, vs := range values {
		f, ok := fields[name]
		if !ok {
			return nil, &Error{Name: "TypeError", Code: errcode.BadRequest, Message: fmt.Sprintf("login: unknown option %q", name)}
		}
		fv := dv.FieldByIndex(f.index)
		switch {
		case fv.Kind() == reflect.Slice:
			fv.Set(reflect.ValueOf(append([]string(nil), vs...)))
		case fv.Kind() == reflect.String && len(vs) > 0:
			fv.SetString(vs[len(vs)-1])
		default:
			return nil, &Error{Name: "TypeError", Code: errcode.BadRequest, Message: fmt.Sprintf("login: option %q takes no text value", name)}
		}
	}
	return signIn(env, env.Auth, getenv, withImpliedFlow(lo))
}
