package api

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDeploymentJSONRoundTrip(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "deployment.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d Deployment
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("decode: %v", err)
	}
	encoded, err := json.Marshal(&d)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	want := decodeGeneric(t, data)
	// ObjectMeta leaves out a zero creationTimestamp; Kubernetes writes null.
	dropPath(want, strings.Split("spec.template.metadata.creationTimestamp", "."))
	if diff := cmp.Diff(want, decodeGeneric(t, encoded)); diff != "" {
		t.Errorf("re-encoded JSON differs from the Kubernetes sample (-want +got):\n%s", diff)
	}

	// The decoded values, where the Go form is not obvious from the JSON.
	if got := d.Spec.Strategy.RollingUpdate; got == nil ||
		!reflect.DeepEqual(got.MaxSurge, &IntOrString{Type: IntOrStringInt, IntVal: 1}) ||
		!reflect.DeepEqual(got.MaxUnavailable, &IntOrString{Type: IntOrStringString, StrVal: "25%"}) {
		t.Errorf("rollingUpdate = %+v, want maxSurge 1 and maxUnavailable \"25%%\"", got)
	}
	if d.Spec.Strategy.Type != RollingUpdateDeploymentStrategyType {
		t.Errorf("strategy type = %q, want %q", d.Spec.Strategy.Type, RollingUpdateDeploymentStrategyType)
	}
	if len(d.Status.Conditions) != 2 || d.Status.Conditions[0].Type != DeploymentAvailable ||
		d.Status.Conditions[1].Type != DeploymentProgressing {
		t.Fatalf("conditions = %+v, want Available then Progressing", d.Status.Conditions)
	}
	wantUpdate := time.Date(2024, 5, 1, 10, 5, 12, 0, time.UTC)
	if got := d.Status.Conditions[1].LastUpdateTime; !got.Equal(wantUpdate) {
		t.Errorf("Progressing lastUpdateTime = %v, want %v", got, wantUpdate)
	}
	if d.Status.CollisionCount == nil || *d.Status.CollisionCount != 1 || d.Status.TerminatingReplicas != nil {
		t.Errorf("collisionCount = %v, terminatingReplicas = %v; want 1 and nil", d.Status.CollisionCount, d.Status.TerminatingReplicas)
	}
}

func TestDeploymentJSONEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		obj  any
		want string
	}{
		{
			// Unlike a replica set's, a deployment's status.replicas is omitted when 0.
			name: "empty status",
			obj:  DeploymentStatus{},
			want: `{}`,
		},
		{
			// selector and template are written even when empty; strategy, a struct,
			// is too.
			name: "empty spec",
			obj:  DeploymentSpec{},
			want: `{"selector":null,"template":{"metadata":{},"spec":{"containers":null}},"strategy":{}}`,
		},
		{
			name: "recreate",
			obj:  DeploymentStrategy{Type: RecreateDeploymentStrategyType},
			want: `{"type":"Recreate"}`,
		},
		{
			name: "zero counters behind pointers",
			obj:  DeploymentStatus{TerminatingReplicas: new(int32), CollisionCount: new(int32)},
			want: `{"terminatingReplicas":0,"collisionCount":0}`,
		},
		{
			name: "condition keeps null times",
			obj:  DeploymentCondition{Type: DeploymentReplicaFailure, Status: ConditionTrue, Reason: "FailedCreate"},
			want: `{"type":"ReplicaFailure","status":"True","lastUpdateTime":null,"lastTransitionTime":null,"reason":"FailedCreate"}`,
		},
		{
			name: "empty list keeps items",
			obj:  &DeploymentList{TypeMeta: TypeMeta{Kind: "DeploymentList", APIVersion: "apps/v1"}},
			want: `{"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{},"items":null}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(tt.obj)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestDeploymentDeepCopyNested changes nested fields of a copy by hand, one per case,
// and checks the original.
func TestDeploymentDeepCopyNested(t *testing.T) {
	t.Parallel()
	sample := func(t *testing.T) *Deployment {
		t.Helper()
		data, err := os.ReadFile(filepath.Join("testdata", "deployment.json"))
		if err != nil {
			t.Fatal(err)
		}
		d := &Deployment{}
		if err := json.Unmarshal(data, d); err != nil {
			t.Fatal(err)
		}
		d.Status.TerminatingReplicas = new(int32)
		return d
	}
	tests := []struct {
		name   string
		mutate func(d *Deployment)
	}{
		{"labels", func(d *Deployment) { d.Labels["app"] = "db" }},
		{"annotations", func(d *Deployment) { d.Annotations["deployment.kubernetes.io/revision"] = "3" }},
		{"replicas", func(d *Deployment) { *d.Spec.Replicas = 9 }},
		{"selector labels", func(d *Deployment) { d.Spec.Selector.MatchLabels["app"] = "db" }},
		{"selector values", func(d *Deployment) { d.Spec.Selector.MatchExpressions[0].Values[0] = "db" }},
		{"template labels", func(d *Deployment) { d.Spec.Template.Labels["app"] = "db" }},
		{"template annotations", func(d *Deployment) { d.Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"] = "now" }},
		{"container image", func(d *Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:2" }},
		{"container port", func(d *Deployment) { d.Spec.Template.Spec.Containers[0].Ports[0].ContainerPort = 8080 }},
		{"grace period", func(d *Deployment) { *d.Spec.Template.Spec.TerminationGracePeriodSeconds = 1 }},
		{"max surge", func(d *Deployment) { *d.Spec.Strategy.RollingUpdate.MaxSurge = FromString("50%") }},
		{"max unavailable", func(d *Deployment) { d.Spec.Strategy.RollingUpdate.MaxUnavailable.StrVal = "0%" }},
		{"rolling update", func(d *Deployment) { d.Spec.Strategy.RollingUpdate.MaxSurge = nil }},
		{"revision history limit", func(d *Deployment) { *d.Spec.RevisionHistoryLimit = 0 }},
		{"progress deadline", func(d *Deployment) { *d.Spec.ProgressDeadlineSeconds = 60 }},
		{"condition", func(d *Deployment) { d.Status.Conditions[0].Status = ConditionTrue }},
		{"collision count", func(d *Deployment) { *d.Status.CollisionCount = 2 }},
		{"terminating replicas", func(d *Deployment) { *d.Status.TerminatingReplicas = 5 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			orig := sample(t)
			want := sample(t)
			cp := orig.DeepCopy()
			tt.mutate(cp)
			if diff := cmp.Diff(want, orig, deepCopyOpts); diff != "" {
				t.Errorf("changing the copy changed the original (-want +got):\n%s", diff)
			}
			if reflect.DeepEqual(orig, cp) {
				t.Error("the change did not reach the copy")
			}
		})
	}
}

func TestDeploymentDeepCopyNil(t *testing.T) {
	t.Parallel()
	if (*Deployment)(nil).DeepCopy() != nil || (*DeploymentList)(nil).DeepCopy() != nil ||
		(*RollingUpdateDeployment)(nil).DeepCopy() != nil {
		t.Error("DeepCopy of a nil pointer is not nil")
	}
	if got := (DeploymentStrategy{Type: RecreateDeploymentStrategyType}).DeepCopy(); got.RollingUpdate != nil {
		t.Errorf("copy of a strategy without rollingUpdate has one: %+v", got.RollingUpdate)
	}
}
