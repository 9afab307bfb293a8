package bindings

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/dop251/goja"
)

// ARMHost is where arm.* calls go.
const ARMHost = "https://management.azure.com"

func init() {
	Register(Binding{
		Name: "arm",
		Help: `arm.get(path, opts) / put(path, body, opts) / post / patch / delete(path, opts) — Azure Resource Manager
  path  relative to https://management.azure.com, or absolute; it must carry ?api-version=… (ARM refuses
        requests without one: azrepl says so before sending, with a usual version)
  Returns the Response; throws on non-2xx like graph.*.
  arm.all(path, {max}) — every item of a list, following nextLink; arm.iter(path) and arm.each(path, fn) stream it
  arm.wait(response, {timeout, interval}) — follow a long-running operation (201/202 with Azure-AsyncOperation
        or Location) until it ends, honouring Retry-After; returns the final resource (PUT/PATCH), the
        operation's result or null; throws the operation's error (err.serviceCode) or TIMEOUT (default 30 min)
  Example: arm.all("/subscriptions?api-version=2022-12-01").map(s => s.displayName)` + armRolesHelp,
		Value: callerValue("arm", func(c *caller) goja.Value { return c.armObject() }),
	})
}

func (c *caller) armObject() *goja.Object {
	o := c.rt.NewObject()
	c.setMethods(o, c.armRequest, armPermission)
	_ = o.Set("wait", c.armWait)
	c.setRoleLookup(o)
	c.setListing(o, "arm", func(fn, path string, opts goja.Value) (*httpx.Request, httpx.PageOptions) {
		var lo listOptions
		decodeOpts(c.rt, "arm."+fn+"(path, opts)", opts, &lo)
		req := c.armRequestWith("GET", path, &lo.requestOptions)
		return req, httpx.PageOptions{Next: httpx.ARMNext, Max: lo.Max}
	}, armPermission)
	return o
}

// armRequest resolves path and refuses one without api-version.
func (c *caller) armRequest(method, path string, opts goja.Value) *httpx.Request {
	var o requestOptions
	decodeOpts(c.rt, c.label(method), opts, &o)
	return c.armRequestWith(method, path, &o)
}

func (c *caller) armRequestWith(method, path string, o *requestOptions) *httpx.Request {
	full := path
	if !isURL(path) {
		path = rooted(path)
		full = ARMHost + path
	}
	req := c.newRequest(method, c.rt.ToValue(full), o)
	u, err := url.Parse(full)
	if err != nil {
		Throw(c.rt, &Error{Code: errcode.BadRequest, Message: fmt.Sprintf("arm: bad path %q: %v", path, err)})
	}
	if u.Query().Get("api-version") == "" && req.Query.Get("api-version") == "" {
		v := armAPIVersion(u.Path)
		Throw(c.rt, &Error{Code: errcode.BadRequest,
			Message: fmt.Sprintf("arm: %s %s has no api-version; ARM refuses requests without one", method, u.Path),
			Hint:    fmt.Sprintf("add ?api-version=%s (e.g. %s?api-version=%s), or {query: {\"api-version\": %q}}", v, u.Path, v, v)})
	}
	return req
}

// armAPIVersion suggests a version for the common paths; the versions of a
// provider's types are listed by `az provider show -n Microsoft.X`.
func armAPIVersion(path string) string {
	p := strings.ToLower(path)
	switch {
	case strings.Contains(p, "/providers/microsoft.authorization/"):
		return "2022-04-01"
	case strings.Contains(p, "/providers/microsoft.databricks/"):
		return "2024-05-01"
	case strings.Contains(p, "/providers/microsoft.keyvault/"):
		return "2023-07-01"
	case strings.Contains(p, "/providers/microsoft.storage/"):
		return "2023-05-01"
	case strings.Contains(p, "/resourcegroups"), strings.HasSuffix(p, "/resources"):
		return "2021-04-01"
	}
	return "2022-12-01" // /tenants, /subscriptions, locations
}

func armPermission(method, path string) string {
	return fmt.Sprintf("%s %s needs an Azure role assignment (Reader to read, Contributor to change) on that scope or above", method, path)
}
