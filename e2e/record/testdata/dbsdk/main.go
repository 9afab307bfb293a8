// Command dbsdk signs in to a Databricks workspace with the Databricks SDK
// for Go's OAuth machine-to-machine auth (DATABRICKS_HOST, DATABRICKS_CLIENT_ID,
// DATABRICKS_CLIENT_SECRET) and asks who it is: an unchanged SDK program for
// azrepl record's tests.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/iam"
)

func main() {
	w, err := databricks.NewWorkspaceClient(&databricks.Config{AuthType: "oauth-m2m"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	me, err := w.CurrentUser.Me(context.Background(), iam.MeRequest{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(me.DisplayName)
}
