package record

import (
	"time"

	"github.com/azrepl/azrepl/internal/leafca"
)

// newAuthority is the run's certificate authority. Its key exists only in
// this process's memory and its certificate is valid for about as long as
// the run: a bundle left behind by a crash trusts nothing that anyone can
// still sign.
func newAuthority() (*leafca.CA, error) {
	return leafca.New(leafca.Config{Name: "azrepl record CA (this run only)", Lifetime: 48 * time.Hour, Backdate: 5 * time.Minute})
}
