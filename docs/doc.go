// Package docs holds azrepl's user documentation beyond the README; its
// tests check that the README and these pages link to what exists.
package docs
