package app

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strings"
)

// browserOpener picks how azrepl opens a URL: $BROWSER (a command; "%s" is
// replaced by the URL, else the URL is appended; several commands may be
// separated by ":" and the first is used), else xdg-open on a desktop
// session, else nil (the URL is only printed). With the emulator (env is
// then its proxy and CA, added to the browser's environment) only an
// explicit $BROWSER is used: a desktop browser would reach the real cloud.
// The browser is started and never waited for.
func browserOpener(getenv func(string) string, env []string, stderr io.Writer) func(string) error {
	if b := strings.TrimSpace(getenv("BROWSER")); b != "" {
		first, _, _ := strings.Cut(b, ":")
		return func(u string) error {
			if err := browserURLOK(u); err != nil {
				return err
			}
			return startCommand(browserCommand(first, u), env, stderr)
		}
	}
	if env != nil {
		return nil
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return nil
	}
	if _, err := exec.LookPath("xdg-open"); err != nil {
		return nil
	}
	return func(u string) error {
		if err := browserURLOK(u); err != nil {
			return err
		}
		return startCommand([]string{"xdg-open", u}, nil, stderr)
	}
}

// browserURLOK lets only an https:// URL reach the browser command: the URL
// comes from a server (a device code's verification_uri, a discovery
// document's authorization_endpoint), and "--renderer-cmd-prefix=…" or a
// file:// URL must not become a browser argument. It is always one
// argument (no shell, no whitespace or control characters).
func browserURLOK(u string) error {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "https" || p.Host == "" || strings.IndexFunc(u, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return fmt.Errorf("not opening %.80q in the browser: only an https:// URL is opened", u)
	}
	return nil
}

// browserCommand splits a $BROWSER entry into argv with the URL in place of
// %s (or last). No shell is involved: a URL cannot inject a command.
func browserCommand(spec, u string) []string {
	fields := strings.Fields(spec)
	placed := false
	for i, f := range fields {
		if strings.Contains(f, "%s") {
			fields[i] = strings.ReplaceAll(f, "%s", u)
			placed = true
		}
	}
	if !placed {
		fields = append(fields, u)
	}
	return fields
}

func startCommand(argv, env []string, stderr io.Writer) error {
	if len(argv) == 0 || argv[0] == "" {
		return errors.New("BROWSER is empty")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "azrepl: cannot start the browser (%s): %v\n", argv[0], err)
		return err
	}
	go func() { _ = cmd.Wait() }() // reap it; its exit status does not matter
	return nil
}
