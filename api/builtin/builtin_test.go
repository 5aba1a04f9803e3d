package builtin

import (
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orrery-dev/orrery/api"
)

func TestKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		resource   string
		group      string
		apiVersion string
		kind       string
		namespaced bool
		shortNames []string
		categories []string
	}{
		{"pods", "", "v1", "Pod", true, []string{"po"}, []string{"all"}},
		{"nodes", "", "v1", "Node", false, []string{"no"}, nil},
		{"namespaces", "", "v1", "Namespace", false, []string{"ns"}, nil},
		{"events", "", "v1", "Event", true, []string{"ev"}, nil},
		{"replicasets", "apps", "apps/v1", "ReplicaSet", true, []string{"rs"}, []string{"all"}},
		{"leases", "coordination.k8s.io", "coordination.k8s.io/v1", "Lease", true, nil, nil},
		{"deployments", "apps", "apps/v1", "Deployment", true, []string{"deploy"}, []string{"all"}},
		{"poddisruptionbudgets", "policy", "policy/v1", "PodDisruptionBudget", true, []string{"pdb"}, nil},
	}
	reg := Registry()
	if got, want := len(reg.Kinds()), len(tests); got != want {
		t.Fatalf("len(Kinds()) = %d, want %d", got, want)
	}
	for _, tt := range tests {
		t.Run(tt.resource, func(t *testing.T) {
			t.Parallel()
			k, ok := reg.ByResource(tt.group, tt.resource)
			if !ok {
				t.Fatalf("KindByResource(%q, %q) not found", tt.group, tt.resource)
			}
			if k.Kind != tt.kind || k.APIVersion() != tt.apiVersion || k.Namespaced != tt.namespaced ||
				k.ListKind != tt.kind+"List" {
				t.Errorf("got %s %s %s namespaced=%v, want %s %s namespaced=%v", k.Kind, k.ListKind, k.APIVersion(), k.Namespaced, tt.kind, tt.apiVersion, tt.namespaced)
			}
			if diff := cmp.Diff(tt.shortNames, k.ShortNames); diff != "" {
				t.Errorf("ShortNames (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.categories, k.Categories); diff != "" {
				t.Errorf("Categories (-want +got):\n%s", diff)
			}
			if k.StorageKey != tt.resource {
				t.Errorf("StorageKey: got %q, want Kubernetes' %q", k.StorageKey, tt.resource)
			}
			if k.Protobuf == nil || reg.Protobuf(tt.apiVersion, tt.kind) != k.Protobuf {
				t.Errorf("no protobuf message registered for %s %s", tt.apiVersion, tt.kind)
			}
			obj := k.New()
			if tm := obj.GetTypeMeta(); tm.Kind != tt.kind || tm.APIVersion != tt.apiVersion {
				t.Errorf("New() TypeMeta = %+v", *tm)
			}
			list := k.NewList()
			if tm := list.GetTypeMeta(); tm.Kind != tt.kind+"List" || tm.APIVersion != tt.apiVersion {
				t.Errorf("NewList() TypeMeta = %+v", *tm)
			}
			if obj == k.New() {
				t.Error("New returns the same object twice")
			}
			got, ok := reg.Of(obj)
			if !ok || got.Resource != tt.resource {
				t.Errorf("KindOf(New()) = %v, %v", got.Resource, ok)
			}
		})
	}
	// Each Registry is a registry of its own.
	other := Registry()
	if err := Register(other); err == nil {
		t.Error("registering the built-in kinds twice: got nil error")
	}
	if _, ok := reg.ByResource("", "replicasets"); ok {
		t.Error("KindByResource found replicasets in the core group")
	}
}

