package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/orrery-dev/orrery/api"
)

func TestDeploymentColumnDefinitions(t *testing.T) {
	t.Parallel()
	type column struct {
		Name, Type string
		Priority   int32
	}
	var got []column
	for _, c := range kindOf("Deployment").Columns {
		got = append(got, column{c.Name, c.Type, c.Priority})
		if c.Description == "" {
			t.Errorf("column %q has no description", c.Name)
		}
	}
	want := []column{
		{"Name", "string", 0}, {"Ready", "string", 0}, {"Up-to-date", "string", 0}, {"Available", "string", 0},
		{"Age", "string", 0}, {"Containers", "string", 1}, {"Images", "string", 1}, {"Selector", "string", 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if f := kindOf("Deployment").Columns[0].Format; f != "name" {
		t.Errorf("Name column format = %q, want \"name\"", f)
	}
}

func TestDeploymentRow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		d    *api.Deployment
		want map[string]any
	}{
		{
			name: "every column",
			d: &api.Deployment{
				ObjectMeta: api.ObjectMeta{Name: "web", CreationTimestamp: ago(3*24*time.Hour + 4*time.Hour)},
				Spec: api.DeploymentSpec{
					Replicas: ptr[int32](3),
					Selector: &api.LabelSelector{
						MatchLabels: map[string]string{"app": "web"},
						MatchExpressions: []api.LabelSelectorRequirement{
							{Key: "tier", Operator: api.LabelSelectorOpNotIn, Values: []string{"cache"}},
						},
					},
					Template: api.PodTemplateSpec{Spec: api.PodSpec{Containers: []api.Container{
						{Name: "nginx", Image: "nginx:1.25"}, {Name: "sidecar", Image: "envoy:1.29"},
					}}},
				},
				Status: api.DeploymentStatus{Replicas: 4, UpdatedReplicas: 3, ReadyReplicas: 2, AvailableReplicas: 2, UnavailableReplicas: 1},
			},
			want: map[string]any{
				"Name": "web", "Ready": "2/3", "Up-to-date": int64(3), "Available": int64(2), "Age": "3d4h",
				"Containers": "nginx,sidecar", "Images": "nginx:1.25,envoy:1.29", "Selector": "app=web,tier notin (cache)",
			},
		},
		{
			name: "empty status",
			d:    &api.Deployment{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.DeploymentSpec{Replicas: ptr[int32](3)}},
			want: map[string]any{
				"Name": "web", "Ready": "0/3", "Up-to-date": int64(0), "Available": int64(0), "Age": "<unknown>",
				"Containers": "", "Images": "", "Selector": "",
			},
		},
		{
			name: "unset replicas print the default",
			d:    &api.Deployment{Status: api.DeploymentStatus{ReadyReplicas: 1}},
			want: map[string]any{"Ready": "1/1"},
		},
		{
			name: "scaled to zero",
			d:    &api.Deployment{Spec: api.DeploymentSpec{Replicas: ptr[int32](0)}},
			want: map[string]any{"Ready": "0/0"},
		},
		{
			name: "more ready than desired while scaling down",
			d:    &api.Deployment{Spec: api.DeploymentSpec{Replicas: ptr[int32](1)}, Status: api.DeploymentStatus{ReadyReplicas: 5}},
			want: map[string]any{"Ready": "5/1"},
		},
		{
			name: "empty selector",
			d:    &api.Deployment{Spec: api.DeploymentSpec{Selector: &api.LabelSelector{}}},
			want: map[string]any{"Selector": ""},
		},
		{
			name: "invalid selector",
			d: &api.Deployment{Spec: api.DeploymentSpec{Selector: &api.LabelSelector{
				MatchExpressions: []api.LabelSelectorRequirement{{Key: "tier", Operator: api.LabelSelectorOpIn}},
			}}},
			want: map[string]any{"Selector": "<invalid>"},
		},
		{
			name: "unknown selector operator",
			d: &api.Deployment{Spec: api.DeploymentSpec{Selector: &api.LabelSelector{
				MatchExpressions: []api.LabelSelectorRequirement{{Key: "tier", Operator: "Near"}},
			}}},
			want: map[string]any{"Selector": "<invalid>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cols := kindOf("Deployment").Columns
			row := kindOf("Deployment").Row(tt.d, now)
			if len(row.Cells) != len(cols) {
				t.Fatalf("row has %d cells for %d columns", len(row.Cells), len(cols))
			}
			got := make(map[string]any, len(tt.want))
			for i, c := range cols {
				if _, ok := tt.want[c.Name]; ok {
					got[c.Name] = row.Cells[i]
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDeploymentRowLeavesObject checks that printing does not change the deployment.
func TestDeploymentRowLeavesObject(t *testing.T) {
	t.Parallel()
	d := &api.Deployment{
		ObjectMeta: api.ObjectMeta{Name: "web"},
		Spec: api.DeploymentSpec{Selector: &api.LabelSelector{MatchExpressions: []api.LabelSelectorRequirement{
			{Key: "tier", Operator: api.LabelSelectorOpIn, Values: []string{"b", "a"}},
		}}},
	}
	want := d.DeepCopy()
	if got := kindOf("Deployment").Row(d, now).Cells[7]; got != "tier in (a,b)" {
		t.Errorf("selector = %q, want %q", got, "tier in (a,b)")
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("deployment changed (-want +got):\n%s", diff)
	}
}
