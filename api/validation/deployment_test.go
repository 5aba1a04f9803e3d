package validation

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/orrery-dev/orrery/api"
)

// validDeployment returns a defaulted, valid deployment.
func validDeployment() *api.Deployment {
	d := &api.Deployment{
		ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default", UID: "u7", ResourceVersion: "11", CreationTimestamp: created},
		Spec: api.DeploymentSpec{
			Replicas: ptr(int32(3)),
			Selector: &api.LabelSelector{
				MatchLabels:      map[string]string{"app": "web"},
				MatchExpressions: []api.LabelSelectorRequirement{{Key: "tier", Operator: api.LabelSelectorOpNotIn, Values: []string{"cache"}}},
			},
			Template: api.PodTemplateSpec{
				ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec:       api.PodSpec{Containers: []api.Container{{Name: "web", Image: "nginx:1.25"}}},
			},
			MinReadySeconds: 5,
		},
	}
	DefaultDeployment(d)
	return d
}

// checkMessages compares the full messages ("<field>: <body>") of errors with want.
func checkMessages(t *testing.T, got ErrorList, want []string) {
	t.Helper()
	msgs := make([]string, len(got))
	for i, e := range got {
		msgs[i] = e.Error()
	}
	if len(want) == 0 {
		want = []string{}
	}
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func intOrStr(v api.IntOrString) *api.IntOrString { return &v }

func TestDefaultDeployment(t *testing.T) {
	t.Parallel()
	rollingUpdate := func(maxUnavailable, maxSurge api.IntOrString) api.DeploymentStrategy {
		return api.DeploymentStrategy{Type: api.RollingUpdateDeploymentStrategyType,
			RollingUpdate: &api.RollingUpdateDeployment{MaxUnavailable: intOrStr(maxUnavailable), MaxSurge: intOrStr(maxSurge)}}
	}
	quarter := api.FromString("25%")
	tests := []struct {
		name string
		spec api.DeploymentSpec
		want api.DeploymentSpec
	}{
		{
			name: "empty",
			spec: api.DeploymentSpec{},
			want: api.DeploymentSpec{Replicas: ptr(int32(1)), Strategy: rollingUpdate(quarter, quarter),
				RevisionHistoryLimit: ptr(int32(10)), ProgressDeadlineSeconds: ptr(int32(600))},
		},
		{
			name: "set fields are kept",
			spec: api.DeploymentSpec{Replicas: ptr(int32(0)), Strategy: rollingUpdate(api.FromInt32(0), api.FromInt32(2)),
				RevisionHistoryLimit: ptr(int32(0)), ProgressDeadlineSeconds: ptr(int32(30)), MinReadySeconds: 7, Paused: true},
			want: api.DeploymentSpec{Replicas: ptr(int32(0)), Strategy: rollingUpdate(api.FromInt32(0), api.FromInt32(2)),
				RevisionHistoryLimit: ptr(int32(0)), ProgressDeadlineSeconds: ptr(int32(30)), MinReadySeconds: 7, Paused: true},
		},
		{
			name: "missing maxSurge",
			spec: api.DeploymentSpec{Strategy: api.DeploymentStrategy{Type: api.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &api.RollingUpdateDeployment{MaxUnavailable: intOrStr(api.FromInt32(1))}}},
			want: api.DeploymentSpec{Replicas: ptr(int32(1)), Strategy: rollingUpdate(api.FromInt32(1), quarter),
				RevisionHistoryLimit: ptr(int32(10)), ProgressDeadlineSeconds: ptr(int32(600))},
		},
		{
			name: "missing maxUnavailable, type unset",
			spec: api.DeploymentSpec{Strategy: api.DeploymentStrategy{
				RollingUpdate: &api.RollingUpdateDeployment{MaxSurge: intOrStr(api.FromString("50%"))}}},
			want: api.DeploymentSpec{Replicas: ptr(int32(1)), Strategy: rollingUpdate(quarter, api.FromString("50%")),
				RevisionHistoryLimit: ptr(int32(10)), ProgressDeadlineSeconds: ptr(int32(600))},
		},
		{
			name: "recreate gets no rollingUpdate",
			spec: api.DeploymentSpec{Strategy: api.DeploymentStrategy{Type: api.RecreateDeploymentStrategyType}},
			want: api.DeploymentSpec{Replicas: ptr(int32(1)), Strategy: api.DeploymentStrategy{Type: api.RecreateDeploymentStrategyType},
				RevisionHistoryLimit: ptr(int32(10)), ProgressDeadlineSeconds: ptr(int32(600))},
		},
		{
			name: "unknown type is left for validation",
			spec: api.DeploymentSpec{Strategy: api.DeploymentStrategy{Type: "BlueGreen"}},
			want: api.DeploymentSpec{Replicas: ptr(int32(1)), Strategy: api.DeploymentStrategy{Type: "BlueGreen"},
				RevisionHistoryLimit: ptr(int32(10)), ProgressDeadlineSeconds: ptr(int32(600))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &api.Deployment{Spec: tt.spec}
			DefaultDeployment(d)
			// The pod template's defaults are DefaultPodSpec's, tested with pods.
			var wantTemplate api.PodSpec
			DefaultPodSpec(&wantTemplate)
			tt.want.Template.Spec = wantTemplate
			if diff := cmp.Diff(tt.want, d.Spec); diff != "" {
				t.Errorf("defaulted spec (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultDeploymentTemplate(t *testing.T) {
	t.Parallel()
	d := &api.Deployment{Spec: api.DeploymentSpec{Template: api.PodTemplateSpec{Spec: api.PodSpec{
		Containers: []api.Container{{Name: "web", Image: "nginx", Ports: []api.ContainerPort{{ContainerPort: 80}}}},
	}}}}
	DefaultDeployment(d)
	spec := d.Spec.Template.Spec
	c := spec.Containers[0]
	if spec.RestartPolicy != api.RestartPolicyAlways || spec.DNSPolicy != api.DNSClusterFirst ||
		c.ImagePullPolicy != api.PullAlways || c.Ports[0].Protocol != api.ProtocolTCP {
		t.Errorf("template not defaulted: restartPolicy %q, dnsPolicy %q, imagePullPolicy %q, protocol %q",
			spec.RestartPolicy, spec.DNSPolicy, c.ImagePullPolicy, c.Ports[0].Protocol)
	}
	// A pod's priority and phase are set on pods alone.
	if spec.Priority != nil {
		t.Errorf("template priority = %d, want unset", *spec.Priority)
	}
	checkErrors(t, ValidateDeployment(validDeployment()), nil)
}

func TestValidateDeployment(t *testing.T) {
	t.Parallel()
	ru := func(d *api.Deployment, maxUnavailable, maxSurge api.IntOrString) {
		d.Spec.Strategy.RollingUpdate = &api.RollingUpdateDeployment{MaxUnavailable: intOrStr(maxUnavailable), MaxSurge: intOrStr(maxSurge)}
	}
	const (
		negative = "must be greater than or equal to 0"
		percent  = "a valid percent string must be a numeric string followed by an ending '%' " +
			"(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
	)
	tests := []struct {
		name   string
		mutate func(d *api.Deployment)
		want   []string
	}{
		{"valid", func(d *api.Deployment) {}, nil},
		{"zero replicas", func(d *api.Deployment) { d.Spec.Replicas = ptr(int32(0)) }, nil},
		{"dotted name", func(d *api.Deployment) { d.Name = "web.v2" }, nil},
		{"bad name", func(d *api.Deployment) { d.Name = "Web_2" }, []string{
			`metadata.name: Invalid value: "Web_2": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`}},
		{"missing namespace", func(d *api.Deployment) { d.Namespace = "" }, []string{"metadata.namespace: Required value"}},
		{"negative replicas", func(d *api.Deployment) { d.Spec.Replicas = ptr(int32(-1)) }, []string{
			"spec.replicas: Invalid value: -1: " + negative}},
		{"no selector", func(d *api.Deployment) { d.Spec.Selector = nil }, []string{"spec.selector: Required value"}},
		{"empty selector", func(d *api.Deployment) { d.Spec.Selector = &api.LabelSelector{} }, []string{
			"spec.selector: Invalid value: api.LabelSelector{MatchLabels:map[string]string(nil), " +
				"MatchExpressions:[]api.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"}},
		{"selector does not match", func(d *api.Deployment) { d.Spec.Template.Labels = map[string]string{"app": "db"} }, []string{
			"spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"db\"}: `selector` does not match template `labels`"}},
		{"NotIn excludes the template", func(d *api.Deployment) { d.Spec.Template.Labels["tier"] = "cache" }, []string{
			"spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\", \"tier\":\"cache\"}: `selector` does not match template `labels`"}},
		{"template without image", func(d *api.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "" }, []string{
			"spec.template.spec.containers[0].image: Required value"}},
		{"template restart policy", func(d *api.Deployment) { d.Spec.Template.Spec.RestartPolicy = api.RestartPolicyOnFailure }, []string{
			`spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"`}},
		{"template active deadline", func(d *api.Deployment) { d.Spec.Template.Spec.ActiveDeadlineSeconds = ptr(int64(5)) }, []string{
			"spec.template.spec.activeDeadlineSeconds: Invalid value: 5: activeDeadlineSeconds in ReplicaSet is not Supported"}},
		{"negative minReadySeconds", func(d *api.Deployment) { d.Spec.MinReadySeconds = -1 }, []string{
			"spec.minReadySeconds: Invalid value: -1: " + negative}},
		{"zero revisionHistoryLimit", func(d *api.Deployment) { d.Spec.RevisionHistoryLimit = ptr(int32(0)) }, nil},
		{"negative revisionHistoryLimit", func(d *api.Deployment) { d.Spec.RevisionHistoryLimit = ptr(int32(-1)) }, []string{
			"spec.revisionHistoryLimit: Invalid value: -1: " + negative}},
		{"progress deadline unset", func(d *api.Deployment) { d.Spec.ProgressDeadlineSeconds = nil }, nil},
		{"progress deadline above minReadySeconds", func(d *api.Deployment) { d.Spec.ProgressDeadlineSeconds = ptr(int32(6)) }, nil},
		{"progress deadline equal to minReadySeconds", func(d *api.Deployment) { d.Spec.ProgressDeadlineSeconds = ptr(int32(5)) }, []string{
			"spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds"}},
		{"negative progress deadline", func(d *api.Deployment) { d.Spec.ProgressDeadlineSeconds = ptr(int32(-1)) }, []string{
			"spec.progressDeadlineSeconds: Invalid value: -1: " + negative,
			"spec.progressDeadlineSeconds: Invalid value: -1: must be greater than minReadySeconds"}},
		{"recreate", func(d *api.Deployment) {
			d.Spec.Strategy = api.DeploymentStrategy{Type: api.RecreateDeploymentStrategyType}
		}, nil},
		{"recreate with rollingUpdate", func(d *api.Deployment) { d.Spec.Strategy.Type = api.RecreateDeploymentStrategyType }, []string{
			"spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"}},
		{"rolling update without rollingUpdate", func(d *api.Deployment) { d.Spec.Strategy.RollingUpdate = nil }, []string{
			"spec.strategy.rollingUpdate: Required value: this should be defaulted and never be nil"}},
		{"unknown strategy", func(d *api.Deployment) { d.Spec.Strategy = api.DeploymentStrategy{Type: "BlueGreen"} }, []string{
			`spec.strategy: Unsupported value: api.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*api.RollingUpdateDeployment)(nil)}: ` +
				`supported values: "Recreate", "RollingUpdate"`}},
		{"empty strategy", func(d *api.Deployment) { d.Spec.Strategy = api.DeploymentStrategy{} }, []string{
			`spec.strategy: Unsupported value: api.DeploymentStrategy{Type:"", RollingUpdate:(*api.RollingUpdateDeployment)(nil)}: ` +
				`supported values: "Recreate", "RollingUpdate"`}},
		{"integer bounds", func(d *api.Deployment) { ru(d, api.FromInt32(0), api.FromInt32(1)) }, nil},
		{"maxSurge above 100%", func(d *api.Deployment) { ru(d, api.FromInt32(1), api.FromString("200%")) }, nil},
		{"maxUnavailable 100%", func(d *api.Deployment) { ru(d, api.FromString("100%"), api.FromInt32(0)) }, nil},
		{"maxUnavailable above 100%", func(d *api.Deployment) { ru(d, api.FromString("110%"), api.FromInt32(0)) }, []string{
			`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: must not be greater than 100%`}},
		{"both zero", func(d *api.Deployment) { ru(d, api.FromInt32(0), api.FromInt32(0)) }, []string{
			`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when ` + "`maxSurge`" + ` is 0`}},
		{"both zero percent", func(d *api.Deployment) { ru(d, api.FromString("0%"), api.FromInt32(0)) }, []string{
			`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: may not be 0 when ` + "`maxSurge`" + ` is 0`}},
		{"both unset", func(d *api.Deployment) { d.Spec.Strategy.RollingUpdate = &api.RollingUpdateDeployment{} }, []string{
			`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when ` + "`maxSurge`" + ` is 0`}},
		{"negative maxSurge", func(d *api.Deployment) { ru(d, api.FromInt32(1), api.FromInt32(-1)) }, []string{
			"spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: " + negative}},
		{"negative maxUnavailable", func(d *api.Deployment) { ru(d, api.FromInt32(-2), api.FromInt32(1)) }, []string{
			"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -2: " + negative}},
		{"number as a string", func(d *api.Deployment) { ru(d, api.FromInt32(1), api.FromString("1")) }, []string{
			`spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"1"}: ` + percent}},
		{"bad percentages", func(d *api.Deployment) { ru(d, api.FromString("-5%"), api.FromString("x")) }, []string{
			`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"-5%"}: ` + percent,
			`spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"x"}: ` + percent,
			// Neither reads as a number, so both count as 0.
			`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"-5%"}: may not be 0 when ` + "`maxSurge`" + ` is 0`,
		}},
		{"bad string and zero", func(d *api.Deployment) { ru(d, api.FromString("0"), api.FromInt32(0)) }, []string{
			`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0"}: ` + percent,
			`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0"}: may not be 0 when ` + "`maxSurge`" + ` is 0`,
		}},
		{"impossible IntOrString type", func(d *api.Deployment) { ru(d, api.FromInt32(1), api.IntOrString{Type: 7}) }, []string{
			`spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:7, IntVal:0, StrVal:""}: must be an integer or percentage (e.g '5%%')`}},
		{"errors in Kubernetes' order", func(d *api.Deployment) {
			d.Spec.Replicas = ptr(int32(-1))
			d.Spec.MinReadySeconds = -1
			d.Spec.Strategy.Type = api.RecreateDeploymentStrategyType
			d.Spec.RevisionHistoryLimit = ptr(int32(-1))
			d.Spec.Selector = nil
		}, []string{
			"spec.replicas: Invalid value: -1: " + negative,
			"spec.selector: Required value",
			"spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
			"spec.minReadySeconds: Invalid value: -1: " + negative,
			"spec.revisionHistoryLimit: Invalid value: -1: " + negative,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := validDeployment()
			tt.mutate(d)
			checkMessages(t, ValidateDeployment(d), tt.want)
		})
	}
}

func TestValidateDeploymentUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(d *api.Deployment)
		want   []string
	}{
		{"scale", func(d *api.Deployment) { d.Spec.Replicas = ptr(int32(5)) }, nil},
		{"new image", func(d *api.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.26" }, nil},
		{"pause", func(d *api.Deployment) { d.Spec.Paused = true }, nil},
		{"to recreate", func(d *api.Deployment) {
			d.Spec.Strategy = api.DeploymentStrategy{Type: api.RecreateDeploymentStrategyType}
		}, nil},
		{"new template label", func(d *api.Deployment) { d.Spec.Template.Labels["version"] = "2" }, nil},
		{"selector changed", func(d *api.Deployment) {
			d.Spec.Selector.MatchLabels["version"] = "2"
			d.Spec.Template.Labels["version"] = "2"
		}, []string{
			"spec.selector: Invalid value: api.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", \"version\":\"2\"}, " +
				"MatchExpressions:[]api.LabelSelectorRequirement{api.LabelSelectorRequirement{Key:\"tier\", Operator:\"NotIn\", Values:[]string{\"cache\"}}}}: " +
				"field is immutable"}},
		{"selector removed", func(d *api.Deployment) { d.Spec.Selector = nil }, []string{
			"spec.selector: Required value",
			"spec.selector: Invalid value: null: field is immutable"}},
		{"spec checked as on create", func(d *api.Deployment) { d.Spec.Strategy.RollingUpdate.MaxSurge = intOrStr(api.FromInt32(-1)) }, []string{
			"spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0"}},
		{"name changed", func(d *api.Deployment) { d.Name = "api" }, []string{
			`metadata.name: Invalid value: "api": field is immutable`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			old := validDeployment()
			d := validDeployment()
			tt.mutate(d)
			checkMessages(t, ValidateDeploymentUpdate(d, old), tt.want)
		})
	}
}

func TestValidateDeploymentStatusUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		oldStatus api.DeploymentStatus
		status    api.DeploymentStatus
		want      []string
	}{
		{
			name:   "consistent",
			status: api.DeploymentStatus{ObservedGeneration: 2, Replicas: 4, UpdatedReplicas: 3, ReadyReplicas: 3, AvailableReplicas: 2, UnavailableReplicas: 1},
		},
		{
			name: "negative",
			status: api.DeploymentStatus{ObservedGeneration: -1, Replicas: -1, UpdatedReplicas: -1, ReadyReplicas: -1,
				AvailableReplicas: -1, UnavailableReplicas: -1, TerminatingReplicas: ptr(int32(-1)), CollisionCount: ptr(int32(-1))},
			want: []string{
				"status.observedGeneration: Invalid value: -1: must be greater than or equal to 0",
				"status.replicas: Invalid value: -1: must be greater than or equal to 0",
				"status.updatedReplicas: Invalid value: -1: must be greater than or equal to 0",
				"status.readyReplicas: Invalid value: -1: must be greater than or equal to 0",
				"status.availableReplicas: Invalid value: -1: must be greater than or equal to 0",
				"status.unavailableReplicas: Invalid value: -1: must be greater than or equal to 0",
				"status.terminatingReplicas: Invalid value: -1: must be greater than or equal to 0",
				"status.collisionCount: Invalid value: -1: must be greater than or equal to 0",
			},
		},
		{
			name:   "above replicas",
			status: api.DeploymentStatus{Replicas: 1, UpdatedReplicas: 2, ReadyReplicas: 2, AvailableReplicas: 2},
			want: []string{
				"status.updatedReplicas: Invalid value: 2: cannot be greater than status.replicas",
				"status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas",
				"status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas",
			},
		},
		{
			name:   "available above ready",
			status: api.DeploymentStatus{Replicas: 3, ReadyReplicas: 1, AvailableReplicas: 2},
			want:   []string{"status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas"},
		},
		{
			// Unavailable pods include those not yet created.
			name:   "unavailable above replicas",
			status: api.DeploymentStatus{Replicas: 1, UnavailableReplicas: 3},
		},
		{
			name:      "collision count grows",
			oldStatus: api.DeploymentStatus{CollisionCount: ptr(int32(1))},
			status:    api.DeploymentStatus{CollisionCount: ptr(int32(2))},
		},
		{
			name:   "collision count set",
			status: api.DeploymentStatus{CollisionCount: ptr(int32(0))},
		},
		{
			name:      "collision count decremented",
			oldStatus: api.DeploymentStatus{CollisionCount: ptr(int32(2))},
			status:    api.DeploymentStatus{CollisionCount: ptr(int32(1))},
			want:      []string{"status.collisionCount: Invalid value: 1: cannot be decremented"},
		},
		{
			name:      "collision count cleared",
			oldStatus: api.DeploymentStatus{CollisionCount: ptr(int32(2))},
			want:      []string{"status.collisionCount: Invalid value: 0: cannot be decremented"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			old := validDeployment()
			old.Status = tt.oldStatus
			d := validDeployment()
			d.Status = tt.status
			// The spec is not checked through the status subresource.
			d.Spec.Replicas = ptr(int32(-1))
			checkMessages(t, ValidateDeploymentStatusUpdate(d, old), tt.want)
		})
	}
}
