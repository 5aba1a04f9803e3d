// Package envtest runs a real Orrery apiserver in the test process, on embedded etcd,
// for the tests of controllers and other programs that talk to the API. It needs no
// binaries, downloads or environment: one call starts the server on a free loopback
// port with its own data directory, and the server stops when the test ends.
//
//	func TestMyController(t *testing.T) {
//		env := envtest.Start(t, envtest.Options{})
//		c := env.Client()
//		...
//	}
//
// The server is the same one `orrery apiserver` runs: every kind, subresource, watch
// and error behaves as it does in production, so a test exercises the controller
// against the real thing, not a fake.
package envtest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/client"
)

// readyTimeout bounds the wait for the server to become ready.
const readyTimeout = time.Minute

// Options configure an Environment. The zero value serves the built-in kinds.
type Options struct {
	// Registry holds the kinds to serve, the built-in ones and any the test registers.
	// Nil means api/builtin's.
	Registry *api.Registry
	// APIServer is the server's configuration. Its zero fields get the defaults of
	// apiserver.Config, except: an empty DataDir is a new temporary directory, an
	// empty BindAddress a free loopback port, a nil Logger the test's log at warn
	// level, and a nil Registry Options.Registry.
	APIServer apiserver.Config
}

// Environment is a running apiserver for one test.
type Environment struct {
	// Server is the running server.
	Server *apiserver.Server

	config client.Config
	stop   func() error

	mu     sync.Mutex
	client *client.Client
}

// Start runs an apiserver until the test ends (or Stop), and returns once it is ready
// to serve. It fails the test if the server does not start.
func Start(tb testing.TB, opts Options) *Environment {
	tb.Helper()
	cfg := opts.APIServer
	if cfg.DataDir == "" {
		cfg.DataDir = tb.TempDir()
	}
	if cfg.BindAddress == "" {
		cfg.BindAddress = "127.0.0.1:0"
	}
	if cfg.Logger == nil {
		cfg.Logger = zaptest.NewLogger(tb, zaptest.Level(zap.WarnLevel))
	}
	if cfg.Registry == nil {
		cfg.Registry = opts.Registry
	}
	srv, err := apiserver.New(cfg)
	if err != nil {
		tb.Fatalf("envtest: apiserver.New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	var wg sync.WaitGroup
	wg.Go(func() { runErr <- srv.Run(ctx) })
	var once sync.Once
	var stopErr error
	env := &Environment{Server: srv}
	env.stop = func() error {
		once.Do(func() {
			env.mu.Lock()
			if env.client != nil {
				env.client.Close()
			}
			env.mu.Unlock()
			cancel()
			wg.Wait()
			if err := <-runErr; err != nil && !errors.Is(err, context.Canceled) {
				stopErr = err
			}
		})
		return stopErr
	}
	tb.Cleanup(func() {
		if err := env.Stop(); err != nil {
			tb.Errorf("envtest: apiserver Run: %v", err)
		}
	})
	select {
	case <-srv.Ready():
	case err := <-runErr:
		runErr <- err // for Stop
		tb.Fatalf("envtest: apiserver stopped before it was ready: %v", err)
	case <-time.After(readyTimeout):
		tb.Fatalf("envtest: apiserver not ready after %v", readyTimeout)
	}
	env.config = client.Config{
		Host:        srv.URL(),
		CAData:      srv.CAPEM(),
		BearerToken: srv.AdminToken(),
		QPS:         -1,
		Registry:    cfg.Registry,
		UserAgent:   "orrery-envtest",
	}
	return env
}

// Config returns the configuration of a client with full rights on the server and no
// client-side rate limit. Each call returns a new copy to change as the test likes.
func (e *Environment) Config() client.Config { return e.config }

// Client returns a client made from Config, shared by the calls of the Environment;
// it is closed when the environment stops.
func (e *Environment) Client() *client.Client {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.client == nil {
		c, err := client.New(e.config)
		if err != nil {
			panic("envtest: client.New: " + err.Error()) // the config is the server's own
		}
		e.client = c
	}
	return e.client
}

// KubeconfigPath is a kubeconfig for kubectl and other programs run by the test.
func (e *Environment) KubeconfigPath() string { return e.Server.KubeconfigPath() }

// Stop shuts the server down, waits for it and returns the error it ended with. The
// test's cleanup calls it; calling it earlier, or more than once, is safe.
func (e *Environment) Stop() error { return e.stop() }
