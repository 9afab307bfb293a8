package httpx

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestParseServiceErrorEnvelopes(t *testing.T) {
	cases := []struct {
		name, url, body, ct         string
		status                      int
		hdr                         http.Header
		service, code, msg, request string
	}{
		{name: "graph", url: "https://graph.microsoft.com/v1.0/groups", status: 403,
			body:    `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2025-02-13T10:17:06","request-id":"rid-1","client-request-id":"c"}}}`,
			service: "graph", code: "Authorization_RequestDenied", msg: "Insufficient privileges to complete the operation.", request: "rid-1"},
		{name: "arm", url: "https://management.azure.com/subscriptions?api-version=2022-12-01", status: 401,
			hdr:     http.Header{"X-Ms-Request-Id": {"arm-req"}},
			body:    `{"error":{"code":"InvalidAuthenticationTokenAudience","message":"The access token has been obtained for wrong audience or resource 'x'."}}`,
			service: "arm", code: "InvalidAuthenticationTokenAudience", msg: "The access token has been obtained for wrong audience or resource 'x'.", request: "arm-req"},
		{name: "databricks", url: "https://adb-1.7.azuredatabricks.net/api/2.0/clusters/list", status: 404,
			body:    `{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Path (/Users/x) doesn't exist.","details":[]}`,
			service: "databricks", code: "RESOURCE_DOES_NOT_EXIST", msg: "Path (/Users/x) doesn't exist."},
		{name: "databricks numeric", url: "https://example.cloud.databricks.com/api/2.0/x", status: 403,
			body:    `{"error_code":403,"message":"Invalid access token."}`,
			service: "databricks", code: "403", msg: "Invalid access token."},
		{name: "entra", url: "https://login.microsoftonline.com/organizations/oauth2/v2.0/token", status: 400,
			body:    `{"error":"invalid_scope","error_description":"AADSTS70011: The provided value for the input parameter 'scope' isn't valid.\r\nTrace ID: t\r\nCorrelation ID: c","error_codes":[70011],"trace_id":"trace-9"}`,
			service: "entra", code: "invalid_scope", msg: "AADSTS70011: The provided value for the input parameter 'scope' isn't valid.", request: "trace-9"},
		{name: "scim", url: "https://adb-1.7.azuredatabricks.net/api/2.0/preview/scim/v2/Me", status: 401,
			body: `{"detail":"unauthorized","status":"401"}`, service: "databricks", code: "SCIM_401", msg: "unauthorized"},
		{name: "html from a proxy", url: "https://graph.microsoft.com/v1.0/me", status: 502, ct: "text/html; charset=utf-8",
			body:    "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
			service: "graph", msg: `HTTP 502 Bad Gateway: an HTML page (text/html, 74 bytes), not the service's JSON: a proxy or gateway answered? Title: "502 Bad Gateway"`},
		// Azure Databricks' Jetty page for an Entra token with the wrong aud or iss (fidelity/recordings/databricks/entra-token-wrong-audience.json).
		{name: "databricks wrong aud", url: "https://adb-1.7.azuredatabricks.net/api/2.0/clusters/list", status: 400, ct: "text/html;charset=iso-8859-1",
			body:    "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n<title>Error 400 io.jsonwebtoken.IncorrectClaimException: Expected aud claim to be: 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d, but was: https://management.core.windows.net/.</title>\n</head>\n<body><h2>HTTP ERROR 400</h2>\n<p>Problem accessing /api/2.0/clusters/list. Reason:\n<pre>    io.jsonwebtoken.IncorrectClaimException: Expected aud claim to be: 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d, but was: https://management.core.windows.net/.</pre></p>\n</body>\n</html>\n",
			service: "databricks", code: "IncorrectClaimException", msg: "Expected aud claim to be: 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d, but was: https://management.core.windows.net/."},
		{name: "databricks wrong iss", url: "https://adb-1.7.azuredatabricks.net/api/2.0/clusters/list", status: 400, ct: "text/html",
			body:    "<html><head><title>Error 400 io.jsonwebtoken.IncorrectClaimException: Expected iss claim to be: https://sts.windows.net/t1/, but was: https://sts.windows.net/t2/.</title></head></html>",
			service: "databricks", code: "IncorrectClaimException", msg: "Expected iss claim to be: https://sts.windows.net/t1/, but was: https://sts.windows.net/t2/."},
		{name: "cut JSON", url: "https://graph.microsoft.com/v1.0/me", status: 500, ct: "application/json",
			body: `{"error":{"code":"Inter`, service: "graph", msg: "HTTP 500 Internal Server Error: application/json body of 23 bytes is not valid JSON (cut short?)"},
		{name: "empty", url: "https://vault1.vault.azure.net/secrets/x", status: 401, service: "keyvault", msg: "HTTP 401 Unauthorized (empty body)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.hdr
			if h == nil {
				h = http.Header{}
			}
			if tc.ct != "" {
				h.Set("Content-Type", tc.ct)
			}
			e := ParseServiceError(tc.status, h, []byte(tc.body), tc.url)
			if e.Service != tc.service || e.Code != tc.code || firstLine(e.Message) != tc.msg || e.RequestID != tc.request || e.Status != tc.status {
				t.Fatalf("got %+v", e)
			}
			if s := e.Error(); strings.ContainsAny(s, "\r\n") {
				t.Fatalf("not one line: %q", s)
			}
		})
	}
}

func FuzzParseServiceError(f *testing.F) {
	f.Add(403, `{"error":{"code":"X","message":"m"}}`, "application/json")
	f.Add(400, `{"error":"invalid_grant","error_description":"AADSTS1\r\nx"}`, "application/json")
	f.Add(429, `{"error_code":17,"message":null}`, "")
	f.Add(502, `<html><title>x`, "text/html")
	f.Add(500, `{"error":[1,2]}`, "application/json;odata=x")
	f.Fuzz(func(t *testing.T, status int, body, ct string) {
		e := ParseServiceError(status, http.Header{"Content-Type": {ct}}, []byte(body), "https://graph.microsoft.com/v1.0/me")
		if e.Message == "" {
			t.Fatalf("no message for %q", body)
		}
		if strings.ContainsAny(e.Error(), "\r\n") {
			t.Fatalf("not one line: %q", e.Error())
		}
	})
}
