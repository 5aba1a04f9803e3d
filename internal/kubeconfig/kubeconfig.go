// Package kubeconfig reads and writes kubeconfig files in the format kubectl and
// client-go use (apiVersion v1, kind Config).
package kubeconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// Config is a kubeconfig file.
type Config struct {
	APIVersion     string         `json:"apiVersion"`
	Kind           string         `json:"kind"`
	Clusters       []NamedCluster `json:"clusters"`
	Users          []NamedUser    `json:"users"`
	Contexts       []NamedContext `json:"contexts"`
	CurrentContext string         `json:"current-context"`
	Preferences    struct{}       `json:"preferences"`
}

// NamedCluster is a cluster entry.
type NamedCluster struct {
	Name    string  `json:"name"`
	Cluster Cluster `json:"cluster"`
}

// Cluster says where a cluster is and how to trust it.
type Cluster struct {
	Server                   string `json:"server"`
	CertificateAuthority     string `json:"certificate-authority,omitempty"`
	CertificateAuthorityData []byte `json:"certificate-authority-data,omitempty"`
	InsecureSkipTLSVerify    bool   `json:"insecure-skip-tls-verify,omitempty"`
	TLSServerName            string `json:"tls-server-name,omitempty"`
}

// NamedUser is a user entry.
type NamedUser struct {
	Name string   `json:"name"`
	User AuthInfo `json:"user"`
}

// AuthInfo says how a user authenticates.
type AuthInfo struct {
	Token                 string `json:"token,omitempty"`
	TokenFile             string `json:"tokenFile,omitempty"`
	ClientCertificate     string `json:"client-certificate,omitempty"`
	ClientCertificateData []byte `json:"client-certificate-data,omitempty"`
	ClientKey             string `json:"client-key,omitempty"`
	ClientKeyData         []byte `json:"client-key-data,omitempty"`
	Username              string `json:"username,omitempty"`
	Password              string `json:"password,omitempty"`
}

// NamedContext is a context entry.
type NamedContext struct {
	Name    string  `json:"name"`
	Context Context `json:"context"`
}

// Context pairs a cluster with a user and a default namespace.
type Context struct {
	Cluster   string `json:"cluster"`
	AuthInfo  string `json:"user"`
	Namespace string `json:"namespace,omitempty"`
}

// ForServer is the kubeconfig of one user (authenticating with token) on one server
// whose certificates are signed by the PEM-encoded caPEM.
func ForServer(name, server string, caPEM []byte, user, token string) *Config {
	return &Config{
		APIVersion:     "v1",
		Kind:           "Config",
		Clusters:       []NamedCluster{{Name: name, Cluster: Cluster{Server: server, CertificateAuthorityData: caPEM}}},
		Users:          []NamedUser{{Name: user, User: AuthInfo{Token: token}}},
		Contexts:       []NamedContext{{Name: name, Context: Context{Cluster: name, AuthInfo: user}}},
		CurrentContext: name,
	}
}

// Write writes cfg to path with mode 0600 (it holds credentials), atomically.
func Write(path string, cfg *Config) error {
	data, err := yaml.Marshal(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kubeconfig.tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Load reads a kubeconfig file. Relative file paths in it are made relative to the
// file's directory, as kubectl does.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cfg Config
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("parse kubeconfig %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	for i := range cfg.Clusters {
		abs(&cfg.Clusters[i].Cluster.CertificateAuthority)
	}
	for i := range cfg.Users {
		u := &cfg.Users[i].User
		abs(&u.ClientCertificate)
		abs(&u.ClientKey)
		abs(&u.TokenFile)
	}
	return &cfg, nil
}

// Resolved is what a client needs from one context of a kubeconfig.
type Resolved struct {
	Server        string
	CAData        []byte // PEM; nil means the system roots
	Insecure      bool
	TLSServerName string
	Token         string
	CertData      []byte // PEM client certificate, with KeyData
	KeyData       []byte
	Username      string
	Password      string
	Namespace     string // "" means "default"
}

// Resolve returns the settings of the named context ("" for the current one), with
// every file it names read.
func (c *Config) Resolve(contextName string) (*Resolved, error) {
	if contextName == "" {
		contextName = c.CurrentContext
	}
	if contextName == "" {
		return nil, errors.New("kubeconfig has no current context")
	}
	var ctx *Context
	for i := range c.Contexts {
		if c.Contexts[i].Name == contextName {
			ctx = &c.Contexts[i].Context
		}
	}
	if ctx == nil {
		return nil, fmt.Errorf("context %q not found in kubeconfig", contextName)
	}
	var cluster *Cluster
	for i := range c.Clusters {
		if c.Clusters[i].Name == ctx.Cluster {
			cluster = &c.Clusters[i].Cluster
		}
	}
	if cluster == nil {
		return nil, fmt.Errorf("cluster %q of context %q not found in kubeconfig", ctx.Cluster, contextName)
	}
	r := &Resolved{Server: cluster.Server, CAData: cluster.CertificateAuthorityData, Insecure: cluster.InsecureSkipTLSVerify,
		TLSServerName: cluster.TLSServerName, Namespace: ctx.Namespace}
	var err error
	if r.CAData == nil && cluster.CertificateAuthority != "" {
		if r.CAData, err = os.ReadFile(cluster.CertificateAuthority); err != nil {
			return nil, fmt.Errorf("read certificate-authority: %w", err)
		}
	}
	if ctx.AuthInfo != "" {
		var user *AuthInfo
		for i := range c.Users {
			if c.Users[i].Name == ctx.AuthInfo {
				user = &c.Users[i].User
			}
		}
		if user == nil {
			return nil, fmt.Errorf("user %q of context %q not found in kubeconfig", ctx.AuthInfo, contextName)
		}
		r.Token, r.Username, r.Password = user.Token, user.Username, user.Password
		r.CertData, r.KeyData = user.ClientCertificateData, user.ClientKeyData
		if r.Token == "" && user.TokenFile != "" {
			b, err := os.ReadFile(user.TokenFile)
			if err != nil {
				return nil, fmt.Errorf("read tokenFile: %w", err)
			}
			r.Token = string(trimSpace(b))
		}
		if r.CertData == nil && user.ClientCertificate != "" {
			if r.CertData, err = os.ReadFile(user.ClientCertificate); err != nil {
				return nil, fmt.Errorf("read client-certificate: %w", err)
			}
		}
		if r.KeyData == nil && user.ClientKey != "" {
			if r.KeyData, err = os.ReadFile(user.ClientKey); err != nil {
				return nil, fmt.Errorf("read client-key: %w", err)
			}
		}
	}
	if r.Server == "" {
		return nil, fmt.Errorf("cluster %q has no server", ctx.Cluster)
	}
	return r, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}
