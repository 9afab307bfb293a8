package auth

import (
	"context"
	"errors"
	"fmt"
)

// On-behalf-of (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow): an API signed in as an app (secret or
// certificate) trades the token a user sent it for a token to a downstream
// API as that user (onBehalfOfGrant).

// onBehalfOf makes the job redeem a user's assertion for its scope. OBO
// tokens are not cached: they belong to the user of the assertion, not to
// the app's login (MSAL keys them by the assertion's hash; azrepl asks again).
func (s *Session) onBehalfOf(j *tokenJob, assertion string) error {
	acct := j.account
	if !acct.isApp() {
		return fmt.Errorf("on-behalf-of needs an app login with a secret or certificate (the API's own credential), not the user %s: run login({flow: \"secret\", ...}) as the API app", acct.Username)
	}
	cred, err := s.credentialFor(acct)
	if err != nil {
		return err
	}
	oc, ok := cred.(appCredential)
	if !ok || oc.federated != nil {
		return fmt.Errorf("on-behalf-of needs the app's secret or certificate; the %s login of %s has neither", acct.Flow, acct.ClientID)
	}
	s.learn(assertion)
	if _, err := DecodeJWT(assertion); err != nil {
		return errors.New("on-behalf-of: the assertion is not a JWT (pass the access token the user sent to this API)")
	}
	j.clientID, j.noCache = acct.ClientID, true
	tenant, scope := j.tenant, j.key
	j.accountOf = func(tr *TokenResponse) Account {
		u := accountFromResponse(tr)
		u.ClientID, u.Flow, u.Source = acct.ClientID, "on-behalf-of", "on-behalf-of the user of the assertion, by app "+acct.ClientID
		return u
	}
	j.exchange = func(ctx context.Context) (*TokenResponse, error) {
		auth, err := oc.authenticate(ctx, s)
		if err != nil {
			return nil, err
		}
		tr, err := onBehalfOfGrant(ctx, s.cfg.HTTP, tokenParams{endpoint: s.cfg.Cloud.TokenURL(tenant), clientID: acct.ClientID,
			scope: userScope(scope), auth: auth}, assertion)
		if err != nil {
			return nil, explainOBOError(err)
		}
		return tr, nil
	}
	return nil
}

func explainOBOError(err error) error {
	var ee *EntraError
	if !errors.As(err, &ee) {
		return err
	}
	switch {
	case ee.HasCode(65001):
		return &explained{"on-behalf-of: the user has not consented to the downstream permission for this API app (AADSTS65001): an admin grants consent, or the user signs in to the API interactively once", ee}
	case ee.HasCode(50013), ee.HasCode(500131), ee.HasCode(500133):
		return &explained{fmt.Sprintf("on-behalf-of: the assertion was refused (AADSTS%d): it must be a current user token whose audience is this API app", ee.Codes[0]), ee}
	}
	return err
}