func TestSelectableFields(t *testing.T) {
	t.Parallel()
	reg := Registry()
	tests := []struct {
		name string
		obj  api.Object
		want map[string]string
	}{
		{
			name: "pod",
			obj: &api.Pod{ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"},
				Spec: api.PodSpec{NodeName: "node-1", RestartPolicy: api.RestartPolicyAlways, SchedulerName: "default-scheduler",
					ServiceAccountName: "default", HostNetwork: true},
				Status: api.PodStatus{Phase: api.PodRunning, PodIPs: []api.PodIP{{IP: "10.0.0.5"}}, NominatedNodeName: "node-2"}},
			want: map[string]string{
				"metadata.name": "web", "metadata.namespace": "default",
				"spec.nodeName": "node-1", "spec.restartPolicy": "Always", "spec.schedulerName": "default-scheduler",
				"spec.serviceAccountName": "default", "spec.hostNetwork": "true",
				"status.phase": "Running", "status.podIP": "10.0.0.5", "status.nominatedNodeName": "node-2",
			},
		},
		{
			name: "unscheduled pod",
			obj:  &api.Pod{ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"}},
			want: map[string]string{
				"metadata.name": "web", "metadata.namespace": "default",
				"spec.nodeName": "", "spec.restartPolicy": "", "spec.schedulerName": "",
				"spec.serviceAccountName": "", "spec.hostNetwork": "false",
				"status.phase": "", "status.podIP": "", "status.nominatedNodeName": "",
			},
		},
		{
			name: "node",
			obj:  &api.Node{ObjectMeta: api.ObjectMeta{Name: "node-1"}, Spec: api.NodeSpec{Unschedulable: true}},
			want: map[string]string{"metadata.name": "node-1", "spec.unschedulable": "true"},
		},
		{
			name: "namespace",
			obj:  &api.Namespace{ObjectMeta: api.ObjectMeta{Name: "team-a"}, Status: api.NamespaceStatus{Phase: api.NamespaceActive}},
			want: map[string]string{"metadata.name": "team-a", "name": "team-a", "status.phase": "Active"},
		},
		{
			name: "event",
			obj: &api.Event{ObjectMeta: api.ObjectMeta{Name: "e", Namespace: "default"},
				InvolvedObject: api.ObjectReference{Kind: "Pod", Namespace: "default", Name: "web", UID: "u1",
					APIVersion: "v1", ResourceVersion: "5", FieldPath: "spec.containers{web}"},
				Reason: "Scheduled", ReportingComponent: "default-scheduler",
				Source: api.EventSource{Component: "default-scheduler", Host: "cp"}, Type: api.EventTypeNormal},
			want: map[string]string{
				"metadata.name": "e", "metadata.namespace": "default",
				"involvedObject.kind": "Pod", "involvedObject.namespace": "default", "involvedObject.name": "web",
				"involvedObject.uid": "u1", "involvedObject.apiVersion": "v1", "involvedObject.resourceVersion": "5",
				"involvedObject.fieldPath": "spec.containers{web}", "reason": "Scheduled",
				"reportingComponent": "default-scheduler", "source": "default-scheduler", "type": "Normal",
			},
		},
		{
			name: "replicaset",
			obj:  &api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: "rs", Namespace: "default"}, Status: api.ReplicaSetStatus{Replicas: 3}},
			want: map[string]string{"metadata.name": "rs", "metadata.namespace": "default", "status.replicas": "3"},
		},
		{
			name: "lease",
			obj:  &api.Lease{ObjectMeta: api.ObjectMeta{Name: "node-1", Namespace: "kube-node-lease"}},
			want: map[string]string{"metadata.name": "node-1", "metadata.namespace": "kube-node-lease"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, ok := reg.Of(tt.obj)
			if !ok {
				t.Fatalf("%T is not registered", tt.obj)
			}
			if diff := cmp.Diff(tt.want, k.SelectableFields(tt.obj)); diff != "" {
				t.Errorf("SelectableFields (-want +got):\n%s", diff)
			}
		})
	}
}

// gadget is a kind of a program's own, registered beside the built-in ones.
type gadget struct {
	api.TypeMeta   `json:",inline"`
	api.ObjectMeta `json:"metadata,omitempty"`
	Spec           struct {
		Size int `json:"size"`
	} `json:"spec"`
}

type gadgetList struct {
	api.TypeMeta `json:",inline"`
	api.ListMeta `json:"metadata,omitempty"`
	Items        []gadget `json:"items"`
}

func (g *gadget) GetObjectMeta() *api.ObjectMeta { return &g.ObjectMeta }
func (g *gadget) GetTypeMeta() *api.TypeMeta     { return &g.TypeMeta }
func (l *gadgetList) GetListMeta() *api.ListMeta { return &l.ListMeta }
func (l *gadgetList) GetTypeMeta() *api.TypeMeta { return &l.TypeMeta }

func gadgetKind() api.Kind[*gadget] {
	return api.Kind[*gadget]{
		Group: "example.orrery.dev", Version: "v1", Kind: "Gadget", Resource: "gadgets", Namespaced: true,
		NewList: func() api.ListObject { return &gadgetList{} },
	}
}

