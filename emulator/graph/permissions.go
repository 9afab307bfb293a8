package graph

// Permissions (delegated scp or application roles) that allow each call,
// from Graph's permission tables: any one of them is enough.
var (
	mePermissions = []string{
		"User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All",
		"Directory.Read.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All",
	}
	userPermissions = []string{
		"User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All",
		"Directory.Read.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All",
	}
	groupPermissions = []string{
		"GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All",
		"Directory.Read.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All",
	}
)
