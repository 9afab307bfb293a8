package world

import (
	"fmt"
	"strconv"
	"strings"
)

// DirectoryUser is a seeded directory user: Graph lists it, nobody signs in as it.
type DirectoryUser struct {
	ID, UserPrincipalName, DisplayName, GivenName, Surname, Mail, JobTitle, OfficeLocation string
}

var (
	userGiven   = []string{"Ada", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kara", "Luis"}
	userSurname = []string{"Novak", "Okafor", "Patel", "Quinn", "Rossi", "Sato", "Tanaka", "Umar", "Varga", "Weber", "Young"}
	userTitles  = []string{"Engineer", "Analyst", "Accountant", "Designer", "Sales Manager", "Support Specialist", "Researcher"}
	userOffices = []string{"Seattle", "Dublin", "Singapore", "Berlin", "Sydney"}
)

// SeededUser is seeded directory user i of the world, built from its index
// alone: its UPN (user0000042@domain for i = 41) gives the index back.
func (w *World) SeededUser(i int) DirectoryUser {
	given, sur := userGiven[i%len(userGiven)], userSurname[(i/len(userGiven))%len(userSurname)]
	upn := seededUserName(i) + "@" + w.Domain
	return DirectoryUser{
		ID:                userIDs.id(i),
		UserPrincipalName: upn,
		DisplayName:       fmt.Sprintf("%s %s %03d", given, sur, i+1),
		GivenName:         given,
		Surname:           sur,
		Mail:              upn,
		JobTitle:          userTitles[i%len(userTitles)],
		OfficeLocation:    userOffices[i%len(userOffices)],
	}
}

func seededUserName(i int) string { return fmt.Sprintf("user%07d", i+1) }

// SeededUserIndex is the index of a seeded user's id or UPN (any case).
func (w *World) SeededUserIndex(key string) (int, bool) {
	if i, ok := userIDs.index(key); ok {
		return i, true
	}
	name, domain, ok := strings.Cut(strings.ToLower(key), "@")
	if !ok || !strings.EqualFold(domain, w.Domain) || !strings.HasPrefix(name, "user") {
		return 0, false
	}
	n, err := strconv.Atoi(name[len("user"):])
	// Only the canonical spelling (user0000042, not user42 or user+42).
	if err != nil || n < 1 || seededUserName(n-1) != name {
		return 0, false
	}
	return n - 1, true
}
