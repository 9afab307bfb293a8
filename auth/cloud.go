package auth

import (
	"fmt"
	"strings"
)

// Cloud names the Entra authority host of one Azure cloud. Tokens are not
// interchangeable between clouds, so the host is part of every cache key.
type Cloud struct {
	Name string
	// AuthorityHost is a base URL such as "https://login.microsoftonline.com"
	// (no trailing slash). Tests point it at a local TLS server.
	AuthorityHost string
}

var (
	CloudPublic = Cloud{Name: "public", AuthorityHost: "https://login.microsoftonline.com"}
	CloudUSGov  = Cloud{Name: "usgov", AuthorityHost: "https://login.microsoftonline.us"}
	CloudChina  = Cloud{Name: "china", AuthorityHost: "https://login.partner.microsoftonline.cn"}
)

// CloudByName accepts the names users type ("public", "AzureCloud", "usgov",
// "AzureUSGovernment", "china", "AzureChinaCloud"); "" is the public cloud.
func CloudByName(name string) (Cloud, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "public", "azurecloud", "azure":
		return CloudPublic, nil
	case "usgov", "usgovernment", "azureusgovernment", "gov":
		return CloudUSGov, nil
	case "china", "azurechinacloud", "mooncake":
		return CloudChina, nil
	}
	return Cloud{}, fmt.Errorf("unknown cloud %q: use public, usgov or china", name)
}

// WithAuthorityHost returns the cloud with its authority host replaced, as
// AZURE_AUTHORITY_HOST does ("login.microsoftonline.us", with or without
// https:// and a trailing slash). Plain http is refused: Entra is https only.
func (c Cloud) WithAuthorityHost(host string) (Cloud, error) {
	host = strings.TrimRight(strings.TrimSpace(host), "/")
	if host == "" {
		return c, nil
	}
	if strings.HasPrefix(host, "http://") {
		return c, fmt.Errorf("authority host %q must use https", host)
	}
	if !strings.HasPrefix(host, "https://") {
		host = "https://" + host
	}
	c.AuthorityHost = host
	if c.Name == "" {
		c.Name = "custom"
	}
	return c, nil
}

// host is the authority's host name (with port), the cache's "environment".
func (c Cloud) host() string {
	h := strings.TrimPrefix(c.base(), "https://")
	if i := strings.IndexByte(h, '/'); i >= 0 {
		h = h[:i]
	}
	return h
}

func (c Cloud) base() string {
	if c.AuthorityHost == "" {
		return CloudPublic.AuthorityHost
	}
	return strings.TrimRight(c.AuthorityHost, "/")
}

// Authority is the authority URL for a tenant segment
// (organizations, common, consumers, a GUID or a domain).
func (c Cloud) Authority(tenant string) string {
	if tenant == "" {
		tenant = "organizations"
	}
	return c.base() + "/" + tenant
}

// TokenURL is the v2.0 token endpoint of a tenant.
func (c Cloud) TokenURL(tenant string) string { return c.Authority(tenant) + "/oauth2/v2.0/token" }

// TokenURLV1 is the v1 token endpoint of a tenant (resource= instead of scope=).
func (c Cloud) TokenURLV1(tenant string) string { return c.Authority(tenant) + "/oauth2/token" }

// DeviceCodeURL is the v2.0 device authorization endpoint of a tenant.
func (c Cloud) DeviceCodeURL(tenant string) string {
	return c.Authority(tenant) + "/oauth2/v2.0/devicecode"
}

// AuthorizeURL is the v2.0 authorization endpoint of a tenant.
func (c Cloud) AuthorizeURL(tenant string) string {
	return c.Authority(tenant) + "/oauth2/v2.0/authorize"
}
