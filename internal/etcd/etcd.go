// Package etcd starts an embedded, single-member etcd server for Orrery, or connects to
// an external cluster, and hands out clients to it.
//
// The embedded server listens only on loopback, on ports the kernel picks, so any number
// of servers (one per test) run side by side. Start returns once the server is ready to
// serve; Close stops it and waits until its goroutines have exited.
package etcd

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"go.etcd.io/etcd/server/v3/etcdserver/api/v3client"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/orrery-dev/orrery/internal/logging"
)

// Config says how to start an embedded etcd server.
type Config struct {
	// DataDir holds the server's data. Required.
	DataDir string
	// Logger receives etcd's logs at warn level and above. Nil means no logs.
	Logger *zap.Logger
	// ProgressNotifyInterval is how often etcd sends progress notifications to watches
	// that ask for them. Zero means 5 seconds.
	ProgressNotifyInterval time.Duration
	// StartTimeout bounds how long Start waits for the server to be ready. Zero means 60 seconds.
	StartTimeout time.Duration
	// UnsafeNoFsync skips fsync: faster, and loses data on a machine crash. For tests.
	UnsafeNoFsync bool
}

// Server is a running embedded etcd server.
type Server struct {
	etcd      *embed.Etcd
	endpoints []string
}

// Start starts an embedded etcd server and waits until it is ready or ctx ends.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("etcd: DataDir is required")
	}
	if cfg.ProgressNotifyInterval == 0 {
		cfg.ProgressNotifyInterval = 5 * time.Second
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 60 * time.Second
	}
	logger := cfg.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	logger = logging.AtLeast(logger.Named("etcd"), zap.WarnLevel).WithOptions(
		zap.WrapCore(func(c zapcore.Core) zapcore.Core { return quietShutdown{c} }))

	// etcd wants its data private to its user.
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create etcd data dir: %w", err)
	}
	if err := os.Chmod(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("etcd data dir: %w", err)
	}
	ec := embed.NewConfig()
	ec.Name = "orrery"
	ec.Dir = cfg.DataDir
	loopback := url.URL{Scheme: "http", Host: "127.0.0.1:0"}
	ec.ListenClientUrls = []url.URL{loopback}
	ec.AdvertiseClientUrls = []url.URL{loopback}
	ec.ListenPeerUrls = []url.URL{loopback}
	ec.AdvertisePeerUrls = []url.URL{loopback}
	ec.InitialCluster = ec.InitialClusterFromName(ec.Name)
	ec.Logger = "zap"
	ec.ZapLoggerBuilder = embed.NewZapLoggerBuilder(logger)
	ec.LogLevel = "warn"
	ec.WatchProgressNotifyInterval = cfg.ProgressNotifyInterval
	ec.UnsafeNoFsync = cfg.UnsafeNoFsync
	ec.WarningUnaryRequestDuration = embed.DefaultWarningUnaryRequestDuration
	// No metrics listener, no pprof, no gRPC gateway: only the client API.
	ec.EnableGRPCGateway = false

	e, err := embed.StartEtcd(ec)
	if err != nil {
		return nil, fmt.Errorf("start embedded etcd in %s: %w", cfg.DataDir, err)
	}
	timer := time.NewTimer(cfg.StartTimeout)
	defer timer.Stop()
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("embedded etcd failed while starting: %w", err)
	case <-timer.C:
		e.Close()
		return nil, fmt.Errorf("embedded etcd not ready after %s", cfg.StartTimeout)
	case <-ctx.Done():
		e.Close()
		return nil, ctx.Err()
	}
	s := &Server{etcd: e}
	for _, l := range e.Clients {
		s.endpoints = append(s.endpoints, "http://"+l.Addr().String())
	}
	return s, nil
}

// Endpoints returns the client URLs the server listens on.
func (s *Server) Endpoints() []string { return append([]string(nil), s.endpoints...) }

// Err reports a fatal error of the running server; it is closed when the server stops.
func (s *Server) Err() <-chan error { return s.etcd.Err() }

// Client returns a client of the server in the same process: its calls go straight to
// the server's API, with no connection, no gRPC framing and no copies of the messages
// through a socket. It has the semantics of a client over the network (a single
// member is always its own leader). The caller closes it before the server.
func (s *Server) Client() *clientv3.Client { return v3client.New(s.etcd.Server) }

// Close stops the server and waits for it to exit. It is safe to call more than once.
func (s *Server) Close() {
	s.etcd.Close()
}

// ClientConfig says how to connect to etcd.
type ClientConfig struct {
	// Endpoints are the etcd client URLs. Required.
	Endpoints []string
	// Logger receives the client's logs at warn level and above. Nil means no logs.
	Logger *zap.Logger
	// DialTimeout bounds the first connection. Zero means 10 seconds.
	DialTimeout time.Duration
}

// NewClient connects to etcd and checks that it answers. The caller closes the client.
func NewClient(ctx context.Context, cfg ClientConfig) (*clientv3.Client, error) {
	if len(cfg.Endpoints) == 0 {
		return nil, errors.New("etcd: no endpoints")
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = 10 * time.Second
	}
	logger := cfg.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	c, err := clientv3.New(clientv3.Config{
		Endpoints:            cfg.Endpoints,
		DialTimeout:          cfg.DialTimeout,
		DialKeepAliveTime:    30 * time.Second,
		DialKeepAliveTimeout: 10 * time.Second,
		Logger:               logging.AtLeast(logger.Named("etcd-client"), zap.WarnLevel),
		MaxCallRecvMsgSize:   256 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("connect to etcd %v: %w", cfg.Endpoints, err)
	}
	checkCtx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	defer cancel()
	if _, err := c.Get(checkCtx, "health-check", clientv3.WithCountOnly()); err != nil {
		c.Close()
		return nil, fmt.Errorf("etcd %v does not answer: %w", cfg.Endpoints, err)
	}
	return c, nil
}
