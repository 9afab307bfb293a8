package world

// CredentialsEnv is the environment that points clients at the seeded
// world's credentials: the story app (its secret works, it has no Graph
// permission) as AZURE_*, the Databricks workspace and its service
// principal as DATABRICKS_*. It holds secrets: never print it.
func (w *World) CredentialsEnv() []string {
	env := []string{"AZURE_TENANT_ID=" + w.TenantID}
	for _, a := range w.Apps {
		if a.Name == "story-app" {
			env = append(env, "AZURE_CLIENT_ID="+a.ClientID, "AZURE_CLIENT_SECRET="+a.ClientSecret)
			break
		}
	}
	if w.Databricks.Host != "" {
		env = append(env, "DATABRICKS_HOST=https://"+w.Databricks.Host)
	}
	if sp := w.Databricks.ServicePrincipal; sp.ClientID != "" {
		env = append(env, "DATABRICKS_CLIENT_ID="+sp.ClientID, "DATABRICKS_CLIENT_SECRET="+sp.ClientSecret)
	}
	return env
}
