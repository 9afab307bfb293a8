package azroles

import (
	"strings"
)

// FailedAction takes the action and the scope out of ARM's
// AuthorizationFailed message ("… does not have authorization to perform
// action 'A' over scope 'S' or the scope is invalid. …").
func FailedAction(message string) (action, scope string, ok bool) {
	_, rest, found := strings.Cut(message, "perform action '")
	if !found {
		return "", "", false
	}
	action, rest, found = strings.Cut(rest, "'")
	if !found {
		return "", "", false
	}
	_, rest, found = strings.Cut(rest, "over scope '")
	if !found {
		return "", "", false
	}
	scope, _, found = strings.Cut(rest, "'")
	return action, scope, found && action != ""
}

// Hint explains an AuthorizationFailed message: the action, the scope, and
// the built-in roles that grant the action; "" when the message is not one.
func Hint(message string) string {
	action, scope, ok := FailedAction(message)
	if !ok {
		return ""
	}
	roles := Granting(action)
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = r.Name
	}
	h := "no Azure role of this identity allows " + action + " over " + scope
	if len(names) > 0 {
		h += "; built-in roles that do: " + strings.Join(names, ", ")
	}
	return h + " (an Owner or User Access Administrator of the scope can assign one; a new assignment needs a new token)"
}
