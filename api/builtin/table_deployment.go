package builtin

import (
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
)

// Descriptions of the Deployment columns, as Kubernetes' printer takes them.
const (
	descDeploymentReady    = "Number of the pod with ready state"
	descDeploymentUpToDate = "Total number of non-terminating pods targeted by this deployment that " +
		"have the desired template spec."
	descDeploymentAvailable = "Total number of available non-terminating pods (ready for at least " +
		"minReadySeconds) targeted by this deployment."
	descDeploymentSelector = "Label selector for pods. Existing ReplicaSets whose pods are selected by " +
		"this will be the ones affected by this deployment. It must match the pod template's labels."
)

// deploymentColumns are Kubernetes' Deployment columns. As there, UP-TO-DATE and
// AVAILABLE are typed "string" although their cells are integers.
func deploymentColumns() []api.TableColumnDefinition {
	return []api.TableColumnDefinition{
		nameColumn(),
		col("Ready", typeString, descDeploymentReady),
		col("Up-to-date", typeString, descDeploymentUpToDate),
		col("Available", typeString, descDeploymentAvailable),
		ageColumn(),
		wide("Containers", typeString, descContainers),
		wide("Images", typeString, descImages),
		wide("Selector", typeString, descDeploymentSelector),
	}
}

// deploymentRow prints NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR.
// READY is "ready/desired"; an unset spec.replicas counts as its default, 1, which is
// what Kubernetes' printer sees after decoding. Unlike a replica set's, the selector
// prints as "" when empty or nil and "<invalid>" when it cannot be converted, as
// Kubernetes prints it.
func deploymentRow(d *api.Deployment, now time.Time) api.TableRow {
	desired := int64(1)
	if d.Spec.Replicas != nil {
		desired = int64(*d.Spec.Replicas)
	}
	ready := itoa(int64(d.Status.ReadyReplicas)) + "/" + itoa(desired)
	selector := "<invalid>"
	if sel, err := labels.FromLabelSelector(d.Spec.Selector); err == nil {
		selector = sel.String()
	}
	names, images := containerCells(d.Spec.Template.Spec.Containers)
	return api.TableRow{Cells: []any{
		d.Name,
		ready,
		int64(d.Status.UpdatedReplicas),
		int64(d.Status.AvailableReplicas),
		since(d.CreationTimestamp.Time, now),
		names,
		images,
		selector,
	}}
}
