package arm

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// Resource groups: PUT (create or update, 201/200), GET, HEAD, list and
// DELETE. Deletion is asynchronous as in ARM: 202 Accepted with a Location
// to poll (/subscriptions/{id}/operationresults/{token}) and Retry-After;
// the operation answers 202 until it ends, then 200, and the group is gone.
// It ends after deletePolls polls, so tests wait a known, short time.

const (
	deletePolls = 2
	retryAfter  = "1" // seconds; ARM says 15 for a group, too slow for tests
)

// The actions ARM names for resource groups, as its messages spell them.
const (
	rgRead   = "Microsoft.Resources/subscriptions/resourcegroups/read"
	rgWrite  = "Microsoft.Resources/subscriptions/resourcegroups/write"
	rgDelete = "Microsoft.Resources/subscriptions/resourcegroups/delete"
)

// rgLocations are the regions that take resource groups, in ARM's order, as
// its LocationNotAvailableForResourceGroup message listed them in 2024
// (MicrosoftDocs/executable-docs#74).
var rgLocations = []string{"eastasia", "southeastasia", "australiaeast", "australiasoutheast", "brazilsouth", "canadacentral",
	"canadaeast", "switzerlandnorth", "germanywestcentral", "eastus2", "eastus", "centralus", "northcentralus", "francecentral",
	"uksouth", "ukwest", "centralindia", "southindia", "jioindiawest", "italynorth", "japaneast", "japanwest", "koreacentral",
	"koreasouth", "mexicocentral", "northeurope", "norwayeast", "polandcentral", "qatarcentral", "spaincentral", "swedencentral",
	"uaenorth", "westcentralus", "westeurope", "westus2", "westus", "southcentralus", "westus3", "southafricanorth",
	"australiacentral", "australiacentral2", "israelcentral", "westindia", "centraluseuap", "eastus2euap"}

// normalLocation: ARM takes a region's display name ("East US") for its name.
func normalLocation(l string) string { return strings.ToLower(strings.ReplaceAll(l, " ", "")) }

func rgKey(sub, name string) string { return strings.ToLower(sub) + "/" + strings.ToLower(name) }

// invalidRGChars lists the characters ARM refuses in a resource group name:
// anything but a letter or digit (Unicode ones too, MicrosoftDocs/feedback#1951),
// '-', '.', '(', ')' and '_'.
func invalidRGChars(name string) string {
	var bad strings.Builder
	for _, c := range name {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && !strings.ContainsRune("-.()_", c) {
			bad.WriteRune(c)
		}
	}
	return bad.String()
}

func rgJSON(rg *resourceGroup) map[string]any {
	state := "Succeeded"
	if rg.deleting {
		state = "Deleting"
	}
	m := map[string]any{
		"id":         "/subscriptions/" + rg.Sub + "/resourceGroups/" + rg.Name,
		"name":       rg.Name,
		"type":       "Microsoft.Resources/resourceGroups",
		"location":   rg.Location,
		"properties": map[string]any{"provisioningState": state},
	}
	if len(rg.Tags) > 0 {
		m["tags"] = rg.Tags
	}
	return m
}

