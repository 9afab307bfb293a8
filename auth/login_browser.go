package auth

import "context"

// FlowBrowser is the browser login.
const FlowBrowser = "browser"

// browserFlow is az login: authorization code + PKCE through a loopback
// redirect (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).
type browserFlow struct{ refreshing }

func init() {
	registerFlow(FlowBrowser, browserFlow{}, "the system browser and a loopback redirect (authorization code + PKCE), as az login")
}

func (browserFlow) login(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
	tenant, clientID, scope := userDefaults(o)
	cloud := s.cfg.Cloud
	authExtra := s.userExtra()
	authExtra["prompt"] = []string{"select_account"}
	if o.LoginHint != "" {
		authExtra["login_hint"] = []string{o.LoginHint}
	}
	tr, err := AuthCodeFlow(ctx, s.cfg.HTTP, AuthCodeRequest{
		AuthorizeURL: cloud.AuthorizeURL(tenant), TokenURL: cloud.TokenURL(tenant),
		ClientID: clientID, Scope: userScope(scope), Nonce: true,
		AuthorizeExtra: authExtra, TokenExtra: s.userExtra(),
		OpenURL: s.cfg.OpenURL, ShowURL: s.showURL, Timeout: s.cfg.BrowserTimeout, OnWait: s.cfg.OnCountdown,
	})
	if err != nil {
		return nil, err
	}
	return s.userResult(tr, FlowBrowser, tenant, clientID, scope)
}