func TestRegisterUserKind(t *testing.T) {
	t.Parallel()
	reg := Registry()
	if err := api.Register(reg, gadgetKind()); err != nil {
		t.Fatalf("Register: %v", err)
	}
	k, ok := api.KindFor[*gadget](reg)
	if !ok {
		t.Fatal("KindFor: the registered kind is not found")
	}
	if k.ListKind != "GadgetList" || k.SingularName != "gadget" || len(k.Verbs) != 8 || k.APIVersion() != "example.orrery.dev/v1" {
		t.Errorf("defaults: got %s %s %v %s", k.ListKind, k.SingularName, k.Verbs, k.APIVersion())
	}
	if k.SchemaPrefix != "dev.orrery.example.v1." {
		t.Errorf("SchemaPrefix: got %q, want dev.orrery.example.v1. (the group reversed, as Kubernetes names a custom resource's schema)", k.SchemaPrefix)
	}
	if k.StorageKey != "example.orrery.dev/gadgets" {
		t.Errorf("StorageKey: got %q, want example.orrery.dev/gadgets (below the group, apart from built-in kinds)", k.StorageKey)
	}
	if tm := *k.New().GetTypeMeta(); tm != (api.TypeMeta{Kind: "Gadget", APIVersion: "example.orrery.dev/v1"}) {
		t.Errorf("New: TypeMeta %+v", tm)
	}
	if got, ok := reg.ByKind("example.orrery.dev/v1", "Gadget"); !ok || got.Resource != "gadgets" {
		t.Errorf("ByKind: got %v, %v", got.Resource, ok)
	}
	obj := k.New()
	obj.GetObjectMeta().Name, obj.GetObjectMeta().Namespace = "g", "ns"
	if diff := cmp.Diff(map[string]string{"metadata.name": "g", "metadata.namespace": "ns"}, k.SelectableFields(obj)); diff != "" {
		t.Errorf("SelectableFields (-want +got):\n%s", diff)
	}
	if len(k.Validate(obj)) != 0 || k.GracePeriod(obj, nil) != 0 || k.Finalizing(obj) {
		t.Error("a kind without a strategy has checks")
	}
}