// serveResourceGroups handles /subscriptions/{sub}/resourcegroups[/{name}].
func (s *server) serveResourceGroups(rc *requestContext, sub string, name string) {
	g := &s.groups
	g.mu.Lock()
	defer g.mu.Unlock()
	r := rc.r
	subScope := "/subscriptions/" + sub
	if name == "" {
		if r.Method != http.MethodGet {
			rc.fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested resource does not support http method '"+r.Method+"'.")
			return
		}
		// A caller with read on the subscription sees every group; one with
		// roles on some groups only sees those.
		all := rc.s.allowed(rc.caller, rgRead, subScope)
		if !all && !rc.s.hasAnyRole(rc.caller, subScope) {
			rc.authorize(rgRead, subScope)
			return
		}
		var list []*resourceGroup
		for _, rg := range g.rgs {
			if strings.EqualFold(rg.Sub, sub) && (all || rc.s.allowed(rc.caller, rgRead, subScope+"/resourceGroups/"+rg.Name)) {
				list = append(list, rg)
			}
		}
		sort.Slice(list, func(i, j int) bool { return strings.ToLower(list[i].Name) < strings.ToLower(list[j].Name) })
		out := make([]any, len(list))
		for i, rg := range list {
			out[i] = rgJSON(rg)
		}
		rc.writePage(out, false)
		return
	}
	action := map[string]string{http.MethodGet: rgRead, http.MethodHead: rgRead, http.MethodPut: rgWrite,
		http.MethodPatch: rgWrite, http.MethodDelete: rgDelete}[r.Method]
	// The scope is named as the request wrote it (Azure/ARO-RP#66).
	if action != "" && !rc.authorize(action, strings.TrimRight(r.URL.Path, "/")) {
		return
	}
	rg := g.rgs[rgKey(sub, name)]
	notFound := func() {
		rc.fail(http.StatusNotFound, "ResourceGroupNotFound", "Resource group '"+name+"' could not be found.")
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if rg == nil {
			if r.Method == http.MethodHead {
				rc.w.WriteHeader(http.StatusNotFound)
				return
			}
			notFound()
			return
		}
		if r.Method == http.MethodHead {
			rc.w.WriteHeader(http.StatusNoContent)
			return
		}
		rc.writeJSON(http.StatusOK, rgJSON(rg))
	case http.MethodPut, http.MethodPatch:
		if bad := invalidRGChars(name); bad != "" {
			// Real: Azure/azure-cli#14481.
			rc.fail(http.StatusBadRequest, "InvalidResourceGroup", "The provided resource group name '"+name+"' has these invalid characters: '"+bad+"'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.")
			return
		}
		if len([]rune(name)) > 90 || strings.HasSuffix(name, ".") {
			rc.fail(http.StatusBadRequest, "InvalidResourceGroup", "The provided resource group name '"+name+"' is invalid: it must be 1-90 characters and not end in '.'.")
			return
		}
		var body struct {
			Location string            `json:"location"`
			Tags     map[string]string `json:"tags"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			rc.fail(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: '"+err.Error()+"'.")
			return
		}
		if rg != nil && rg.deleting {
			rc.fail(http.StatusConflict, "ResourceGroupBeingDeleted", "The resource group '"+rg.Name+"' is in deprovisioning state and cannot perform this operation.")
			return
		}
		if r.Method == http.MethodPatch {
			if rg == nil {
				notFound()
				return
			}
			if body.Tags != nil {
				rg.Tags = body.Tags
			}
			rc.writeJSON(http.StatusOK, rgJSON(rg))
			return
		}
		if body.Location == "" {
			rc.fail(http.StatusBadRequest, "LocationRequired", "The location property is required for this definition.")
			return
		}
		if !slices.Contains(rgLocations, normalLocation(body.Location)) {
			rc.fail(http.StatusBadRequest, "LocationNotAvailableForResourceGroup", fmt.Sprintf(
				"The provided location '%s' is not available for resource group. List of available regions is '%s'.", body.Location, strings.Join(rgLocations, ",")))
			return
		}
		status := http.StatusOK
		if rg == nil {
			rg = &resourceGroup{Sub: sub, Name: name}
			g.rgs[rgKey(sub, name)] = rg
			status = http.StatusCreated
		} else if !strings.EqualFold(strings.ReplaceAll(rg.Location, " ", ""), strings.ReplaceAll(body.Location, " ", "")) {
			rc.fail(http.StatusConflict, "InvalidResourceGroupLocation", fmt.Sprintf("Invalid resource group location '%s'. The Resource group already exists in location '%s'.", body.Location, rg.Location))
			return
		}
		rg.Location = normalLocation(body.Location)
		rg.Tags = body.Tags
		rc.writeJSON(status, rgJSON(rg))
	case http.MethodDelete:
		if rg == nil {
			notFound()
			return
		}
		rg.deleting = true
		tok := base64.RawURLEncoding.EncodeToString([]byte(`{"jobId":"ResourceGroupDeletionJob-` + strings.ToUpper(strings.ReplaceAll(wire.RandomGUID()[:13], "-", "")) + `","jobLocation":"` + rg.Location + `"}`))
		g.ops[tok] = &operation{sub: sub, group: name}
		rc.w.Header().Set("Location", rc.absolute("/subscriptions/"+sub+"/operationresults/"+tok, rc.r.URL.Query().Get("api-version")))
		rc.w.Header().Set("Retry-After", retryAfter)
		rc.w.WriteHeader(http.StatusAccepted)
	default:
		rc.fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested resource does not support http method '"+r.Method+"'.")
	}
}

// serveOperation answers a poll of /subscriptions/{sub}/operationresults/{token}.
func (s *server) serveOperation(rc *requestContext, sub, token string) {
	g := &s.groups
	g.mu.Lock()
	defer g.mu.Unlock()
	op, ok := g.ops[token]
	if !ok || !strings.EqualFold(op.sub, sub) || rc.r.Method != http.MethodGet {
		rc.fail(http.StatusNotFound, "NotFound", "The requested path '"+rc.r.URL.Path+"' was not found.")
		return
	}
	if !op.done {
		op.polls++
		if op.polls < deletePolls {
			rc.w.Header().Set("Location", rc.absolute(rc.r.URL.Path, rc.r.URL.Query().Get("api-version")))
			rc.w.Header().Set("Retry-After", retryAfter)
			rc.w.WriteHeader(http.StatusAccepted)
			return
		}
		op.done = true
		delete(g.rgs, rgKey(op.sub, op.group))
	}
	rc.w.WriteHeader(http.StatusOK)
}

// absolute is an ARM URL on the host the request came to.
func (rc *requestContext) absolute(path, apiVersion string) string {
	scheme := "https"
	if rc.r.TLS == nil {
		scheme = "http"
	}
	return scheme + "://" + rc.r.Host + path + "?api-version=" + apiVersion
}
