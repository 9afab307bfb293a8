package runtime

import "github.com/azrepl/azrepl/bindings"

// The help of the web platform's globals (jsweb, runtime/abort.go), which
// jsweb cannot register itself: it imports nothing of azrepl.
func init() {
	bindings.Register(bindings.Binding{Name: "TextEncoder", Also: []string{"TextDecoder"}, Help: `TextEncoder, TextDecoder — UTF-8 text to bytes and back, as in browsers
  new TextEncoder().encode("héllo") → Uint8Array; new TextDecoder().decode(bytes) → string
  new TextDecoder("utf-8", {fatal: true}) throws on invalid UTF-8 instead of writing U+FFFD
  Example: new TextDecoder().decode(base64url.decodeBytes(jwtPart))`})
	bindings.Register(bindings.Binding{Name: "atob", Also: []string{"btoa"}, Help: `atob(base64) / btoa(binaryString) — standard base64, as in browsers
  atob decodes to a "binary string" (one character per byte); btoa encodes one (characters above U+00FF throw)
  For JWT parts and other URL-safe base64 without padding, use base64url.
  Example: atob(btoa("client:secret"))`})
	bindings.Register(bindings.Binding{Name: "base64url", Help: `base64url.encode(s | bytes) / decode(s) / decodeBytes(s) — URL-safe base64 (RFC 4648 §5), no padding
  encode takes a string (as UTF-8) or a Uint8Array; decode gives a string, decodeBytes a Uint8Array.
  Padding and standard-base64 characters are accepted when decoding.
  Example: JSON.parse(base64url.decode(String(token()).split(".")[1])).aud`})
	bindings.Register(bindings.Binding{Name: "crypto", Help: `crypto.randomUUID() / crypto.getRandomValues(typedArray) — random values from the system's generator
  randomUUID: a version 4 UUID string; getRandomValues fills an integer typed array and returns it
  Example: crypto.randomUUID()   // a client-request-id for a Graph call`})
	bindings.Register(bindings.Binding{Name: "structuredClone", Help: `structuredClone(value) — a deep copy, as in browsers
  Copies objects, arrays, Dates, Maps, Sets, RegExps, typed arrays and cycles; functions and symbols
  throw a DataCloneError (code BAD_ARGUMENT).
  Example: const copy = structuredClone(graph.get("/me").json)`})
	bindings.Register(bindings.Binding{Name: "DOMException", Help: `DOMException(message, name) — the error class of aborts, as in browsers
  An aborted fetch rejects with a DOMException named "AbortError" (signal.abort()) or "TimeoutError"
  (AbortSignal.timeout(ms)); e.name tells which.
  Example: try { await fetch(url, {signal: AbortSignal.timeout(100)}) } catch (e) { e.name }`})
}
