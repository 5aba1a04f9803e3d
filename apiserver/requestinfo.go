package apiserver

import (
	"net/http"
	"strings"
)

// requestInfo is what the URL and method of a request say about it.
type requestInfo struct {
	// IsResource is false for non-resource paths (/healthz, /api, discovery).
	IsResource  bool
	Verb        string // get, list, watch, create, update, patch, delete, deletecollection
	Group       string
	Version     string
	Namespace   string
	Resource    string
	Name        string
	Subresource string
	Path        string
}

// parseRequestInfo splits a resource URL as Kubernetes lays them out:
//
//	/api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
//	/apis/{group}/{version}[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
//	/api/v1/watch/... (the legacy watch prefix)
func parseRequestInfo(r *http.Request) requestInfo {
	info := requestInfo{Path: r.URL.Path}
	parts := splitPath(r.URL.Path)
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		info.Version = parts[1]
		parts = parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		info.Group, info.Version = parts[1], parts[2]
		parts = parts[3:]
	default:
		return info
	}
	info.IsResource = true
	legacyWatch := false
	if parts[0] == "watch" {
		legacyWatch = true
		parts = parts[1:]
	}
	if len(parts) == 0 {
		info.IsResource = false
		return info
	}
	// /namespaces/{ns}/{resource}... is inside a namespace, but /namespaces/{name},
	// /namespaces/{name}/status and /namespaces/{name}/finalize are the namespace itself.
	if parts[0] == "namespaces" && len(parts) >= 3 && !(len(parts) == 3 && (parts[2] == "status" || parts[2] == "finalize")) {
		info.Namespace = parts[1]
		parts = parts[2:]
	}
	info.Resource = parts[0]
	if len(parts) >= 2 {
		info.Name = parts[1]
	}
	if len(parts) >= 3 {
		info.Subresource = strings.Join(parts[2:], "/")
	}

	q := r.URL.Query()
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		switch {
		case info.Name == "" && (legacyWatch || isTrue(q.Get("watch"))):
			info.Verb = "watch"
		case info.Name == "":
			info.Verb = "list"
		case legacyWatch:
			info.Verb = "watch"
		default:
			info.Verb = "get"
		}
	case http.MethodPost:
		info.Verb = "create"
	case http.MethodPut:
		info.Verb = "update"
	case http.MethodPatch:
		info.Verb = "patch"
	case http.MethodDelete:
		if info.Name == "" {
			info.Verb = "deletecollection"
		} else {
			info.Verb = "delete"
		}
	default:
		info.Verb = strings.ToLower(r.Method)
	}
	return info
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func isTrue(s string) bool { return s == "true" || s == "1" }

// isReadOnly reports whether a verb changes nothing (for the in-flight limits).
func isReadOnly(verb string) bool {
	switch verb {
	case "get", "list", "watch", "":
		return true
	}
	return false
}
