package graphperm

import (
	"slices"
	"strings"
	"testing"
)

// docsRow is one API page of the Microsoft Graph v1.0 reference: the first
// HTTP request of the page and its Permissions table, per scheme "least |
// higher, higher…" ("-" = Not supported; an empty higher side = Not
// available). The tables were read from the pages (their generated include
// files, microsoftgraph/microsoft-graph-docs-contrib
// api-reference/v1.0/includes/permissions/<page>-permissions.md). Pages
// read that differ from the pinned data, generated from another week's
// data, are not in the sample: group-get, group-list-members and
// group-list-memberof (GroupMember.Read.All was least privileged before
// Group-NestingSupport.ReadWrite.All and GroupMember.ReadBasic.All),
// subscribedsku-list (Organization.Read.All before LicenseAssignment.Read.All),
// signin-list, directoryaudit-list and orgcontact-list-transitivememberof
// ("and" requirements or extra permissions the data no longer has),
// application-delete (AgentIdentityBlueprint.DeleteRestore.All, newer than
// the data), authenticationcontextclassreference-get (Policy.Read.ConditionalAccess
// before AuthenticationContext.Read.All), authentication-list-methods
// (application permissions added since), agreement-list-files and the
// backuprestoreroot pages and agreementfile-get (paths the data spells
// otherwise or lacks), authenticationcontextclassreference-update
// (AuthenticationContext.ReadWrite.All is least privileged now),
// authenticationmethodsroot-list-userregistrationdetails (lists
// UserAuthenticationMethod.Read.All, which the data does not) and
// audioroutinggroup-delete (the page writes Calls.JoinGroupCalls.All for the
// permission named Calls.JoinGroupCall.All).
type docsRow struct {
	page                             string // learn.microsoft.com/graph/api/<page>?view=graph-rest-1.0
	method, path                     string
	delegated, personal, application string
}

