// Package wire is what the emulator's host, Entra and the resource servers
// put on the wire the same way: JSON bodies, the request's trace id
// (Entra's trace_id, the request log's id), host names from Host headers,
// and random opaque values (codes, tokens, GUIDs, serial numbers).
package wire

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
)

// JSON writes v as the JSON body of a status answer.
func JSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error encoding JSON", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

type traceKey struct{}

// WithTraceID gives the request the id the request log names it by.
func WithTraceID(r *http.Request, id string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), traceKey{}, id))
}

// TraceID is the id the middleware gave this request (Entra's trace_id);
// a fresh one for a request that did not come through it.
func TraceID(r *http.Request) string {
	if id, ok := r.Context().Value(traceKey{}).(string); ok {
		return id
	}
	return RandomGUID()
}

// HostOnly is the lower-case host name of a Host header (port and final dot dropped).
func HostOnly(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// RandomToken returns n random bytes, base64url-encoded: opaque codes and tokens.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// RandomGUID is a random (version 4) GUID: trace ids, uti, aio.
func RandomGUID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// RandomString returns n random characters from alphabet.
func RandomString(n int, alphabet string) string {
	var sb strings.Builder
	max := big.NewInt(int64(len(alphabet)))
	for range n {
		i, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		sb.WriteByte(alphabet[i.Int64()])
	}
	return sb.String()
}

// RandomSerial is a certificate serial number (120 random bits).
func RandomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n
}
