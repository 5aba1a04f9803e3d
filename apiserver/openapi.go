package apiserver

import (
	"net/http"
)

// serveOpenAPI serves the OpenAPI documents of the served types: /openapi/v3 and
// /openapi/v3/<group-version>; /openapi/v2 and anything else are 404.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	s.openapi.ServeHTTP(w, r)
}
