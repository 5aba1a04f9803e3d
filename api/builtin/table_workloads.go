package builtin

import (
	"strings"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
)

func replicaSetColumns() []api.TableColumnDefinition {
	return []api.TableColumnDefinition{
		nameColumn(),
		col("Desired", typeInteger, descRSDesired),
		col("Current", typeInteger, descRSCurrent),
		col("Ready", typeInteger, descRSReady),
		ageColumn(),
		wide("Containers", typeString, descContainers),
		wide("Images", typeString, descImages),
		wide("Selector", typeString, descRSSelector),
	}
}

// replicaSetRow prints NAME DESIRED CURRENT READY AGE CONTAINERS IMAGES SELECTOR. An
// unset spec.replicas prints as its default, 1, which is what Kubernetes' printer sees
// after decoding.
func replicaSetRow(rs *api.ReplicaSet, now time.Time) api.TableRow {
	desired := int64(1)
	if rs.Spec.Replicas != nil {
		desired = int64(*rs.Spec.Replicas)
	}
	names, images := containerCells(rs.Spec.Template.Spec.Containers)
	return api.TableRow{Cells: []any{
		rs.Name,
		desired,
		int64(rs.Status.Replicas),
		int64(rs.Status.ReadyReplicas),
		since(rs.CreationTimestamp.Time, now),
		names,
		images,
		formatSelector(rs.Spec.Selector),
	}}
}

// containerCells joins the containers' names and images with commas, in spec order.
func containerCells(containers []api.Container) (names, images string) {
	n := make([]string, len(containers))
	im := make([]string, len(containers))
	for i, c := range containers {
		n[i], im[i] = c.Name, c.Image
	}
	return strings.Join(n, ","), strings.Join(im, ",")
}

// formatSelector prints a structured selector as Kubernetes' FormatLabelSelector does:
// its string form ("app=web,tier in (a,b)"), "<none>" when that is empty (a nil or empty
// selector) and "<error>" when the selector is invalid.
func formatSelector(ls *api.LabelSelector) string {
	sel, err := labels.FromLabelSelector(ls)
	if err != nil {
		return "<error>"
	}
	return orNone(sel.String())
}
