package graph

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
)

// decodeBody undoes a compressed request body. The Graph SDKs gzip request
// bodies by default (their compression handler sets Content-Encoding: gzip,
// https://learn.microsoft.com/graph/sdks/customize-client) and Graph reads
// them; an encoding it does not take is 415.
func (rc *requestContext) decodeBody() bool {
	enc := strings.ToLower(strings.TrimSpace(rc.r.Header.Get("Content-Encoding")))
	switch enc {
	case "", "identity":
		return true
	case "gzip":
		zr, err := gzip.NewReader(rc.r.Body)
		if err != nil {
			rc.fail(http.StatusBadRequest, "BadRequest", "The request body is not valid gzip.")
			return false
		}
		rc.r.Body = gzipBody{zr, rc.r.Body}
		rc.r.Header.Del("Content-Encoding")
		rc.r.ContentLength = -1
		return true
	}
	rc.fail(http.StatusUnsupportedMediaType, "UnsupportedMediaType", "The Content-Encoding '"+enc+"' is not supported.")
	return false
}

// gzipBody reads the decompressed body and closes the original one.
type gzipBody struct {
	*gzip.Reader
	orig io.Closer
}

func (b gzipBody) Close() error {
	_ = b.Reader.Close()
	return b.orig.Close()
}
