package apiserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/cacher"
	"github.com/orrery-dev/orrery/apiserver/openapi"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/internal/etcd"
	"github.com/orrery-dev/orrery/internal/kubeconfig"
	"github.com/orrery-dev/orrery/internal/logging"
	"github.com/orrery-dev/orrery/internal/pki"
)

// AdminUser is the user of the generated admin token.
const AdminUser = "admin"

// Server is an apiserver. Create it with New and start it with Run.
type Server struct {
	cfg     Config
	logger  *zap.Logger
	metrics *metrics

	ready    chan struct{} // closed once serving
	shutdown chan struct{} // closed when shutdown begins: open watches end

	// Set before ready is closed; read-only afterwards.
	url        string
	caPEM      []byte
	adminToken string
	authn      *tokenAuthenticator
	resources  map[string]*resource // by group + "/" + resource
	namespaces *resource
	cachers    []*cacher.Cacher

	openapi  *openapi.Docs     // built once in New; immutable
	protobuf *protobuf.Decoder // reads protobuf request bodies of the registry's kinds

	readSlots  chan struct{}
	writeSlots chan struct{}
	watches    atomic.Int64
}

// New checks cfg and returns a Server ready to Run.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	docs, err := openapi.New(cfg.Registry.Kinds())
	if err != nil {
		return nil, fmt.Errorf("apiserver: build OpenAPI documents: %w", err)
	}
	return &Server{
		openapi:    docs,
		protobuf:   protobuf.NewDecoder(cfg.Registry),
		cfg:        cfg,
		logger:     cfg.Logger.Named("apiserver"),
		metrics:    newMetrics(),
		ready:      make(chan struct{}),
		shutdown:   make(chan struct{}),
		readSlots:  make(chan struct{}, cfg.MaxRequestsInFlight),
		writeSlots: make(chan struct{}, cfg.MaxMutatingRequestsInFlight),
	}, nil
}

// Ready is closed once the server serves requests.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// URL is the server's base URL ("https://127.0.0.1:6443"); valid once Ready is closed.
func (s *Server) URL() string { return s.url }

// CAPEM is the PEM-encoded CA that signed the serving certificate; valid once Ready.
func (s *Server) CAPEM() []byte { return s.caPEM }

// AdminToken is the bearer token of the admin user; valid once Ready.
func (s *Server) AdminToken() string { return s.adminToken }

// KubeconfigPath is where the admin kubeconfig is written.
func (s *Server) KubeconfigPath() string { return s.cfg.KubeconfigPath }

// Run starts etcd (embedded unless external servers are configured), serves HTTPS until
// ctx ends, then shuts down: new requests are refused, in-flight ones finish (up to
// ShutdownTimeout), open watches end, and etcd stops. It returns after all of that.
func (s *Server) Run(ctx context.Context) error {
	cfg := s.cfg
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	var client *clientv3.Client
	if len(cfg.EtcdServers) == 0 {
		e, err := etcd.Start(ctx, etcd.Config{
			DataDir:                filepath.Join(cfg.DataDir, "etcd"),
			Logger:                 cfg.Logger,
			ProgressNotifyInterval: cfg.EtcdProgressNotifyInterval,
		})
		if err != nil {
			return err
		}
		defer e.Close()
		// The embedded server is called in process, not through its socket.
		client = e.Client()
	} else {
		var err error
		client, err = etcd.NewClient(ctx, etcd.ClientConfig{Endpoints: cfg.EtcdServers, Logger: cfg.Logger})
		if err != nil {
			return err
		}
	}
	defer client.Close()

	if err := s.setUp(ctx, client); err != nil {
		return err
	}
	// The watch caches run until the HTTP server has shut down, then stop before etcd.
	cacheCtx, stopCaches := context.WithCancel(context.WithoutCancel(ctx))
	var caches sync.WaitGroup
	defer func() {
		stopCaches()
		caches.Wait()
	}()
	for _, c := range s.cachers {
		caches.Go(func() {
			if err := c.Run(cacheCtx); err != nil {
				s.logger.Error("watch cache stopped", zap.Error(err))
			}
		})
	}
	for _, c := range s.cachers {
		select {
		case <-c.Synced():
		case <-ctx.Done():
			return ctx.Err()
		}
	}

	ln, err := net.Listen("tcp", cfg.BindAddress)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.BindAddress, err)
	}
	host, _, _ := net.SplitHostPort(cfg.BindAddress)
	bundle, err := pki.Ensure(filepath.Join(cfg.DataDir, "pki"), s.sans(host), cfg.Now())
	if err != nil {
		ln.Close()
		return fmt.Errorf("certificates: %w", err)
	}
	s.caPEM = bundle.CAPEM
	s.url = "https://" + urlHost(host, ln.Addr())
	if err := kubeconfig.Write(cfg.KubeconfigPath, kubeconfig.ForServer("orrery", s.url, s.caPEM, AdminUser, s.adminToken)); err != nil {
		ln.Close()
		return fmt.Errorf("write kubeconfig: %w", err)
	}

	httpServer := &http.Server{
		Handler:           s,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{bundle.Serving}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          zap.NewStdLog(logging.AtLeast(s.logger.Named("http"), zap.WarnLevel)),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}

	var wg sync.WaitGroup
	compactCtx, stopCompactor := context.WithCancel(ctx)
	defer stopCompactor()
	if cfg.CompactionInterval > 0 {
		compactor, err := storage.NewCompactor(storage.CompactorConfig{
			Client: client, Interval: cfg.CompactionInterval, Key: cfg.EtcdPrefix + "/compact_rev_key", Logger: s.logger,
		})
		if err != nil {
			ln.Close()
			return err
		}
		wg.Go(func() { compactor.Run(compactCtx) })
	}
	serveErr := make(chan error, 1)
	wg.Go(func() { serveErr <- httpServer.ServeTLS(ln, "", "") })

	s.logger.Info("apiserver ready", zap.String("url", s.url), zap.String("kubeconfig", cfg.KubeconfigPath))
	close(s.ready)

	var runErr error
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			runErr = fmt.Errorf("serve: %w", err)
		}
	}
	s.logger.Info("apiserver shutting down")
	close(s.shutdown)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		s.logger.Warn("in-flight requests did not finish in time", zap.Error(err))
		httpServer.Close()
	}
	stopCompactor()
	wg.Wait()
	return runErr
}