var docsRows = []docsRow{
	{"group-list", "GET", "/groups", "Group-NestingSupport.ReadWrite.All | Directory.Read.All, Directory.ReadWrite.All, Group.ManageProtection.All, Group.Read.All, Group.ReadWrite.All, GroupMember.Read.All", "-", "Group-NestingSupport.ReadWrite.All | Directory.Read.All, Directory.ReadWrite.All, Group.ManageProtection.All, Group.Read.All, Group.ReadWrite.All, GroupMember.Read.All"},
	{"group-post-groups", "POST", "/groups", "Group.ReadWrite.All | Directory.ReadWrite.All, Group-PreferredDataLocation.ReadWrite.All", "-", "Group.Create | Directory.ReadWrite.All, Group-PreferredDataLocation.ReadWrite.All, Group.ReadWrite.All"},
	{"group-update", "PATCH", "/groups/{id}", "Group-NestingSupport.ReadWrite.All | Directory.ReadWrite.All, Group-PreferredDataLocation.ReadWrite.All, Group.ManageProtection.All, Group.ReadWrite.All", "-", "Group-NestingSupport.ReadWrite.All | Directory.ReadWrite.All, Group-PreferredDataLocation.ReadWrite.All, Group.ManageProtection.All, Group.ReadWrite.All"},
	{"group-list-owners", "GET", "/groups/{id}/owners", "GroupMember.Read.All | Group.ReadWrite.All, Directory.Read.All, Group.Read.All, GroupMember.ReadWrite.All", "-", "GroupMember.Read.All | Group.ReadWrite.All, Directory.Read.All, Group.Read.All, GroupMember.ReadWrite.All"},
	{"group-list-transitivemembers", "GET", "/groups/{id}/transitiveMembers", "GroupMember.ReadBasic.All | Directory.Read.All, Group.Read.All, Group.ReadBasic.All, Group.ReadWrite.All, GroupMember.Read.All, GroupMember.ReadWrite.All", "-", "GroupMember.ReadBasic.All | Directory.Read.All, Group.Read.All, Group.ReadBasic.All, Group.ReadWrite.All, GroupMember.Read.All, GroupMember.ReadWrite.All"},
	{"group-list-approleassignments", "GET", "/groups/{id}/appRoleAssignments", "Directory.Read.All | AppRoleAssignment.ReadWrite.All, Directory.ReadWrite.All", "-", "Directory.Read.All | AppRoleAssignment.ReadWrite.All, Directory.ReadWrite.All"},
	{"group-list-permissiongrants", "GET", "/groups/{group-id}/permissionGrants", "GroupMember.Read.All | Group.Read.All, Group.ReadWrite.All, GroupMember.ReadWrite.All", "-", "GroupMember.Read.All | Group.Read.All, Group.ReadWrite.All, GroupMember.ReadWrite.All"},
	{"user-post-users", "POST", "/users", "User.ReadWrite.All | Directory.ReadWrite.All", "-", "User.ReadWrite.All | Directory.ReadWrite.All"},
	{"user-delete", "DELETE", "/users/{id}", "User.ReadWrite.All |", "-", "User.ReadWrite.All |"},
	{"user-list-memberof", "GET", "/me/memberOf", "User.Read | Directory.Read.All, Directory.ReadWrite.All, GroupMember.Read.All", "-", "-"},
	{"user-list-transitivememberof", "GET", "/me/transitiveMemberOf, /users/{id}/transitiveMemberOf", "User.Read | Directory.Read.All, Directory.ReadWrite.All, Group.Read.All, GroupMember.Read.All, User.Read.All", "-", "User.Read.All | Directory.Read.All, Directory.ReadWrite.All, Group.Read.All, GroupMember.Read.All"},
	{"user-list-manager", "GET", "/me/manager", "User.Read.All | Directory.Read.All, Directory.ReadWrite.All, User.ReadWrite.All", "-", "-"},
	{"user-list-directreports", "GET", "/me/directReports", "User.Read | Directory.ReadWrite.All, Directory.Read.All, User.ReadWrite.All, User.Read.All", "-", "-"},
	{"user-list-ownedobjects", "GET", "/me/ownedObjects", "User.Read | AgentIdUser.ReadWrite.All, AgentIdUser.ReadWrite.IdentityParentedBy, Directory.Read.All, Directory.ReadWrite.All, User.Read.All, User.ReadWrite.All", "-", "-"},
	{"user-list-events", "GET", "/me/events, /users/{id}/events", "Calendars.ReadBasic | Calendars.ReadWrite, Calendars.Read", "Calendars.ReadBasic | Calendars.ReadWrite, Calendars.Read", "Calendars.ReadBasic | Calendars.ReadWrite, Calendars.Read"},
	{"user-list-calendars", "GET", "/me/calendars, /users/{id}/calendars", "Calendars.ReadBasic | Calendars.Read, Calendars.Read.Shared, Calendars.ReadWrite", "Calendars.ReadBasic | Calendars.Read, Calendars.Read.Shared, Calendars.ReadWrite", "Calendars.ReadBasic | Calendars.Read, Calendars.ReadWrite"},
	{"application-list", "GET", "/applications", "Application.Read.All | Application.ReadWrite.All, Directory.ReadWrite.All, Directory.Read.All", "Application.Read.All | Application.ReadWrite.All, User.Read", "Application.Read.All | Application.ReadWrite.OwnedBy, Application.ReadWrite.All, Directory.Read.All"},
	{"application-get", "GET", "/applications/{id}", "Application.Read.All | Application.ReadWrite.All, Directory.Read.All", "Application.Read.All | Application.ReadWrite.All", "Application.Read.All | Application.ReadWrite.OwnedBy, Application.ReadWrite.All"},
	{"application-list-owners", "GET", "/applications/{id}/owners", "Application.Read.All | Application.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All", "-", "Application.ReadWrite.OwnedBy | Application.Read.All, Application.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All"},
	{"application-list-federatedidentitycredentials", "GET", "/applications/{id}/federatedIdentityCredentials", "Application.Read.All | Application.ReadWrite.All", "Application.ReadWrite.All |", "Application.Read.All | Application.ReadWrite.OwnedBy, Application.ReadWrite.All"},
	{"application-list-extensionproperty", "GET", "/applications/{id}/extensionProperties", "Application.Read.All | Application.ReadWrite.All, Directory.Read.All", "Application.Read.All | Application.ReadWrite.All", "Application.Read.All | Application.ReadWrite.OwnedBy, Application.ReadWrite.All, Directory.Read.All"},
	{"application-post-owners", "POST", "/applications/{id}/owners/$ref", "Application.ReadWrite.All and Directory.Read.All | Directory.ReadWrite.All", "-", "Application.ReadWrite.OwnedBy and Directory.Read.All | Directory.Read.All and Application.ReadWrite.All, Directory.ReadWrite.All"},
	{"application-delta", "GET", "/applications/delta", "Directory.Read.All | Directory.ReadWrite.All", "-", "Application.ReadWrite.OwnedBy | Application.ReadWrite.All, Directory.Read.All"},
	{"serviceprincipal-list", "GET", "/servicePrincipals", "Application.Read.All | Application.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All", "-", "Application.Read.All | Application.ReadWrite.OwnedBy, Application.ReadWrite.All, Directory.Read.All"},
	{"serviceprincipal-get", "GET", "/servicePrincipals/{id}", "Application.Read.All | Application.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All", "-", "Application.Read.All | Application.ReadWrite.OwnedBy, Application.ReadWrite.All, Directory.Read.All"},
	{"serviceprincipal-list-owners", "GET", "/servicePrincipals/{id}/owners", "Application.Read.All | Application.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All", "-", "Application.Read.All | Application.ReadWrite.OwnedBy, Application.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All"},
	{"serviceprincipal-delete", "DELETE", "/servicePrincipals/{id}", "Application.ReadWrite.All |", "-", "Application.ReadWrite.OwnedBy | Application.ReadWrite.All"},
	{"device-list", "GET", "/devices", "Device.Read.All | Directory.ReadWrite.All", "-", "Device.Read.All | Device.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All"},
	{"device-get", "GET", "/devices/{id}", "Device.Read.All | Directory.Read.All, Directory.ReadWrite.All", "-", "Device.Read.All | Directory.Read.All, Directory.ReadWrite.All"},
	{"directoryrole-list", "GET", "/directoryRoles", "RoleManagement.Read.Directory | RoleManagement.ReadWrite.Directory, Directory.Read.All, Directory.ReadWrite.All", "-", "RoleManagement.Read.Directory | RoleManagement.ReadWrite.Directory, Directory.Read.All, Directory.ReadWrite.All"},
	{"invitation-post", "POST", "/invitations", "User.Invite.All | Directory.ReadWrite.All, User.ReadWrite.All", "-", "User.Invite.All | Directory.ReadWrite.All, User.ReadWrite.All"},
	{"oauth2permissiongrant-list", "GET", "/oauth2PermissionGrants", "Directory.Read.All | DelegatedPermissionGrant.ReadWrite.All, Directory.ReadWrite.All", "-", "Directory.Read.All | DelegatedPermissionGrant.ReadWrite.All, Directory.ReadWrite.All"},
	{"riskyuser-list", "GET", "/identityProtection/riskyUsers", "IdentityRiskyUser.Read.All |", "-", "IdentityRiskyUser.Read.All |"},
	{"channel-list", "GET", "/teams/{team-id}/channels", "Channel.ReadBasic.All | ChannelSettings.Read.All, ChannelSettings.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All, Group.Read.All, Group.ReadWrite.All", "-", "ChannelSettings.Read.Group | Channel.ReadBasic.All, ChannelSettings.Read.All, ChannelSettings.ReadWrite.All, ChannelSettings.ReadWrite.Group, Directory.Read.All, Directory.ReadWrite.All, Group.Read.All, Group.ReadWrite.All"},
	{"drive-get", "GET", "/me/drive, /users/{id}/drive, /drives/{drive-id}", "Files.Read | Files.Read.All, Files.ReadWrite, Files.ReadWrite.All, Sites.Read.All, Sites.ReadWrite.All, User.Read", "Files.Read | Files.Read.All, Files.ReadWrite, Files.ReadWrite.All", "Files.Read.All | Files.ReadWrite.All, Sites.Read.All, Sites.ReadWrite.All"},
	{"privilegedaccessgroup-list-resources", "GET", "/identityGovernance/privilegedAccess/group/resources", "PrivilegedAccess.Read.AzureADGroup | PrivilegedAccess.ReadWrite.AzureADGroup", "-", "PrivilegedAccess.Read.AzureADGroup | PrivilegedAccess.ReadWrite.AzureADGroup"},
	{"authenticationmethodspolicy-get", "GET", "/policies/authenticationMethodsPolicy", "Policy.Read.AuthenticationMethod | Policy.ReadWrite.AuthenticationMethod, Policy.Read.All", "-", "Policy.Read.AuthenticationMethod | Policy.ReadWrite.AuthenticationMethod, Policy.Read.All"},
	{"adminconsentrequestpolicy-get", "GET", "/policies/adminConsentRequestPolicy", "Policy.Read.All | Policy.ReadWrite.ConsentRequest, Directory.Read.All, Directory.ReadWrite.All", "-", "Policy.Read.All | Policy.ReadWrite.ConsentRequest, Directory.Read.All, Directory.ReadWrite.All"},
	{"agreement-get", "GET", "/identityGovernance/termsOfUse/agreements/{id}", "Agreement.Read.All |", "-", "-"},
	{"adminreportsettings-get", "GET", "/admin/reportSettings", "ReportSettings.Read.All | ReportSettings.ReadWrite.All", "-", "ReportSettings.Read.All | ReportSettings.ReadWrite.All"},
	{"attributeset-update", "PATCH", "/directory/attributeSets/{id}", "CustomSecAttributeDefinition.ReadWrite.All |", "-", "CustomSecAttributeDefinition.ReadWrite.All |"},
	{"adminreportsettings-update", "PATCH", "/admin/reportSettings", "ReportSettings.ReadWrite.All |", "-", "ReportSettings.ReadWrite.All |"},
	{"authentication-list-emailmethods", "GET", "/me/authentication/emailMethods, /users/{id}/authentication/emailMethods", "UserAuthMethod-Email.Read | UserAuthenticationMethod.Read, UserAuthenticationMethod.Read.All, UserAuthenticationMethod.ReadWrite, UserAuthenticationMethod.ReadWrite.All, UserAuthMethod-Email.Read.All, UserAuthMethod-Email.ReadWrite, UserAuthMethod-Email.ReadWrite.All", "-", "UserAuthMethod-Email.Read.All | UserAuthenticationMethod.ReadWrite.All, UserAuthenticationMethod.Read.All, UserAuthMethod-Email.ReadWrite.All"},
	{"authentication-list-softwareoathmethods", "GET", "/me/authentication/softwareOathMethods, /users/{id}/authentication/softwareOathMethods", "UserAuthMethod-SoftwareOATH.Read | UserAuthenticationMethod.Read, UserAuthenticationMethod.Read.All, UserAuthenticationMethod.ReadWrite, UserAuthenticationMethod.ReadWrite.All, UserAuthMethod-SoftwareOATH.Read.All, UserAuthMethod-SoftwareOATH.ReadWrite, UserAuthMethod-SoftwareOATH.ReadWrite.All", "-", "UserAuthMethod-SoftwareOATH.Read.All | UserAuthenticationMethod.Read.All, UserAuthenticationMethod.ReadWrite.All, UserAuthMethod-SoftwareOATH.ReadWrite.All"},
	{"authenticationcontextclassreference-delete", "DELETE", "/identity/conditionalAccess/authenticationContextClassReferences/{id}", "AuthenticationContext.ReadWrite.All | Policy.Read.ConditionalAccess", "-", "AuthenticationContext.ReadWrite.All | Policy.Read.ConditionalAccess"},
	{"authorizationpolicy-update", "PATCH", "/policies/authorizationPolicy", "Policy.ReadWrite.Authorization |", "-", "Policy.ReadWrite.Authorization |"},
	{"authenticationstrengthpolicy-update", "PATCH", "/policies/authenticationStrengthPolicies/{id}", "Policy.ReadWrite.ConditionalAccess | Policy.ReadWrite.AuthenticationMethod", "-", "Policy.ReadWrite.ConditionalAccess | Policy.ReadWrite.AuthenticationMethod"},
	{"authenticationflowspolicy-update", "PATCH", "/policies/authenticationFlowsPolicy", "Policy.ReadWrite.AuthenticationFlows |", "-", "Policy.ReadWrite.AuthenticationFlows |"},
	{"authenticationmethod-resetpassword", "POST", "/users/{id}/authentication/methods/{id}/resetPassword", "UserAuthenticationMethod.ReadWrite.All |", "-", "-"},
	{"attacksimulationroot-list-loginpage", "GET", "/security/attackSimulation/loginPages", "AttackSimulation.Read.All |", "-", "AttackSimulation.Read.All |"},
	{"application-post-extensionproperty", "POST", "/applications/{id}/extensionProperties", "Application.ReadWrite.All | Directory.ReadWrite.All", "Application.ReadWrite.All |", "Application.ReadWrite.OwnedBy | Application.ReadWrite.All, Directory.ReadWrite.All"},
}

