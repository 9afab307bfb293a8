package bindings

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/azrepl/azrepl/auth"
)

// DeviceCodePrompt shows a device code the way cli/cli's auth flow does: the
// code first, then where to enter it, and on a terminal a countdown that
// rewrites one line. It never waits for the keyboard: login() must work in
// scripts. Its Show and Countdown methods go into auth.Config's
// OnDeviceCode and OnCountdown.
type DeviceCodePrompt struct {
	W       io.Writer          // stderr
	TTY     bool               // W is a terminal: draw the countdown
	OpenURL func(string) error // nil = the URL is printed only
	Note    string             // an extra line after the code, e.g. the emulator's auto-approval

	mu       sync.Mutex
	counting bool // a countdown line is on screen
}

// Show prints the code and opens the verification page when it can.
func (p *DeviceCodePrompt) Show(dc auth.DeviceCode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
	uri := dc.VerificationURI
	if uri == "" {
		// Not a standard answer: Entra's own message says where to go.
		fmt.Fprintln(p.W, dc.Message)
	} else {
		fmt.Fprintf(p.W, "! First copy your one-time code: %s\n", dc.UserCode)
		opened := p.OpenURL != nil && p.OpenURL(uri) == nil
		if opened {
			fmt.Fprintf(p.W, "Opened %s in your browser: paste the code there and sign in.\n", uri)
		} else {
			fmt.Fprintf(p.W, "Open %s in your browser, paste the code and sign in.\n", uri)
		}
	}
	if p.Note != "" {
		fmt.Fprintln(p.W, p.Note)
	}
	if !p.TTY && dc.ExpiresIn > 0 {
		fmt.Fprintf(p.W, "Waiting for sign-in (the code expires in %s)…\n", roundDuration(dc.ExpiresIn))
	}
}

// Countdown redraws the waiting line on a terminal; elsewhere it is silent
// (a log file does not want a line every few seconds).
func (p *DeviceCodePrompt) Countdown(left time.Duration) {
	if !p.TTY {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.W, "\r\x1b[KWaiting for sign-in… %s left (Ctrl-C to cancel)", clock(left))
	p.counting = true
}

// Done removes the countdown line, if any; login() calls it when the flow
// ends, whatever the outcome.
func (p *DeviceCodePrompt) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
}

func (p *DeviceCodePrompt) clearLocked() {
	if p.counting {
		fmt.Fprint(p.W, "\r\x1b[K")
		p.counting = false
	}
}

// clock is m:ss, the way a countdown reads.
func clock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// roundDuration is "15m", "1h 5m", "40s": what a person reads at a glance
// (truncated: a token valid for 3599 s "expires in 59m").
func roundDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Truncate(time.Second)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Truncate(time.Minute)/time.Minute))
	}
	m := int(d.Truncate(time.Minute) / time.Minute)
	if m%60 == 0 {
		return fmt.Sprintf("%dh", m/60)
	}
	return fmt.Sprintf("%dh %dm", m/60, m%60)
}

// prompts links a session to the prompt that shows its device codes, so that
// login() can clear the countdown line; Env has no field for it.
var prompts sync.Map // *auth.Session → *DeviceCodePrompt

// AttachDeviceCodePrompt records that p shows s's device codes (the program
// wiring calls it after building both).
func AttachDeviceCodePrompt(s *auth.Session, p *DeviceCodePrompt) { prompts.Store(s, p) }

func promptOf(s *auth.Session) *DeviceCodePrompt {
	if v, ok := prompts.Load(s); ok {
		return v.(*DeviceCodePrompt)
	}
	return nil
}
