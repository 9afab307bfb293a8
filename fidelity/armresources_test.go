package fidelity

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"
)

// subscriptionID is the first subscription of DIR/tenant.json.
func subscriptionID(t *testing.T) string {
	t.Helper()
	var w struct {
		Subscriptions []struct{ ID string } `json:"subscriptions"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "tenant.json"))
	if err == nil {
		err = json.Unmarshal(b, &w)
	}
	if err != nil || len(w.Subscriptions) == 0 {
		t.Fatalf("no subscription in tenant.json: %v", err)
	}
	return w.Subscriptions[0].ID
}

// The Azure SDK for Go's resource manager clients, unchanged, as their users
// write them: create a resource group, list with the pager, tag it at its
// scope, and delete it with the long-running-operation poller (202, Location,
// Retry-After), then see it gone as a 404 ResponseError.
func TestARMResourceGroupsClient(t *testing.T) {
	cred := userCredential(t, "alice")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	sub := subscriptionID(t)
	rgs, err := armresources.NewResourceGroupsClient(sub, cred, nil)
	if err != nil {
		t.Fatal(err)
	}
	created, err := rgs.CreateOrUpdate(ctx, "sdk-rg", armresources.ResourceGroup{Location: to.Ptr("westeurope"),
		Tags: map[string]*string{"owner": to.Ptr("alice")}}, nil)
	if err != nil {
		t.Fatalf("CreateOrUpdate: %v", err)
	}
	if *created.Name != "sdk-rg" || *created.Properties.ProvisioningState != "Succeeded" {
		t.Fatalf("created %+v", created.ResourceGroup)
	}
	found := false
	for pager := rgs.NewListPager(nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		for _, g := range page.Value {
			found = found || *g.Name == "sdk-rg"
		}
	}
	if !found {
		t.Fatal("the new group is not listed")
	}
	tags, err := armresources.NewTagsClient(sub, cred, nil)
	if err != nil {
		t.Fatal(err)
	}
	merged, err := tags.UpdateAtScope(ctx, *created.ID, armresources.TagsPatchResource{Operation: to.Ptr(armresources.TagsPatchOperationMerge),
		Properties: &armresources.Tags{Tags: map[string]*string{"env": to.Ptr("dev")}}}, nil)
	if err != nil {
		t.Fatalf("UpdateAtScope: %v", err)
	}
	if len(merged.Properties.Tags) != 2 {
		t.Fatalf("tags after merge %v", merged.Properties.Tags)
	}
	poller, err := rgs.BeginDelete(ctx, "sdk-rg", nil)
	if err != nil {
		t.Fatalf("BeginDelete: %v", err)
	}
	if _, err := poller.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: time.Second}); err != nil {
		t.Fatalf("PollUntilDone: %v", err)
	}
	_, err = rgs.Get(ctx, "sdk-rg", nil)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusNotFound || re.ErrorCode != "ResourceGroupNotFound" {
		t.Fatalf("Get after delete: %v", err)
	}
}

// DIR/msi.env: azidentity's ManagedIdentityCredential, unchanged, finds the
// App Service style's variables and gets the VM identity (a Contributor) a
// token that lists the subscription; no style names 169.254.169.254.
func TestManagedIdentityFromMSIEnv(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(dir, "msi.env"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"export IDENTITY_ENDPOINT=", "export IDENTITY_HEADER=", "# export MSI_ENDPOINT=", "# export IMDS_ENDPOINT=", "# export AZURE_POD_IDENTITY_AUTHORITY_HOST="} {
		if !strings.Contains(string(b), want) {
			t.Errorf("msi.env lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "169.254.169.254") {
		t.Fatalf("msi.env names the real metadata endpoint:\n%s", b)
	}
	useEnvFile(t, "msi.env")
	cred, err := azidentity.NewManagedIdentityCredential(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	subs, err := armresources.NewClient(subscriptionID(t), cred, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The identity may read the subscription's resources (Contributor).
	if _, err := subs.NewListPager(nil).NextPage(ctx); err != nil {
		t.Fatalf("managed identity at ARM: %v", err)
	}
}

// The same client for bob, a Reader of the subscription: he lists the
// groups, and creating one is the cloud's 403 AuthorizationFailed, which the
// SDK surfaces as a ResponseError with that code.
func TestARMResourceGroupsClientAsReader(t *testing.T) {
	cred := userCredential(t, "bob")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	rgs, err := armresources.NewResourceGroupsClient(subscriptionID(t), cred, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rgs.NewListPager(nil).NextPage(ctx); err != nil {
		t.Fatalf("a Reader lists resource groups: %v", err)
	}
	_, err = rgs.CreateOrUpdate(ctx, "bobs-rg", armresources.ResourceGroup{Location: to.Ptr("westeurope")}, nil)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusForbidden || re.ErrorCode != "AuthorizationFailed" ||
		!strings.Contains(err.Error(), "does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/write'") {
		t.Fatalf("a Reader creating a group: %v", err)
	}
}
