// Command azclicred times azidentity's AzureCLICredential as a program
// using it sees it: GetToken N times (it runs `az account get-access-token`
// each time) and prints the median milliseconds. Whichever az is first on
// PATH answers: bench/token-source runs it with azrepl's shim and with the
// real Azure CLI.
//
//	go run ./bench/azclicred -n 10 -scope https://graph.microsoft.com/.default
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

func main() {
	n := flag.Int("n", 10, "GetToken calls")
	scope := flag.String("scope", "https://graph.microsoft.com/.default", "the scope asked")
	flag.Parse()
	cred, err := azidentity.NewAzureCLICredential(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "azclicred:", err)
		os.Exit(1)
	}
	var ms []float64
	for i := 0; i < *n; i++ {
		// With no deadline azidentity kills az after 10 s, which a loaded
		// machine's real az can exceed: give both a minute.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		start := time.Now()
		tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{*scope}})
		cancel()
		if err != nil || tok.Token == "" {
			fmt.Fprintln(os.Stderr, "azclicred: GetToken:", err)
			os.Exit(1)
		}
		ms = append(ms, float64(time.Since(start).Microseconds())/1000)
	}
	sort.Float64s(ms)
	fmt.Printf("%.1f\n", ms[len(ms)/2])
}
