package graph

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

const (
	jsonContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
	// wwwAuthenticate is Graph's challenge on 401.
	wwwAuthenticate = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`
)

// requestContext carries one request, its ids and the writer.
type requestContext struct {
	s               *server
	w               http.ResponseWriter
	r               *http.Request
	requestID       string
	clientRequestID string
}

func newRequestContext(s *server, w http.ResponseWriter, r *http.Request) *requestContext {
	rc := &requestContext{s: s, w: w, r: r, requestID: wire.RandomGUID()}
	rc.clientRequestID = r.Header.Get("client-request-id")
	if rc.clientRequestID == "" {
		rc.clientRequestID = rc.requestID
	}
	h := w.Header()
	h.Set("request-id", rc.requestID)
	h.Set("client-request-id", rc.clientRequestID)
	h.Set("x-ms-ags-diagnostic", `{"ServerInfo":{"DataCenter":"Emulator","Slice":"E","Ring":"1","ScaleUnit":"000","RoleInstance":"EMU"}}`)
	h.Set("OData-Version", "4.0")
	return rc
}

// baseURL is scheme://host of the request, so links work on every listener.
func (rc *requestContext) baseURL() string {
	scheme := "https"
	if rc.r.TLS == nil {
		scheme = "http"
	}
	return scheme + "://" + rc.r.Host
}

type innerError struct {
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

type errorBody struct {
	Error struct {
		Code       string     `json:"code"`
		Message    string     `json:"message"`
		InnerError innerError `json:"innerError"`
	} `json:"error"`
}

// fail writes Graph's error envelope.
func (rc *requestContext) fail(status int, code, message string) {
	var b errorBody
	b.Error.Code, b.Error.Message = code, message
	b.Error.InnerError = innerError{
		Date:            rc.s.cfg.Now().UTC().Format("2006-01-02T15:04:05"),
		RequestID:       rc.requestID,
		ClientRequestID: rc.clientRequestID,
	}
	body, _ := json.Marshal(b)
	if status == http.StatusUnauthorized && rc.w.Header().Get("WWW-Authenticate") == "" {
		rc.w.Header().Set("WWW-Authenticate", wwwAuthenticate)
	}
	rc.w.Header().Set("Content-Type", "application/json")
	rc.w.WriteHeader(status)
	_, _ = rc.w.Write(body)
}

func (rc *requestContext) segmentNotFound(seg string) {
	rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", seg))
}

// denied is Graph's 403 for a token without a permission that grants the call.
func (rc *requestContext) denied() {
	rc.fail(http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
}

// allowGet answers 405 for anything but GET on a target that is only read.
func (rc *requestContext) allowGet() bool {
	if rc.r.Method == http.MethodGet || rc.r.Method == http.MethodHead {
		return true
	}
	rc.methodNotAllowed()
	return false
}

func (rc *requestContext) methodNotAllowed() {
	rc.fail(http.StatusMethodNotAllowed, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
}

// notFound is Graph's 404 for an object id that names nothing.
func (rc *requestContext) notFound(id string) {
	rc.fail(http.StatusNotFound, "Request_ResourceNotFound",
		"Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
}

func (rc *requestContext) writeBody(contentType string, body []byte) {
	rc.writeStatus(http.StatusOK, contentType, body)
}

func (rc *requestContext) writeStatus(status int, contentType string, body []byte) {
	if body != nil {
		rc.w.Header().Set("Content-Type", contentType)
	}
	rc.w.WriteHeader(status)
	_, _ = rc.w.Write(body)
}
