package emulator

import (
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/arm"
	"github.com/azrepl/azrepl/emulator/databricks"
	"github.com/azrepl/azrepl/emulator/entra"
	"github.com/azrepl/azrepl/emulator/graph"
	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/azrepl/azrepl/emulator/world"
)

// mountServices builds every service from the world: Entra and the device
// login page here, the resource servers from their packages.
func (em *Emulator) mountServices() {
	w := em.world
	key := em.PublicKey()
	var gUsers []graph.User
	var dbUsers []databricks.User
	for _, u := range w.Users {
		gUsers = append(gUsers, graph.User{ID: u.ObjectID, UserPrincipalName: u.Username, DisplayName: u.DisplayName, Mail: u.Username})
		dbUsers = append(dbUsers, databricks.User{ID: dbNumericID("user/" + u.Name), UserName: u.Username,
			DisplayName: u.DisplayName, Password: u.Password, EntraObjectID: u.ObjectID})
	}
	var gGroups []graph.Group
	for _, g := range w.Groups {
		gg := graphGroup(g)
		// Graph serves users, not service principals: the apps among the members are left out.
		for _, m := range g.Members {
			if u := w.User(m); u != nil {
				gg.Members = append(gg.Members, u.ObjectID)
			}
		}
		gGroups = append(gGroups, gg)
	}
	sp := w.Databricks.ServicePrincipal
	dbKey, _ := em.keys.next() // on error nil: databricks makes its own, or panics saying why
	db := databricks.New(databricks.Config{
		Host: w.Databricks.Host, TenantID: w.TenantID, EntraPublicKey: key, Users: dbUsers,
		ServicePrincipals: append([]databricks.ServicePrincipal{{ID: dbNumericID("sp/" + sp.ClientID), ApplicationID: sp.ClientID,
			DisplayName: sp.DisplayName, Secret: sp.ClientSecret}}, em.entraServicePrincipals(w.Databricks.EntraMembers)...),
		ResourceManagers: em.entraServicePrincipals(w.Databricks.ResourceManagers),
		PATs:             databricksPATs(w),
		AccountsHost:     w.Databricks.AccountsHost, AccountID: w.Databricks.AccountID,
		Federation: em.databricksFederation(),
		IssuerKey: func(iss, _ string) *rsa.PublicKey {
			if iss == em.entra.FederationIssuer() {
				return em.entra.FederationKey()
			}
			return nil
		},
		Clusters: w.Databricks.Clusters, Jobs: w.Databricks.Jobs, TokenLifetime: em.cfg.TokenLifetime,
		Key: dbKey,
	})
	graphH := graph.New(graph.Config{TenantID: w.TenantID, PublicKey: key, Users: gUsers, Groups: gGroups, Revoked: em.entra.SessionRevoked,
		GroupCount: w.GroupCount, GroupAt: func(i int) graph.Group { return graphGroup(world.SeededGroup(i)) }, GroupIndex: world.SeededGroupIndex,
		UserCount: w.UserCount, UserAt: func(i int) graph.User { return graphUser(w.SeededUser(i)) }, UserIndex: w.SeededUserIndex,
		Guests: graphGuests(w)})
	armCfg := armConfig(w)
	armCfg.PublicKey, armCfg.Revoked = key, em.entra.SessionRevoked
	armH := arm.New(armCfg)
	// The table of services. Host rows are matched exactly first, then by
	// suffix; on the direct listener by path prefix, else the Fallback row.
	em.services = []Service{
		{Name: "entra", Hosts: append([]string{hostLogin}, entra.Aliases...), Fallback: true, Handler: em.entra},
		{Name: "devicelogin", Hosts: []string{hostDevicePage, "www." + hostDevicePage}, Paths: []string{"/devicelogin"},
			Handler: em.entra.DeviceLoginPage()},
		{Name: "graph", Hosts: []string{hostGraph}, Paths: []string{"/v1.0", "/beta"}, Handler: graphH},
		{Name: "arm", Hosts: []string{hostARM}, Paths: []string{"/subscriptions", "/tenants", "/providers"}, Handler: armH},
		{Name: "databricks", Hosts: []string{strings.ToLower(w.Databricks.Host), strings.ToLower(w.Databricks.AccountsHost)},
			Paths: []string{"/oidc", "/api", "/aad", "/.well-known/databricks-config"}, Handler: db},
		// The emulator's own control API (POST /_emulator/revoke).
		{Name: "control", Paths: []string{"/_emulator"}, Handler: controlHandler{em: em}},
		// The workload identity issuer (direct listener only, like a cluster's own issuer).
		{Name: "federation", Paths: []string{world.IssuerPath}, Handler: em.entra.FederationHandler()},
		// Any other workspace host: served (the proxy lets it through) but unknown.
		{Name: "databricks-unknown", Suffixes: []string{hostDatabricks}, Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			wire.JSON(rw, http.StatusNotFound, map[string]any{"error_code": "ENDPOINT_NOT_FOUND",
				"message": "No Databricks workspace " + wire.HostOnly(r.Host) + " in this emulator; the workspace is " + w.Databricks.Host})
		})},
		{Name: msiService, Listen: "127.0.0.1:0", Handler: em.newMSI()},
	}
}