// setUp reads or creates the tokens, creates a store per resource and makes sure the
// built-in namespaces exist.
func (s *Server) setUp(ctx context.Context, client *clientv3.Client) error {
	cfg := s.cfg
	token, err := loadOrCreateToken(filepath.Join(cfg.DataDir, "admin.token"))
	if err != nil {
		return err
	}
	s.adminToken = token
	tokens := map[string]*User{}
	if cfg.TokenAuthFile != "" {
		if tokens, err = loadTokenFile(cfg.TokenAuthFile); err != nil {
			return fmt.Errorf("--token-auth-file: %w", err)
		}
	}
	tokens[token] = &User{Name: AdminUser, UID: AdminUser, Groups: []string{GroupMasters, GroupAuthenticated}}
	s.authn = &tokenAuthenticator{tokens: tokens}

	storeMetrics, err := storage.NewMetrics(s.metrics.registry)
	if err != nil {
		return err
	}
	cacheMetrics, err := cacher.NewMetrics(s.metrics.registry)
	if err != nil {
		return err
	}
	s.resources = map[string]*resource{}
	for _, kind := range cfg.Registry.Kinds() {
		var ttl time.Duration
		if kind.Expires && cfg.EventTTL > 0 {
			ttl = cfg.EventTTL
		}
		etcdStore, err := storage.New(storage.Config{
			Client:   client,
			Prefix:   cfg.EtcdPrefix + "/" + kind.StorageKey,
			Resource: kind.Resource,
			NewFunc:  kind.New,
			Attrs:    attrsOf(kind),
			TTL:      ttl,
			Codec:    codecOf(kind),
			Metrics:  storeMetrics,
			Logger:   s.logger,
		})
		if err != nil {
			return err
		}
		var st storage.Interface = etcdStore
		if !cfg.DisableWatchCache {
			c, err := cacher.New(cacher.Config{
				Storage:          etcdStore,
				Resource:         kind.Resource,
				TypeMeta:         api.TypeMeta{Kind: kind.Kind, APIVersion: kind.APIVersion()},
				Attrs:            attrsOf(kind),
				IndexFields:      kind.IndexFields,
				BookmarkInterval: cfg.WatchBookmarkInterval,
				Encode:           encoderOf(kind),
				Metrics:          cacheMetrics,
				Logger:           s.logger,
			})
			if err != nil {
				return err
			}
			s.cachers = append(s.cachers, c)
			st = c
		}
		r := newResource(s, kind, st)
		s.resources[kind.Group+"/"+kind.Resource] = r
		if kind.Group == "" && kind.Resource == "namespaces" {
			s.namespaces = r
		}
	}
	for _, name := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		if err := s.ensureNamespace(ctx, name); err != nil {
			return fmt.Errorf("create namespace %s: %w", name, err)
		}
	}
	return nil
}

func (s *Server) ensureNamespace(ctx context.Context, name string) error {
	ns := &api.Namespace{ObjectMeta: api.ObjectMeta{Name: name}}
	ns.Kind, ns.APIVersion = "Namespace", "v1"
	_, err := s.namespaces.create(ctx, ns, false)
	if storage.IsAlreadyExists(err) {
		return nil
	}
	return err
}

// sans are the names the serving certificate must be valid for.
func (s *Server) sans(bindHost string) []string {
	sans := []string{"127.0.0.1", "localhost"}
	if bindHost != "" && bindHost != "0.0.0.0" && bindHost != "::" {
		sans = append(sans, bindHost)
	}
	if h, err := os.Hostname(); err == nil && bindHost != "127.0.0.1" && bindHost != "localhost" {
		sans = append(sans, h)
	}
	return append(sans, s.cfg.ExtraSANs...)
}

// urlHost is the host:port clients should use for a listener bound to bindHost.
func urlHost(bindHost string, addr net.Addr) string {
	_, port, _ := net.SplitHostPort(addr.String())
	switch bindHost {
	case "", "0.0.0.0", "::":
		bindHost = "127.0.0.1"
	}
	return net.JoinHostPort(bindHost, port)
}

func loadOrCreateToken(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		if t := strings.TrimSpace(string(data)); t != "" {
			return t, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read admin token: %w", err)
	}
	t, err := newToken()
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(t+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write admin token: %w", err)
	}
	return t, nil
}
