package apiserver

import (
	"net/http"
	"sync"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/openapi"
)

// openAPIDocs builds the OpenAPI v3 documents once, on first use. They depend only on
// the compiled-in types, so every server in the process shares the same immutable
// value.
var openAPIDocs = sync.OnceValues(openapi.New)

// serveOpenAPI serves the OpenAPI documents of the served types: /openapi/v3 and
// /openapi/v3/<group-version>; /openapi/v2 and anything else are 404.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	docs, err := openAPIDocs()
	if err != nil {
		writeStatus(w, api.NewInternalError(err))
		return
	}
	docs.ServeHTTP(w, r)
}
