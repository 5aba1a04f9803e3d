package apiserver

import (
	"net/http/httptest"
	"testing"
)

func TestParseRequestInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		url    string
		want   requestInfo
	}{
		{"core list all namespaces", "GET", "/api/v1/pods", requestInfo{IsResource: true, Verb: "list", Version: "v1", Resource: "pods"}},
		{"core list one namespace", "GET", "/api/v1/namespaces/default/pods", requestInfo{IsResource: true, Verb: "list", Version: "v1", Namespace: "default", Resource: "pods"}},
		{"watch param", "GET", "/api/v1/namespaces/default/pods?watch=true", requestInfo{IsResource: true, Verb: "watch", Version: "v1", Namespace: "default", Resource: "pods"}},
		{"legacy watch prefix", "GET", "/api/v1/watch/namespaces/default/pods", requestInfo{IsResource: true, Verb: "watch", Version: "v1", Namespace: "default", Resource: "pods"}},
		{"get", "GET", "/api/v1/namespaces/default/pods/web", requestInfo{IsResource: true, Verb: "get", Version: "v1", Namespace: "default", Resource: "pods", Name: "web"}},
		{"subresource", "PUT", "/api/v1/namespaces/default/pods/web/status", requestInfo{IsResource: true, Verb: "update", Version: "v1", Namespace: "default", Resource: "pods", Name: "web", Subresource: "status"}},
		{"binding", "POST", "/api/v1/namespaces/default/pods/web/binding", requestInfo{IsResource: true, Verb: "create", Version: "v1", Namespace: "default", Resource: "pods", Name: "web", Subresource: "binding"}},
		{"namespace itself", "GET", "/api/v1/namespaces/team", requestInfo{IsResource: true, Verb: "get", Version: "v1", Resource: "namespaces", Name: "team"}},
		{"namespace status", "PUT", "/api/v1/namespaces/team/status", requestInfo{IsResource: true, Verb: "update", Version: "v1", Resource: "namespaces", Name: "team", Subresource: "status"}},
		{"namespace list", "GET", "/api/v1/namespaces", requestInfo{IsResource: true, Verb: "list", Version: "v1", Resource: "namespaces"}},
		{"cluster scoped", "DELETE", "/api/v1/nodes/n1", requestInfo{IsResource: true, Verb: "delete", Version: "v1", Resource: "nodes", Name: "n1"}},
		{"group", "PATCH", "/apis/apps/v1/namespaces/default/replicasets/rs/scale", requestInfo{IsResource: true, Verb: "patch", Group: "apps", Version: "v1", Namespace: "default", Resource: "replicasets", Name: "rs", Subresource: "scale"}},
		{"deletecollection", "DELETE", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", requestInfo{IsResource: true, Verb: "deletecollection", Group: "coordination.k8s.io", Version: "v1", Namespace: "kube-node-lease", Resource: "leases"}},
		{"discovery", "GET", "/api/v1", requestInfo{}},
		{"group discovery", "GET", "/apis/apps/v1", requestInfo{}},
		{"health", "GET", "/healthz", requestInfo{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.url, nil)
			got := parseRequestInfo(r)
			tc.want.Path = r.URL.Path
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
