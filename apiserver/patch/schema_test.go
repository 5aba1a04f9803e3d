package patch

import (
	"strings"
	"testing"

	"github.com/orrery-dev/orrery/api/builtin"
)

// lookup follows a dotted path of field names ("[]" steps into list elements).
func lookup(s *Schema, path string) *Schema {
	for _, part := range strings.Split(path, ".") {
		if part == "[]" {
			s = s.elem()
			continue
		}
		s = s.field(part)
	}
	return s
}

func TestSchemaOf(t *testing.T) {
	t.Parallel()
	// Each row is checked against the patchStrategy and patchMergeKey tags of
	// k8s.io/api core/v1, apps/v1 and k8s.io/apimachinery meta/v1.
	tests := []struct {
		kind, path    string
		strategy, key string
	}{
		{"Pod", "metadata.finalizers", "merge", ""},
		{"Pod", "metadata.ownerReferences", "merge", "uid"},
		{"Pod", "metadata.managedFields", "", ""},
		{"Pod", "spec.containers", "merge", "name"},
		{"Pod", "spec.initContainers", "merge", "name"},
		{"Pod", "spec.ephemeralContainers", "merge", "name"},
		{"Pod", "spec.containers.[].ports", "merge", "containerPort"},
		{"Pod", "spec.containers.[].env", "merge", "name"},
		{"Pod", "spec.containers.[].volumeMounts", "merge", "mountPath"},
		{"Pod", "spec.containers.[].volumeDevices", "merge", "devicePath"},
		{"Pod", "spec.initContainers.[].env", "merge", "name"},
		{"Pod", "spec.containers.[].command", "", ""},
		{"Pod", "spec.containers.[].args", "", ""},
		{"Pod", "spec.containers.[].envFrom", "", ""},
		{"Pod", "spec.volumes", "merge,retainKeys", "name"},
		{"Pod", "spec.tolerations", "", ""},
		{"Pod", "spec.imagePullSecrets", "merge", "name"},
		{"Pod", "spec.hostAliases", "merge", "ip"},
		{"Pod", "spec.topologySpreadConstraints", "merge", "topologyKey"},
		{"Pod", "spec.schedulingGates", "merge", "name"},
		{"Pod", "spec.resourceClaims", "merge,retainKeys", "name"},
		{"Pod", "spec.readinessGates", "", ""},
		{"Pod", "status.conditions", "merge", "type"},
		{"Pod", "status.podIPs", "merge", "ip"},
		{"Pod", "status.hostIPs", "merge", "ip"},
		{"Pod", "status.containerStatuses", "", ""},
		{"Node", "metadata.finalizers", "merge", ""},
		{"Node", "spec.taints", "", ""},
		{"Node", "spec.podCIDRs", "merge", ""},
		{"Node", "status.conditions", "merge", "type"},
		{"Node", "status.addresses", "merge", "type"},
		{"Node", "status.images", "", ""},
		{"Namespace", "spec.finalizers", "", ""},
		{"Namespace", "status.conditions", "merge", "type"},
		{"Namespace", "metadata.ownerReferences", "merge", "uid"},
		{"ReplicaSet", "metadata.ownerReferences", "merge", "uid"},
		{"ReplicaSet", "spec.template.metadata.finalizers", "merge", ""},
		{"ReplicaSet", "spec.template.spec.containers", "merge", "name"},
		{"ReplicaSet", "spec.template.spec.containers.[].ports", "merge", "containerPort"},
		{"ReplicaSet", "spec.template.spec.volumes", "merge,retainKeys", "name"},
		{"ReplicaSet", "spec.template.spec.tolerations", "", ""},
		{"ReplicaSet", "spec.selector.matchExpressions", "", ""},
		{"ReplicaSet", "status.conditions", "merge", "type"},
		{"Event", "metadata.finalizers", "merge", ""},
		{"Lease", "metadata.ownerReferences", "merge", "uid"},
		{"Binding", "metadata.finalizers", "merge", ""},
		{"Scale", "metadata.finalizers", "merge", ""},
	}
	for _, tc := range tests {
		t.Run(tc.kind+"/"+tc.path, func(t *testing.T) {
			t.Parallel()
			s := schemaFor(tc.kind)
			if s == nil {
				t.Fatalf("no schema for %q", tc.kind)
			}
			got := lookup(s, tc.path)
			var strategy, key string
			if got != nil {
				strategy, key = got.PatchStrategy, got.PatchMergeKey
			}
			if strategy != tc.strategy || key != tc.key {
				t.Errorf("got strategy %q, merge key %q; want %q, %q", strategy, key, tc.strategy, tc.key)
			}
		})
	}
}

func TestSchemaOfNoRules(t *testing.T) {
	t.Parallel()
	s := SchemaOf(nil)
	if got := lookup(s, "metadata.ownerReferences"); got == nil || got.PatchMergeKey != "uid" {
		t.Errorf("metadata.ownerReferences: got %+v, want merged by uid", got)
	}
	if got := lookup(s, "spec.containers"); got != nil {
		t.Errorf("spec.containers without rules: got %+v, want no rule", got)
	}
}

// schemaFor is the schema of a built-in kind from its registration; Binding and
// Scale have metadata's rules alone.
func schemaFor(kind string) *Schema {
	for _, k := range builtin.Registry().Kinds() {
		if k.Kind == kind {
			return SchemaOf(k.MergeRules)
		}
	}
	return SchemaOf(nil)
}

func TestSchemaOfReturnsIndependentSchemas(t *testing.T) {
	t.Parallel()
	a, b := schemaFor("Pod"), schemaFor("Pod")
	a.Fields["spec"].Fields["tolerations"] = &Schema{PatchStrategy: StrategyMerge, PatchMergeKey: "key"}
	if lookup(b, "spec.tolerations") != nil {
		t.Error("modifying one schema changed another")
	}
}

func TestSchemaStrategy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		strategy string
		want     string
		wantErr  bool
	}{
		{"", "", false},
		{"merge", "merge", false},
		{"replace", "replace", false},
		{"retainKeys", "", false},
		{"merge,retainKeys", "merge", false},
		{"retainKeys,merge", "merge", false},
		{"merge,replace", "", true},
		{"merge,retainKeys,replace", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.strategy, func(t *testing.T) {
			t.Parallel()
			got, err := (&Schema{PatchStrategy: tc.strategy}).strategy()
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("got %q, %v; want %q, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestStrategicMergePatchWithBadSchema(t *testing.T) {
	t.Parallel()
	s := &Schema{Fields: map[string]*Schema{"a": {PatchStrategy: "merge,replace"}}}
	_, err := StrategicMergePatch([]byte(`{"a":[1]}`), []byte(`{"a":[2]}`), s)
	if err == nil || classOf(err) != nil {
		t.Errorf("got error %v (class %v), want an unclassified error", err, classOf(err))
	}
}
