package bindings_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/bindings"
)

var testCode = auth.DeviceCode{UserCode: "ABCD-EFGH", VerificationURI: "https://microsoft.com/devicelogin",
	Message: "To sign in, use a web browser…", ExpiresIn: 15 * time.Minute, Interval: 5 * time.Second}

func TestDeviceCodePromptNotATerminal(t *testing.T) {
	var b bytes.Buffer
	p := &bindings.DeviceCodePrompt{W: &b}
	p.Show(testCode)
	p.Countdown(14 * time.Minute)
	p.Done()
	out := b.String()
	for _, s := range []string{"First copy your one-time code: ABCD-EFGH", "Open https://microsoft.com/devicelogin in your browser", "expires in 15m"} {
		if !strings.Contains(out, s) {
			t.Errorf("prompt lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "\r") || strings.Contains(out, "\x1b") {
		t.Errorf("a countdown was drawn on a non-terminal: %q", out)
	}
}

func TestDeviceCodePromptTerminal(t *testing.T) {
	var b bytes.Buffer
	var opened []string
	p := &bindings.DeviceCodePrompt{W: &b, TTY: true, Note: "(auto-approved)",
		OpenURL: func(u string) error { opened = append(opened, u); return nil }}
	p.Show(testCode)
	p.Countdown(14*time.Minute + 55*time.Second)
	p.Countdown(14*time.Minute + 50*time.Second)
	p.Done()
	out := b.String()
	if len(opened) != 1 || opened[0] != testCode.VerificationURI {
		t.Errorf("opened %v", opened)
	}
	for _, s := range []string{"Opened https://microsoft.com/devicelogin in your browser", "(auto-approved)", "14:55 left", "14:50 left"} {
		if !strings.Contains(out, s) {
			t.Errorf("prompt lacks %q: %q", s, out)
		}
	}
	if !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("Done did not clear the countdown line: %q", out)
	}
	b.Reset()
	p.Done()
	if b.Len() != 0 {
		t.Errorf("a second Done wrote %q", b.String())
	}
}

func TestDeviceCodePromptBrowserFails(t *testing.T) {
	var b bytes.Buffer
	p := &bindings.DeviceCodePrompt{W: &b, OpenURL: func(string) error { return errors.New("no browser") }}
	p.Show(testCode)
	if out := b.String(); !strings.Contains(out, "Open https://microsoft.com/devicelogin") || strings.Contains(out, "Opened") {
		t.Errorf("a browser that failed to start is reported as opened:\n%s", out)
	}
}