// union answers for a page whose HTTP request lists several paths ("/me/x,
// /users/{id}/x"): its table covers them all.
func union(method, paths string) (*Result, bool) {
	u := &Result{}
	for _, p := range strings.Split(paths, ", ") {
		r, ok := Lookup(method, "/v1.0"+p)
		if !ok {
			return nil, false
		}
		for s := range u.Schemes {
			for _, g := range r.Schemes[s].Least {
				if !slices.ContainsFunc(u.Schemes[s].Least, func(o Grant) bool { return sameGrant(o, g) }) {
					u.Schemes[s].Least = append(u.Schemes[s].Least, g)
				}
			}
			for _, g := range r.Schemes[s].All {
				if !slices.ContainsFunc(u.Schemes[s].All, func(o Grant) bool { return sameGrant(o, g) }) {
					u.Schemes[s].All = append(u.Schemes[s].All, g)
				}
			}
		}
	}
	return u, true
}

// grantKey compares "A and B" with a Grant whatever the order.
func grantKey(s string) string {
	parts := strings.Split(s, " and ")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	slices.Sort(parts)
	return strings.Join(parts, "&")
}

func keys(gs []Grant) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = grantKey(g.String())
	}
	return out
}

// TestAgreesWithDocs: for each page, per scheme, the table supports the call
// exactly when the page does, the page's least privileged permission is one
// the table marks least privileged, and every permission the page lists
// grants the call in the table. The table may list more (permissions added
// after a page was generated); exact agreement is counted and logged.
func TestAgreesWithDocs(t *testing.T) {
	if len(docsRows) < 50 {
		t.Fatalf("%d pages; the sample is at least 50", len(docsRows))
	}
	exact := 0
	for _, row := range docsRows {
		url := "https://learn.microsoft.com/graph/api/" + row.page + "?view=graph-rest-1.0"
		r, ok := union(row.method, row.path)
		if !ok {
			t.Errorf("%s %s (%s): not in the table", row.method, row.path, url)
			continue
		}
		same := true
		for s, doc := range map[Scheme]string{DelegatedWork: row.delegated, DelegatedPersonal: row.personal, Application: row.application} {
			a := r.Schemes[s]
			if doc == "-" {
				if a.Supported() {
					t.Errorf("%s %s %s: the page says not supported, the table has %v (%s)", row.method, row.path, s, keys(a.All), url)
				}
				continue
			}
			leastText, higherText, _ := strings.Cut(doc, "|")
			least := grantKey(leastText)
			var listed []string
			listed = append(listed, least)
			for _, h := range strings.Split(higherText, ",") {
				if strings.TrimSpace(h) != "" {
					listed = append(listed, grantKey(h))
				}
			}
			if !slices.Contains(keys(a.Least), least) {
				t.Errorf("%s %s %s: the page's least privileged %s is not least in the table %v (%s)", row.method, row.path, s, least, keys(a.Least), url)
			}
			all := keys(a.All)
			for _, l := range listed {
				if !slices.Contains(all, l) {
					t.Errorf("%s %s %s: the page lists %s, the table does not grant it: %v (%s)", row.method, row.path, s, l, all, url)
				}
			}
			if len(all) != len(listed) {
				same = false
			}
		}
		if same {
			exact++
		}
	}
	t.Logf("%d of %d pages list exactly the table's permissions", exact, len(docsRows))
}
