package emulator

import (
	"path/filepath"

	"github.com/azrepl/azrepl/emulator/msi"
)

// The managed identity listener as the host hands it out: its origin, and
// the environment each managed identity style and CI system sets.

func (em *Emulator) newMSI() *msi.Server {
	em.msi = msi.New(msi.Config{Entra: em.entra, World: em.world, AssertionLifetime: em.cfg.AssertionLifetime,
		KeyDir: filepath.Join(em.dir, "azcmagent-tokens")})
	return em.msi
}

// MSIURL is the plain-HTTP origin of the managed identity endpoints.
func (em *Emulator) MSIURL() string { return em.ServiceURL(msiService) }

// ManagedIdentityEnv is the environment each style's real host sets:
// "appservice", "cloudshell", "arc" or "imds" (the IMDS base through
// AZURE_POD_IDENTITY_AUTHORITY_HOST; nothing ever names 169.254.169.254).
func (em *Emulator) ManagedIdentityEnv(style string) []string { return em.msi.Env(em.MSIURL(), style) }

// CIEnv is the environment a CI job gets: "github" or "pipelines".
func (em *Emulator) CIEnv(system string) []string { return em.msi.CIEnv(em.MSIURL(), system) }
