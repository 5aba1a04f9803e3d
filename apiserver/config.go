package apiserver

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
)

// Config says how to run an apiserver. The zero value of each field is documented;
// DataDir is the only required one.
type Config struct {
	// DataDir holds the server's state: the embedded etcd's data (etcd/), the generated
	// CA and serving certificate (pki/) and the admin token. Required.
	DataDir string
	// BindAddress is host:port to serve HTTPS on. Empty means "127.0.0.1:6443"; port 0
	// picks a free port (Server.URL tells which).
	BindAddress string
	// ExtraSANs are additional host names or IPs for the serving certificate; 127.0.0.1,
	// localhost and the bind host are always included.
	ExtraSANs []string
	// KubeconfigPath is where the admin kubeconfig is written (mode 0600). Empty means
	// <DataDir>/kubeconfig.
	KubeconfigPath string
	// EtcdServers are the client URLs of an external etcd cluster. Empty means an
	// embedded etcd in <DataDir>/etcd.
	EtcdServers []string
	// EtcdPrefix is the key prefix of everything stored. Empty means "/registry".
	EtcdPrefix string
	// TokenAuthFile is a static token file (token,user,uid,"group1,group2" per line)
	// whose users may authenticate besides the generated admin.
	TokenAuthFile string
	// MaxRequestsInFlight bounds concurrent read requests (watches excluded); beyond it
	// requests get 429. Zero means 400.
	MaxRequestsInFlight int
	// MaxMutatingRequestsInFlight bounds concurrent writes. Zero means 200.
	MaxMutatingRequestsInFlight int
	// MaxWatches bounds open watches. Zero means 10000.
	MaxWatches int
	// MaxRequestBodyBytes bounds a request body; larger ones get 413. Zero means 3 MiB.
	MaxRequestBodyBytes int64
	// CompactionInterval is how often etcd history is compacted. Zero means 5 minutes;
	// negative disables compaction (for an etcd compacted by someone else).
	CompactionInterval time.Duration
	// MinWatchTimeout and MaxWatchTimeout bound the server-chosen timeout of watches
	// that give no timeoutSeconds. Zero means 30 and 60 minutes.
	MinWatchTimeout, MaxWatchTimeout time.Duration
	// ShutdownTimeout bounds how long in-flight requests may finish on shutdown. Zero
	// means 60 seconds.
	ShutdownTimeout time.Duration
	// EventTTL is how long objects of kinds that expire (Events) are kept after their
	// last write; they are then deleted (a DELETED event for watchers). Zero means one
	// hour, as Kubernetes' --event-ttl; negative means they never expire.
	EventTTL time.Duration
	// DisableWatchCache serves every read from etcd instead of from the watch caches.
	DisableWatchCache bool
	// WatchBookmarkInterval is how often a watch that allows bookmarks gets one from the
	// watch cache. Zero means one minute.
	WatchBookmarkInterval time.Duration
	// EtcdProgressNotifyInterval is how often the embedded etcd sends progress
	// notifications (watch bookmarks). Zero means 5 seconds.
	EtcdProgressNotifyInterval time.Duration
	// Registry holds the kinds the server serves: the built-in ones and any a program
	// registers. Nil means api/builtin's. The server reads it when it starts.
	Registry *api.Registry
	// DefaultNotReadyTolerationSeconds and DefaultUnreachableTolerationSeconds are the
	// tolerationSeconds of the not-ready and unreachable NoExecute tolerations pods get
	// on create (Kubernetes' DefaultTolerationSeconds admission). Nil means 300. They
	// tune the built-in registry made when Registry is nil; a program that gives its own
	// Registry tunes it with builtin.RegistryWith instead.
	DefaultNotReadyTolerationSeconds, DefaultUnreachableTolerationSeconds *int64
	// Logger receives the server's logs. Nil means no logs.
	Logger *zap.Logger
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
}

// withDefaults returns a copy of c with zero values replaced by defaults, or an error
// naming the bad setting.
func (c Config) withDefaults() (Config, error) {
	if c.DataDir == "" {
		return c, errors.New("apiserver: --data-dir is required")
	}
	if c.BindAddress == "" {
		c.BindAddress = "127.0.0.1:6443"
	}
	if _, _, err := net.SplitHostPort(c.BindAddress); err != nil {
		return c, fmt.Errorf("apiserver: bad bind address %q: %w", c.BindAddress, err)
	}
	if c.KubeconfigPath == "" {
		c.KubeconfigPath = filepath.Join(c.DataDir, "kubeconfig")
	}
	if c.EtcdPrefix == "" {
		c.EtcdPrefix = "/registry"
	}
	if c.MaxRequestsInFlight == 0 {
		c.MaxRequestsInFlight = 400
	}
	if c.MaxMutatingRequestsInFlight == 0 {
		c.MaxMutatingRequestsInFlight = 200
	}
	if c.MaxWatches == 0 {
		c.MaxWatches = 10000
	}
	if c.MaxRequestsInFlight < 0 || c.MaxMutatingRequestsInFlight < 0 || c.MaxWatches < 0 {
		return c, errors.New("apiserver: in-flight limits must be positive")
	}
	if c.MaxRequestBodyBytes == 0 {
		c.MaxRequestBodyBytes = 3 << 20
	}
	if c.CompactionInterval == 0 {
		c.CompactionInterval = 5 * time.Minute
	}
	if c.MinWatchTimeout == 0 {
		c.MinWatchTimeout = 30 * time.Minute
	}
	if c.MaxWatchTimeout == 0 {
		c.MaxWatchTimeout = 60 * time.Minute
	}
	if c.MaxWatchTimeout < c.MinWatchTimeout {
		return c, errors.New("apiserver: MaxWatchTimeout is below MinWatchTimeout")
	}
	if c.EventTTL == 0 {
		c.EventTTL = time.Hour
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 60 * time.Second
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	switch {
	case c.Registry == nil:
		r, err := builtin.RegistryWith(builtin.Options{
			DefaultNotReadyTolerationSeconds:    c.DefaultNotReadyTolerationSeconds,
			DefaultUnreachableTolerationSeconds: c.DefaultUnreachableTolerationSeconds,
		})
		if err != nil {
			return c, fmt.Errorf("apiserver: %w", err)
		}
		c.Registry = r
	case c.DefaultNotReadyTolerationSeconds != nil || c.DefaultUnreachableTolerationSeconds != nil:
		return c, errors.New("apiserver: default toleration seconds tune the built-in registry; with a Registry of your own, pass them to builtin.RegistryWith")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}
