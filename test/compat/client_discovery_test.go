package compat

import (
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/restmapper"
)

func TestDiscovery(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	disco := s.client.Discovery()

	t.Run("server version", func(t *testing.T) {
		v, err := disco.ServerVersion()
		if err != nil {
			t.Fatalf("ServerVersion: %s", statusOf(err))
		}
		if v.Major != "1" || v.Minor == "" || v.GitVersion == "" || v.Platform == "" {
			t.Errorf("ServerVersion = %+v; want major 1 and minor, gitVersion, platform set", v)
		}
	})

	groups, lists, err := disco.ServerGroupsAndResources()
	if err != nil {
		t.Fatalf("ServerGroupsAndResources: %s", statusOf(err))
	}

	t.Run("groups", func(t *testing.T) {
		got := map[string]string{}
		for _, g := range groups {
			got[g.Name] = g.PreferredVersion.GroupVersion
		}
		for name, want := range map[string]string{"": "v1", "apps": "apps/v1", "coordination.k8s.io": "coordination.k8s.io/v1"} {
			if got[name] != want {
				t.Errorf("group %q preferred version %q; want %q (groups: %v)", name, got[name], want, got)
			}
		}
	})

	resources := map[string]metav1.APIResource{} // "groupVersion resource"
	for _, l := range lists {
		for _, r := range l.APIResources {
			resources[l.GroupVersion+" "+r.Name] = r
		}
	}
	all := []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	tests := []struct {
		key        string
		kind       string
		namespaced bool
		shortNames []string
		verbs      []string
		group      string // of a subresource's kind, when not the resource's
	}{
		{key: "v1 pods", kind: "Pod", namespaced: true, shortNames: []string{"po"}, verbs: all},
		{key: "v1 pods/status", kind: "Pod", namespaced: true, verbs: []string{"get", "patch", "update"}},
		{key: "v1 pods/binding", kind: "Binding", namespaced: true, verbs: []string{"create"}},
		{key: "v1 nodes", kind: "Node", shortNames: []string{"no"}, verbs: all},
		{key: "v1 nodes/status", kind: "Node", verbs: []string{"get", "patch", "update"}},
		{key: "v1 namespaces", kind: "Namespace", shortNames: []string{"ns"}, verbs: []string{"create", "delete", "get", "list", "patch", "update", "watch"}},
		{key: "v1 namespaces/status", kind: "Namespace", verbs: []string{"get", "patch", "update"}},
		{key: "v1 namespaces/finalize", kind: "Namespace", verbs: []string{"update"}},
		{key: "v1 events", kind: "Event", namespaced: true, shortNames: []string{"ev"}, verbs: all},
		{key: "apps/v1 replicasets", kind: "ReplicaSet", namespaced: true, shortNames: []string{"rs"}, verbs: all},
		{key: "apps/v1 replicasets/status", kind: "ReplicaSet", namespaced: true, verbs: []string{"get", "patch", "update"}},
		{key: "apps/v1 replicasets/scale", kind: "Scale", namespaced: true, verbs: []string{"get", "patch", "update"}, group: "autoscaling"},
		{key: "coordination.k8s.io/v1 leases", kind: "Lease", namespaced: true, verbs: all},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			r, ok := resources[tc.key]
			if !ok {
				t.Fatalf("not served")
			}
			if r.Kind != tc.kind || r.Namespaced != tc.namespaced || r.Group != tc.group {
				t.Errorf("kind %q namespaced %v group %q; want %q %v %q", r.Kind, r.Namespaced, r.Group, tc.kind, tc.namespaced, tc.group)
			}
			if !slices.Equal(r.ShortNames, tc.shortNames) {
				t.Errorf("short names %v; want %v", r.ShortNames, tc.shortNames)
			}
			got := slices.Sorted(slices.Values(r.Verbs))
			if !slices.Equal(got, tc.verbs) {
				t.Errorf("verbs %v; want %v", got, tc.verbs)
			}
		})
	}

	t.Run("REST mapping of short names", func(t *testing.T) {
		cached := memory.NewMemCacheClient(disco)
		mapper := restmapper.NewShortcutExpander(restmapper.NewDeferredDiscoveryRESTMapper(cached), cached, func(string) {})
		for short, want := range map[string]schema.GroupVersionResource{
			"po": {Version: "v1", Resource: "pods"},
			"no": {Version: "v1", Resource: "nodes"},
			"ns": {Version: "v1", Resource: "namespaces"},
			"ev": {Version: "v1", Resource: "events"},
			"rs": {Group: "apps", Version: "v1", Resource: "replicasets"},
		} {
			got, err := mapper.ResourceFor(schema.GroupVersionResource{Resource: short})
			if err != nil {
				t.Errorf("ResourceFor(%s): %v", short, err)
				continue
			}
			if got != want {
				t.Errorf("ResourceFor(%s) = %v; want %v", short, got, want)
			}
		}
		m, err := mapper.RESTMapping(schema.GroupKind{Group: "coordination.k8s.io", Kind: "Lease"})
		if err != nil {
			t.Fatalf("RESTMapping(Lease): %v", err)
		}
		if m.Resource.Resource != "leases" || m.Scope.Name() != "namespace" {
			t.Errorf("Lease maps to %v scope %s; want leases, namespace", m.Resource, m.Scope.Name())
		}
	})

	t.Run("preferred resources", func(t *testing.T) {
		lists, err := discovery.ServerPreferredResources(disco)
		if err != nil {
			t.Fatalf("ServerPreferredResources: %v", err)
		}
		var got []string
		for _, l := range lists {
			for _, r := range l.APIResources {
				got = append(got, l.GroupVersion+" "+r.Name)
			}
		}
		for _, want := range []string{"v1 pods", "v1 nodes", "v1 namespaces", "v1 events", "apps/v1 replicasets", "coordination.k8s.io/v1 leases"} {
			if !slices.Contains(got, want) {
				t.Errorf("preferred resources %v lack %s", got, want)
			}
		}
	})
}
