// Package apiservertest runs an Orrery apiserver in-process for Orrery's own tests, as
// package envtest does for its users.
package apiservertest

import (
	"testing"

	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/envtest"
)

// Server is a running apiserver.
type Server struct {
	*apiserver.Server
	env *envtest.Environment
}

// Start runs an apiserver with cfg until the test ends or Stop is called, and returns
// it once it is ready (see envtest.Options.APIServer for the defaults it fills).
func Start(tb testing.TB, cfg apiserver.Config) *Server {
	tb.Helper()
	env := envtest.Start(tb, envtest.Options{APIServer: cfg})
	return &Server{Server: env.Server, env: env}
}

// Stop shuts the server down, waits for Run to return and returns its error. It is
// safe to call more than once.
func (s *Server) Stop() error { return s.env.Stop() }
