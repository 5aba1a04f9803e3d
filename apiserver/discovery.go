package apiserver

import (
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/orrery-dev/orrery/api"
)

// Discovery documents, in Kubernetes' JSON shapes.
type apiVersions struct {
	Kind                       string                      `json:"kind"`
	Versions                   []string                    `json:"versions"`
	ServerAddressByClientCIDRs []serverAddressByClientCIDR `json:"serverAddressByClientCIDRs"`
}

type serverAddressByClientCIDR struct {
	ClientCIDR    string `json:"clientCIDR"`
	ServerAddress string `json:"serverAddress"`
}

type apiGroupList struct {
	Kind       string     `json:"kind"`
	APIVersion string     `json:"apiVersion"`
	Groups     []apiGroup `json:"groups"`
}

type apiGroup struct {
	Kind             string                 `json:"kind,omitempty"`
	APIVersion       string                 `json:"apiVersion,omitempty"`
	Name             string                 `json:"name"`
	Versions         []groupVersionForDisco `json:"versions"`
	PreferredVersion groupVersionForDisco   `json:"preferredVersion"`
}

type groupVersionForDisco struct {
	GroupVersion string `json:"groupVersion"`
	Version      string `json:"version"`
}

type apiResourceList struct {
	Kind         string        `json:"kind"`
	APIVersion   string        `json:"apiVersion"`
	GroupVersion string        `json:"groupVersion"`
	Resources    []apiResource `json:"resources"`
}

type apiResource struct {
	Name         string   `json:"name"`
	SingularName string   `json:"singularName"`
	Namespaced   bool     `json:"namespaced"`
	Group        string   `json:"group,omitempty"`
	Version      string   `json:"version,omitempty"`
	Kind         string   `json:"kind"`
	Verbs        []string `json:"verbs"`
	ShortNames   []string `json:"shortNames,omitempty"`
	Categories   []string `json:"categories,omitempty"`
}

// versionInfo is what /version answers: Orrery speaks the API of this Kubernetes release.
type versionInfo struct {
	Major        string `json:"major"`
	Minor        string `json:"minor"`
	GitVersion   string `json:"gitVersion"`
	GitCommit    string `json:"gitCommit"`
	GitTreeState string `json:"gitTreeState"`
	BuildDate    string `json:"buildDate"`
	GoVersion    string `json:"goVersion"`
	Compiler     string `json:"compiler"`
	Platform     string `json:"platform"`
}

// subresourceVerbs are the verbs of each subresource.
var subresourceVerbs = map[string][]string{
	"status":   {"get", "patch", "update"},
	"scale":    {"get", "patch", "update"},
	"binding":  {"create"},
	"eviction": {"create"},
	"finalize": {"update"},
}

// subresourceKind is the kind a subresource speaks, where it is not the resource's own.
var subresourceKind = map[string]struct{ group, version, kind string }{
	"scale":    {"autoscaling", "v1", "Scale"},
	"binding":  {"", "", "Binding"},
	"eviction": {"policy", "v1", "Eviction"},
}

