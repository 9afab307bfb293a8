package arm

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// ARM checks api-version per resource type: a version the type's provider
// does not know is InvalidApiVersionParameter, with the type's supported
// versions in the message, newest first, comma-separated as ARM writes them.
// Slices, not a map: the linker lays them out, so no init code runs.
var (
	resourcesAPIVersions = []string{"2022-12-01", "2022-09-01", "2022-06-01", "2022-05-01", "2022-01-01", "2021-01-01", "2020-01-01",
		"2019-11-01", "2019-06-01", "2019-05-01", "2019-03-01", "2018-11-01", "2018-09-01", "2018-08-01", "2018-07-01",
		"2018-06-01", "2018-05-01", "2018-02-01", "2018-01-01", "2017-12-01", "2017-08-01", "2017-06-01", "2017-05-10",
		"2017-05-01", "2017-03-01", "2016-09-01", "2016-07-01", "2016-06-01", "2016-02-01", "2015-11-01", "2015-01-01",
		"2014-04-01-preview", "2014-04-01", "2014-01-01"} // tenants, subscriptions
	resourceGroupsAPIVersions = []string{"2024-11-01", "2024-07-01", "2024-03-01", "2023-07-01", "2022-09-01", "2021-04-01", "2021-01-01",
		"2020-10-01", "2020-06-01", "2019-10-01", "2019-08-01", "2019-07-01", "2019-05-10", "2019-05-01", "2019-03-01",
		"2018-05-01", "2018-02-01", "2017-05-10", "2016-09-01", "2016-07-01", "2016-06-01", "2016-02-01", "2015-11-01",
		"2015-01-01", "2014-04-01-preview"}
)

// apiVersions lists the versions a resource type's provider knows; nil
// for types whose version is not checked against a list.
func apiVersions(typ string) []string {
	switch typ {
	case "tenants", "subscriptions": // Microsoft.Resources
		return resourcesAPIVersions
	case "resourceGroups", "resources": // Microsoft.Resources' resource-group-level versions
		return resourceGroupsAPIVersions
	}
	return nil
}

// resourceType names the type a path addresses, for its api-versions; ""
// for paths whose version is not checked against a list (operation results
// carry the version of the request that started them).
func resourceType(segs []string) string {
	if slices.Contains(segs, "providers") {
		return "" // extension resources: their providers' versions are not listed here
	}
	switch {
	case len(segs) >= 1 && segs[0] == "tenants":
		return "tenants"
	case len(segs) >= 3 && segs[0] == "subscriptions" && (segs[2] == "resources" || len(segs) == 5 && segs[4] == "resources"):
		return "resources"
	case len(segs) >= 3 && segs[0] == "subscriptions" && segs[2] == "resourcegroups":
		return "resourceGroups"
	case len(segs) >= 3 && segs[0] == "subscriptions" && segs[2] == "operationresults":
		return ""
	case len(segs) >= 1 && segs[0] == "subscriptions":
		return "subscriptions"
	}
	return ""
}

func (rc *requestContext) checkAPIVersion(typ string) bool {
	v := rc.r.URL.Query().Get("api-version")
	supported := apiVersions(typ)
	switch {
	case v == "":
		rc.fail(http.StatusBadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
		return false
	case !apiVersionPattern().MatchString(v) || (supported != nil && !slices.Contains(supported, v)):
		list := strings.Join(supported, ",")
		if list == "" {
			list = strings.Join(apiVersions("subscriptions"), ",")
		}
		rc.fail(http.StatusBadRequest, "InvalidApiVersionParameter",
			fmt.Sprintf("The api-version '%s' is invalid. The supported versions are '%s'.", v, list))
		return false
	}
	return true
}
