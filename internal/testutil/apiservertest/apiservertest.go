// Package apiservertest runs an Orrery apiserver in-process for tests: on a free
// loopback port, with its own data directory and embedded etcd unless told otherwise,
// stopped and waited for when the test ends.
package apiservertest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/orrery-dev/orrery/apiserver"
)

// readyTimeout bounds the wait for a server to become ready.
const readyTimeout = time.Minute

// Server is a running apiserver.
type Server struct {
	*apiserver.Server
	stop func() error
}

// Start runs an apiserver with cfg until the test ends or Stop is called, and returns
// it once it is ready. An empty DataDir is a new temporary directory, an empty
// BindAddress a free loopback port, and a nil Logger the test's log at warn level.
func Start(tb testing.TB, cfg apiserver.Config) *Server {
	tb.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = tb.TempDir()
	}
	if cfg.BindAddress == "" {
		cfg.BindAddress = "127.0.0.1:0"
	}
	if cfg.Logger == nil {
		cfg.Logger = zaptest.NewLogger(tb, zaptest.Level(zap.WarnLevel))
	}
	srv, err := apiserver.New(cfg)
	if err != nil {
		tb.Fatalf("apiserver.New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	var wg sync.WaitGroup
	wg.Go(func() { runErr <- srv.Run(ctx) })
	var once sync.Once
	var stopErr error
	s := &Server{Server: srv, stop: func() error {
		once.Do(func() {
			cancel()
			wg.Wait()
			if err := <-runErr; err != nil && !errors.Is(err, context.Canceled) {
				stopErr = err
			}
		})
		return stopErr
	}}
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Errorf("apiserver Run: %v", err)
		}
	})
	select {
	case <-srv.Ready():
	case err := <-runErr:
		runErr <- err // for Stop
		tb.Fatalf("apiserver stopped before it was ready: %v", err)
	case <-time.After(readyTimeout):
		tb.Fatalf("apiserver not ready after %v", readyTimeout)
	}
	return s
}

// Stop shuts the server down, waits for Run to return and returns its error. It is
// safe to call more than once.
func (s *Server) Stop() error { return s.stop() }