func (s *Server) serveNonResource(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeStatus(w, api.NewStatus(http.StatusMethodNotAllowed, api.StatusReasonMethodNotAllowed,
			"the server does not allow this method on the requested resource"))
		return
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/healthz" || path == "/livez" || path == "/readyz":
		s.serveHealth(w, r, path)
	case path == "/version":
		writeJSON(w, http.StatusOK, versionInfo{Major: "1", Minor: "32", GitVersion: "v1.32.0-orrery", GitTreeState: "clean",
			BuildDate: "2026-01-01T00:00:00Z", GoVersion: goVersion(), Compiler: "gc", Platform: platform()})
	case path == "/debug/pprof" || strings.HasPrefix(path, "/debug/pprof/"):
		s.servePprof(w, r, path)
	case path == "/metrics":
		promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	case path == "/api":
		host := r.Host
		if _, _, err := net.SplitHostPort(host); err != nil {
			host = strings.TrimPrefix(s.url, "https://")
		}
		writeJSON(w, http.StatusOK, apiVersions{Kind: "APIVersions", Versions: []string{"v1"},
			ServerAddressByClientCIDRs: []serverAddressByClientCIDR{{ClientCIDR: "0.0.0.0/0", ServerAddress: host}}})
	case path == "/apis":
		writeJSON(w, http.StatusOK, apiGroupList{Kind: "APIGroupList", APIVersion: "v1", Groups: s.groups()})
	case path == "/api/v1":
		s.serveResourceList(w, "", "v1")
	case strings.HasPrefix(path, "/apis/"):
		parts := splitPath(path)
		switch len(parts) {
		case 2:
			for _, g := range s.groups() {
				if g.Name == parts[1] {
					g.Kind, g.APIVersion = "APIGroup", "v1"
					writeJSON(w, http.StatusOK, g)
					return
				}
			}
		case 3:
			s.serveResourceList(w, parts[1], parts[2])
			return
		}
		writeNotFound(w, r)
	case strings.HasPrefix(path, "/openapi/"):
		s.serveOpenAPI(w, r)
	default:
		writeNotFound(w, r)
	}
}

func writeNotFound(w http.ResponseWriter, r *http.Request) {
	writeStatus(w, api.NewStatus(http.StatusNotFound, api.StatusReasonNotFound, "the server could not find the requested resource"))
}

func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request, path string) {
	select {
	case <-s.shutdown:
		if path != "/livez" {
			http.Error(w, "[-]shutdown failed: reason withheld\n"+path[1:]+" check failed", http.StatusInternalServerError)
			return
		}
	default:
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if _, verbose := r.URL.Query()["verbose"]; verbose {
		w.Write([]byte("[+]ping ok\n[+]etcd ok\n[+]shutdown ok\n" + path[1:] + " check passed\n"))
		return
	}
	w.Write([]byte("ok"))
}

// groups lists the named API groups the server serves (the core group is /api).
func (s *Server) groups() []apiGroup {
	var out []apiGroup
	for _, k := range s.cfg.Registry.Kinds() {
		if k.Group == "" || slices.ContainsFunc(out, func(g apiGroup) bool { return g.Name == k.Group }) {
			continue
		}
		gv := groupVersionForDisco{GroupVersion: k.Group + "/" + k.Version, Version: k.Version}
		out = append(out, apiGroup{Name: k.Group, Versions: []groupVersionForDisco{gv}, PreferredVersion: gv})
	}
	return out
}

func (s *Server) serveResourceList(w http.ResponseWriter, group, version string) {
	gv := version
	if group != "" {
		gv = group + "/" + version
	}
	list := apiResourceList{Kind: "APIResourceList", APIVersion: "v1", GroupVersion: gv, Resources: []apiResource{}}
	found := false
	for _, k := range s.cfg.Registry.Kinds() {
		if k.Group != group || k.Version != version {
			continue
		}
		found = true
		list.Resources = append(list.Resources, apiResource{
			Name: k.Resource, SingularName: k.SingularName, Namespaced: k.Namespaced, Kind: k.Kind,
			Verbs: k.Verbs, ShortNames: k.ShortNames, Categories: k.Categories,
		})
		for _, sub := range k.Subresources {
			res := apiResource{Name: k.Resource + "/" + sub, Namespaced: k.Namespaced, Kind: k.Kind, Verbs: subresourceVerbs[sub]}
			if sk, ok := subresourceKind[sub]; ok {
				res.Group, res.Version, res.Kind = sk.group, sk.version, sk.kind
			}
			list.Resources = append(list.Resources, res)
		}
	}
	if !found {
		writeStatus(w, api.NewStatus(http.StatusNotFound, api.StatusReasonNotFound, "the server could not find the requested resource"))
		return
	}
	writeJSON(w, http.StatusOK, list)
}