func graphGroup(g world.Group) graph.Group {
	return graph.Group{ID: g.ID, DisplayName: g.DisplayName, Description: g.Description,
		MailNickname: g.MailNickname, SecurityEnabled: g.SecurityEnabled, MailEnabled: g.MailEnabled, CreatedDateTime: g.CreatedDateTime}
}

func graphUser(u world.DirectoryUser) graph.User {
	return graph.User{ID: u.ID, UserPrincipalName: u.UserPrincipalName, DisplayName: u.DisplayName, Mail: u.Mail,
		GivenName: u.GivenName, Surname: u.Surname, JobTitle: u.JobTitle, OfficeLocation: u.OfficeLocation}
}

// entraServicePrincipals makes workspace service principals of Entra apps (by client id).
func (em *Emulator) entraServicePrincipals(clientIDs []string) []databricks.ServicePrincipal {
	var out []databricks.ServicePrincipal
	for _, id := range clientIDs {
		name := id
		if a := em.world.App(id); a != nil {
			name = a.Name
		}
		out = append(out, databricks.ServicePrincipal{ID: dbNumericID("sp/" + id), ApplicationID: id, DisplayName: name})
	}
	return out
}

func databricksPATs(w *world.World) []databricks.PAT {
	var out []databricks.PAT
	for i, p := range w.Databricks.PATs {
		out = append(out, databricks.PAT{ID: dbNumericID("pat/" + strconv.Itoa(i)), Value: p.Value, Owner: p.Owner, Comment: p.Comment,
			Created: time.Now()})
	}
	return out
}

// databricksFederation is the workspace's federation policies; the
// placeholder issuer is the emulator's own (whose key IssuerKey gives).
func (em *Emulator) databricksFederation() []databricks.FederationPolicy {
	var out []databricks.FederationPolicy
	for _, p := range em.world.Databricks.Federation {
		out = append(out, databricks.FederationPolicy{Issuer: strings.ReplaceAll(p.Issuer, world.IssuerPlaceholder, em.entra.FederationIssuer()),
			Audiences: p.Audiences, Subject: p.Subject, ServicePrincipal: p.ServicePrincipal})
	}
	return out
}

// graphGuests are the guest tenants' directories: each guest user as the
// inviting tenant lists it, with its own object id and an #EXT# name.
func graphGuests(w *world.World) []graph.GuestDirectory {
	var out []graph.GuestDirectory
	for i := range w.GuestTenants {
		g := &w.GuestTenants[i]
		d := graph.GuestDirectory{TenantID: g.TenantID}
		for j := range w.Users {
			if u := &w.Users[j]; g.HasGuest(u) {
				d.Users = append(d.Users, graph.User{ID: g.GuestObjectID(u), DisplayName: u.DisplayName, Mail: u.Username,
					UserPrincipalName: strings.ReplaceAll(u.Username, "@", "_") + "#EXT#@" + g.Domain})
			}
		}
		out = append(out, d)
	}
	return out
}

// dbNumericID is a stable Databricks-style numeric id (16 digits).
func dbNumericID(label string) string {
	sum := sha256.Sum256([]byte("azrepl-emulator/databricks/" + label))
	n := new(big.Int).SetBytes(sum[:8])
	return fmt.Sprintf("%016d", n.Mod(n, big.NewInt(1e16)).Int64())
}
