package entra

import (
	"html/template"
	"net/http"
	"sync"
)

// deviceLoginPage is https://microsoft.com/devicelogin: a person types the
// code, signs in, and approves or declines the device's request.
type deviceLoginPage struct{ entra *Server }

// DeviceLoginPage serves https://microsoft.com/devicelogin.
func (e *Server) DeviceLoginPage() http.Handler { return &deviceLoginPage{entra: e} }

func (p *deviceLoginPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/devicelogin" && r.URL.Path != "/devicelogin/" {
		http.Redirect(w, r, "/devicelogin", http.StatusFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodPost {
		_ = deviceCodeTemplate().Execute(w, map[string]any{})
		return
	}
	if err := r.ParseForm(); err != nil {
		_ = deviceCodeTemplate().Execute(w, map[string]any{"Error": "The form could not be read."})
		return
	}
	code := r.PostForm.Get("otc")
	d := p.entra.findDevice(code)
	if d == nil {
		_ = deviceCodeTemplate().Execute(w, map[string]any{"Code": code,
			"Error": "That code didn't work. Check the code and try again. (AADSTS70018)"})
		return
	}
	data := map[string]any{"Code": code, "App": d.client.name, "Tenant": p.entra.world.DisplayName}
	if r.PostForm.Get("step") != "signin" {
		_ = deviceSignInTemplate().Execute(w, data)
		return
	}
	if r.PostForm.Get("action") == "decline" {
		_ = p.entra.decideDevice(code, nil, false)
		_ = deviceDoneTemplate().Execute(w, map[string]any{"Message": "You have declined the sign-in request. You can close this window."})
		return
	}
	u, msg := p.entra.checkPassword(r.PostForm.Get("login"), r.PostForm.Get("passwd"))
	if u == nil {
		data["Error"], data["Login"] = msg, r.PostForm.Get("login")
		_ = deviceSignInTemplate().Execute(w, data)
		return
	}
	if err := p.entra.decideDevice(code, u, true); err != nil {
		_ = deviceCodeTemplate().Execute(w, map[string]any{"Error": err.Error()})
		return
	}
	_ = deviceDoneTemplate().Execute(w, map[string]any{"Message": "You have signed in to the " + d.client.name +
		" application on your device. You may now close this window."})
}

var deviceCodeTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("otc").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Enter code</title></head><body><main>
<h1>Enter code</h1><p>Enter the code displayed on your app or device.</p>
{{if .Error}}<p id="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/devicelogin"><input name="otc" id="otc" value="{{.Code}}" autocomplete="off" placeholder="Code">
<button type="submit" id="idSIButton9">Next</button></form></main></body></html>
`))
})

var deviceSignInTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("devsignin").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title></head><body><main>
<h1>Sign in</h1><p>Are you trying to sign in to <b>{{.App}}</b> ({{.Tenant}}, azrepl emulator)?
Only continue if you got this code from an app you started yourself.</p>
{{if .Error}}<p id="passwordError" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/devicelogin"><input type="hidden" name="otc" value="{{.Code}}"><input type="hidden" name="step" value="signin">
<label>Email <input type="email" name="login" id="i0116" value="{{.Login}}"></label>
<label>Password <input type="password" name="passwd" id="i0118"></label>
<button type="submit" name="action" value="approve" id="idSIButton9">Continue</button>
<button type="submit" name="action" value="decline" id="idBtn_Back">Cancel</button>
</form></main></body></html>
`))
})

var deviceDoneTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("devdone").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Azure device login</title></head><body><main>
<p id="message">{{.Message}}</p></main></body></html>
`))
})
