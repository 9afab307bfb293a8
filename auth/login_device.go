package auth

import "context"

// deviceFlow is az login --use-device-code: a person enters a code on
// another device (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code).
type deviceFlow struct{ refreshing }

func init() {
	registerFlow(FlowDevice, deviceFlow{}, "a code entered on another device, as az login --use-device-code")
}

func (deviceFlow) login(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
	tenant, clientID, scope := userDefaults(o)
	cloud := s.cfg.Cloud
	tr, err := DeviceCodeFlow(ctx, s.cfg.HTTP, DeviceCodeRequest{
		DeviceCodeURL: cloud.DeviceCodeURL(tenant), TokenURL: cloud.TokenURL(tenant),
		ClientID: clientID, Scope: userScope(scope), Extra: s.userExtra(),
		OnCode: s.showDeviceCode, OnPoll: s.cfg.OnCountdown,
	})
	if err != nil {
		return nil, err
	}
	return s.userResult(tr, FlowDevice, tenant, clientID, scope)
}
