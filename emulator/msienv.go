package emulator

import (
	"path/filepath"

	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/azrepl/azrepl/emulator/world"
)

// The managed identity listener as the host hands it out: its origin, and
// the environment each managed identity style and CI system sets.

// CIEnv is the environment a CI job gets: "github" or "pipelines".
func (em *Emulator) CIEnv(system string) []string {
	base := em.MSIURL()
	switch system {
	case "github":
		return []string{"ACTIONS_ID_TOKEN_REQUEST_URL=" + base + ciActionsPath + "?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + em.msi.ciToken}
	case "pipelines":
		return []string{"SYSTEM_OIDCREQUESTURI=" + base + ciPipelinesPath, "SYSTEM_ACCESSTOKEN=" + em.msi.ciToken,
			"AZURESUBSCRIPTION_SERVICE_CONNECTION_ID=" + world.SeedGUID("pipelines/service-connection")}
	}
	return nil
}

func (em *Emulator) newMSI() *msiServer {
	em.msi = &msiServer{entra: em.entra, world: em.world, assertionLifetime: em.cfg.AssertionLifetime,
		header: wire.RandomToken(24), ciToken: wire.RandomToken(32), keyDir: filepath.Join(em.dir, "azcmagent-tokens"), keys: map[string]bool{}}
	return em.msi
}

// MSIURL is the plain-HTTP origin of the managed identity endpoints.
func (em *Emulator) MSIURL() string { return em.ServiceURL(msiService) }

// ManagedIdentityEnv is the environment each style's real host sets:
// "appservice", "cloudshell", "arc" or "imds" (the IMDS base through
// AZURE_POD_IDENTITY_AUTHORITY_HOST; nothing ever names 169.254.169.254).
func (em *Emulator) ManagedIdentityEnv(style string) []string {
	base := em.MSIURL()
	switch style {
	case "appservice":
		return []string{"IDENTITY_ENDPOINT=" + base + msiAppServicePath, "IDENTITY_HEADER=" + em.msi.header}
	case "cloudshell":
		return []string{"MSI_ENDPOINT=" + base + msiCloudShellPath}
	case "arc":
		return []string{"IDENTITY_ENDPOINT=" + base + msiArcPath, "IMDS_ENDPOINT=" + base + "/arc",
			"AZREPL_ARC_TOKENS_DIR=" + em.msi.keyDir}
	case "imds":
		return []string{"AZURE_POD_IDENTITY_AUTHORITY_HOST=" + base}
	}
	return nil
}