func TestDuplicateRegistrationIsRefused(t *testing.T) {
	t.Parallel()
	reg := Registry()
	if err := api.Register(reg, gadgetKind()); err != nil {
		t.Fatal(err)
	}
	sameResource := gadgetKind()
	sameResource.Kind = "Other"
	type otherGadget struct{ gadget }
	tests := []struct {
		name     string
		register func() error
		want     string
	}{
		{"same Go type", func() error { return api.Register(reg, gadgetKind()) }, `register Gadget: resource "gadgets" of group "example.orrery.dev": kind already registered`},
		{"same group and resource", func() error { return api.Register(reg, sameResource) }, `register Other: resource "gadgets" of group "example.orrery.dev": kind already registered`},
		{"a built-in resource", func() error {
			return api.Register(reg, api.Kind[*gadget]{Version: "v1", Kind: "Gadget", Resource: "pods", NewList: func() api.ListObject { return &gadgetList{} }})
		}, `register Gadget: resource "pods" of group "": kind already registered`},
		{"missing resource", func() error {
			return api.Register(reg, api.Kind[*gadget]{Version: "v1", Kind: "Gadget", NewList: func() api.ListObject { return &gadgetList{} }})
		}, "register *builtin.gadget: Version, Kind and Resource are required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.register()
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	if n := len(reg.Kinds()); n != 9 {
		t.Errorf("after refused registrations: %d kinds, want 9", n)
	}
}

// TestRegistryReadersDuringRegistration: readers see a consistent set while kinds are
// added (run with -race).
func TestRegistryReadersDuringRegistration(t *testing.T) {
	t.Parallel()
	reg := Registry()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := api.Register(reg, gadgetKind()); err != nil {
			t.Error(err)
		}
	}()
	for {
		kinds := reg.Kinds()
		for _, k := range kinds {
			if got, ok := reg.ByResource(k.Group, k.Resource); !ok || got.Kind != k.Kind {
				t.Fatalf("ByResource(%s) after Kinds listed it: %v, %v", k.Resource, got.Kind, ok)
			}
		}
		select {
		case <-done:
			if _, ok := reg.ByResource("example.orrery.dev", "gadgets"); !ok {
				t.Fatal("kind registered while reading is not seen")
			}
			return
		default:
		}
	}
}

// TestStrategyOfKindsWithout: a kind registered without defaults is left unchanged by
// Default, and an update from an object of another kind is refused.
func TestStrategyOfKindsWithout(t *testing.T) {
	t.Parallel()
	reg := Registry()
	leases, _ := reg.ByResource("coordination.k8s.io", "leases")
	l := &api.Lease{ObjectMeta: api.ObjectMeta{Name: "n", Namespace: "kube-node-lease"}}
	want := *l
	leases.Default(l)
	if diff := cmp.Diff(want, *l); diff != "" {
		t.Errorf("Default changed a lease (-want +got):\n%s", diff)
	}
	pods, _ := reg.ByResource("", "pods")
	causes := pods.ValidateUpdate(&api.Pod{}, &api.Node{})
	if len(causes) != 1 || causes[0].Field != "kind" {
		t.Errorf("update of a pod from a node: got %+v, want one cause on kind", causes)
	}
}

// TestBindingBody checks the message of pods' binding bodies, which registration does
// not check (it knows no Go type for them), against api.Binding.
func TestBindingBody(t *testing.T) {
	t.Parallel()
	m := Registry().Protobuf("v1", "Binding")
	if m == nil {
		t.Fatal("no protobuf message for v1 Binding")
	}
	if err := api.CheckProtobuf(m, reflect.TypeFor[api.Binding]()); err != nil {
		t.Error(err)
	}
}

// TestDefaultTolerations checks the tolerations a pod gets on create, as Kubernetes'
// DefaultTolerationSeconds admission gives them, with the default and tuned seconds.
func TestDefaultTolerations(t *testing.T) {
	t.Parallel()
	secs := func(s int64) *int64 { return &s }
	noExecute := func(key string, s int64) api.Toleration {
		return api.Toleration{Key: key, Operator: api.TolerationOpExists, Effect: api.TaintEffectNoExecute, TolerationSeconds: secs(s)}
	}
	own := api.Toleration{Key: taintUnreachable, Operator: api.TolerationOpExists, Effect: api.TaintEffectNoExecute, TolerationSeconds: secs(5)}
	tests := []struct {
		name string
		opts Options
		have []api.Toleration
		want []api.Toleration
	}{
		{"defaults", Options{}, nil, []api.Toleration{noExecute(taintNotReady, 300), noExecute(taintUnreachable, 300)}},
		{"tuned", Options{DefaultNotReadyTolerationSeconds: secs(30), DefaultUnreachableTolerationSeconds: secs(0)}, nil,
			[]api.Toleration{noExecute(taintNotReady, 30), noExecute(taintUnreachable, 0)}},
		{"own toleration kept", Options{}, []api.Toleration{own}, []api.Toleration{own, noExecute(taintNotReady, 300)}},
		{"tolerates every taint", Options{}, []api.Toleration{{Operator: api.TolerationOpExists}}, []api.Toleration{{Operator: api.TolerationOpExists}}},
		{"NoSchedule only", Options{}, []api.Toleration{{Key: taintNotReady, Operator: api.TolerationOpExists, Effect: api.TaintEffectNoSchedule}},
			[]api.Toleration{{Key: taintNotReady, Operator: api.TolerationOpExists, Effect: api.TaintEffectNoSchedule}, noExecute(taintNotReady, 300), noExecute(taintUnreachable, 300)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg, err := RegistryWith(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			pods, _ := reg.ByResource("", "pods")
			first := &api.Pod{Spec: api.PodSpec{Tolerations: slices.Clone(tt.have)}}
			pods.PrepareForCreate(first)
			if diff := cmp.Diff(tt.want, first.Spec.Tolerations); diff != "" {
				t.Errorf("tolerations (-want +got):\n%s", diff)
			}
			// Each pod owns its seconds: changing one pod's leaves the next pod's alone.
			for _, tol := range first.Spec.Tolerations[len(tt.have):] {
				if tol.TolerationSeconds != nil {
					*tol.TolerationSeconds = 12345
				}
			}
			second := &api.Pod{Spec: api.PodSpec{Tolerations: slices.Clone(tt.have)}}
			pods.PrepareForCreate(second)
			if diff := cmp.Diff(tt.want, second.Spec.Tolerations); diff != "" {
				t.Errorf("second pod's tolerations (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := RegistryWith(Options{DefaultUnreachableTolerationSeconds: secs(-1)}); err == nil {
		t.Error("a negative DefaultUnreachableTolerationSeconds was accepted")
	}
}
