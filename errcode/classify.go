package errcode

import (
	"context"
	"crypto/x509"
	"errors"
	"io/fs"
	"net"
)

// Coded is an error that names its code: azrepl's typed errors (a binding's
// Error, auth's EntraError) and the sentinels made by Sentinel.
type Coded interface {
	error
	ErrorCode() string
}

// Of is the code of any Go error, "" when it has no kind of its own: the
// first code an error in err's tree names (depth first, as errors.As
// looks), else cancellation, deadlines, TLS trust and the network.
func Of(err error) string {
	if err == nil {
		return ""
	}
	if c := named(err); c != "" {
		return c
	}
	var ne net.Error
	var pe *fs.PathError
	var ue x509.UnknownAuthorityError
	var he x509.HostnameError
	var ce x509.CertificateInvalidError
	switch {
	case errors.Is(err, context.Canceled):
		return Cancelled
	case errors.Is(err, context.DeadlineExceeded):
		return Timeout
	case errors.As(err, &ue), errors.As(err, &he), errors.As(err, &ce):
		return Network
	case errors.As(err, &pe):
		// A file's error: its syscall.Errno would pass for a net.Error below.
		if errors.Is(err, fs.ErrNotExist) {
			return NotFound
		}
		return ""
	case errors.As(err, &ne):
		if ne.Timeout() {
			return Timeout
		}
		return Network
	}
	return ""
}

func named(err error) string {
	if c, ok := err.(Coded); ok {
		if code := c.ErrorCode(); code != "" {
			return code
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if next := u.Unwrap(); next != nil {
			return named(next)
		}
	case interface{ Unwrap() []error }:
		for _, next := range u.Unwrap() {
			if c := named(next); c != "" {
				return c
			}
		}
	}
	return ""
}

type sentinel struct{ code, msg string }

func (s *sentinel) Error() string     { return s.msg }
func (s *sentinel) ErrorCode() string { return s.code }

// Sentinel is an error value for errors.Is that carries its code.
func Sentinel(code, msg string) error { return &sentinel{code, msg} }
