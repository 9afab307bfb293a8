package bindings

import (
	"strings"

	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/internal/azroles"
	"github.com/dop251/goja"
)

// armRolesHelp is appended to the arm binding's help.
const armRolesHelp = `
  arm.roles("Microsoft.Resources/subscriptions/resourceGroups/read") — the built-in Azure roles that grant an
        action (control plane, else data plane): [{name, id, description}], from Microsoft's published definitions`

// setRoleLookup defines arm.roles on o.
func (c *caller) setRoleLookup(o *goja.Object) {
	_ = o.Set("roles", func(arg goja.Value) goja.Value {
		action := strings.TrimSpace(str(arg))
		if action == "" || !strings.Contains(action, "/") {
			Throw(c.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: `arm.roles(action): an action such as "Microsoft.Resources/subscriptions/resourceGroups/read" is expected`})
		}
		roles := azroles.Granting(action)
		if len(roles) == 0 {
			roles = azroles.GrantingData(action)
		}
		out := make([]any, len(roles))
		for i, r := range roles {
			v := c.rt.NewObject()
			_ = v.Set("name", r.Name)
			_ = v.Set("id", r.ID)
			_ = v.Set("description", r.Description)
			out[i] = v
		}
		return c.rt.NewArray(out...)
	})
}
