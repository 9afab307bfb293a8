package emulator

import "github.com/azrepl/azrepl/emulator/world"

// The world's types under the names the emulator's callers know.
type (
	World           = world.World
	User            = world.User
	App             = world.App
	ManagedIdentity = world.ManagedIdentity
)
