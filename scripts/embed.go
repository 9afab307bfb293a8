// Package scripts holds the snippet files shipped with azrepl. They are
// embedded in the binary so that require("azrepl/scripts/NAME") works from
// any folder; each one also runs in the tests.
package scripts

import "embed"

// FS holds every *.js and *.json file of this folder.
//
//go:embed *.js
var FS embed.FS
