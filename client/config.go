package client

import (
	"errors"
	"fmt"
	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/internal/kubeconfig"
)

// Config says where an apiserver is and how to talk to it. Host is the only required
// field; the zero value of each other field is documented.
type Config struct {
	// Host is the server's base URL: "https://127.0.0.1:6443". Required.
	Host string
	// CAData is the PEM bundle that signs the server's certificate. Nil means the
	// system roots.
	CAData []byte
	// Insecure skips verification of the server's certificate.
	Insecure bool
	// TLSServerName is the name to verify the server's certificate against. Empty
	// means the host of Host.
	TLSServerName string
	// BearerToken authenticates every request ("Authorization: Bearer ...").
	BearerToken string
	// CertData and KeyData are a PEM client certificate and its key, for TLS client
	// authentication. Both or neither.
	CertData, KeyData []byte
	// Username and Password authenticate with HTTP basic auth when there is no token.
	Username, Password string
	// Namespace is the default namespace of the kubeconfig context; "" means "default".
	// Typed clients do not use it implicitly; it is here for callers that want it.
	Namespace string
	// QPS is the sustained rate of requests. Zero means 50; negative means no limit.
	QPS float64
	// Burst is how many requests may go at once above QPS. Zero means 100.
	Burst int
	// Timeout bounds each attempt of a request other than a watch. Zero means 30
	// seconds; negative means no bound besides the request's context.
	Timeout time.Duration
	// MaxRetries is how often a 429 or 5xx response with Retry-After is retried. Zero
	// means 10; negative means never.
	MaxRetries int
	// UserAgent is sent with every request. Empty means "orrery-client".
	UserAgent string
	// Transport carries the requests. Nil means an HTTP/2-capable transport built from
	// the TLS settings above (which are then ignored when Transport is set).
	Transport http.RoundTripper
	// Registry holds the kinds the client knows (Resource finds a type's resource
	// there): the built-in ones and any a program registers. Nil means api/builtin's.
	Registry *api.Registry
	// Logger receives debug logs of retries. Nil means no logs.
	Logger *zap.Logger
	// DisableProtobuf makes the client speak JSON only. By default, for the kinds
	// whose registration has a protobuf message, it sends objects in Kubernetes'
	// protobuf encoding, asks for it (with JSON as the fallback) and decodes objects,
	// lists and watch events straight into the Go types; kinds without one go as JSON.
	DisableProtobuf bool
}

// LoadConfig reads a kubeconfig and returns the Config of its named context ("" means
// the current one). An empty path means $KUBECONFIG (its first entry) or
// ~/.kube/config. Tokens, certificates and CA bundles named as files are read.
func LoadConfig(path, context string) (Config, error) {
	if path == "" {
		path = defaultKubeconfigPath()
		if path == "" {
			return Config{}, errors.New("no kubeconfig: $KUBECONFIG is empty and there is no home directory")
		}
	}
	kc, err := kubeconfig.Load(path)
	if err != nil {
		return Config{}, fmt.Errorf("load kubeconfig: %w", err)
	}
	r, err := kc.Resolve(context)
	if err != nil {
		return Config{}, fmt.Errorf("kubeconfig %s: %w", path, err)
	}
	return Config{
		Host:          r.Server,
		CAData:        r.CAData,
		Insecure:      r.Insecure,
		TLSServerName: r.TLSServerName,
		BearerToken:   r.Token,
		CertData:      r.CertData,
		KeyData:       r.KeyData,
		Username:      r.Username,
		Password:      r.Password,
		Namespace:     r.Namespace,
	}, nil
}

func defaultKubeconfigPath() string {
	if env := os.Getenv("KUBECONFIG"); env != "" {
		return filepath.SplitList(env)[0]
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".kube", "config")
}

// withDefaults fills the zero values.
func (c Config) withDefaults() (Config, error) {
	if c.Host == "" {
		return c, errors.New("client: Host is required")
	}
	if (c.CertData == nil) != (c.KeyData == nil) {
		return c, errors.New("client: CertData and KeyData go together")
	}
	if c.Registry == nil {
		c.Registry = builtin.Registry()
	}
	if c.QPS == 0 {
		c.QPS = 50
	}
	if c.Burst <= 0 {
		c.Burst = 100
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 10
	}
	if c.UserAgent == "" {
		c.UserAgent = "orrery-client"
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	return c, nil
}
