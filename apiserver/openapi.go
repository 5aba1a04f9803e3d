package apiserver

import "net/http"

// serveOpenAPI serves the OpenAPI documents of the served types.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	writeNotFound(w, r)
}
