package builtin

import (
	"slices"
	"strings"
	"time"

	"github.com/orrery-dev/orrery/api"
)

// Node role labels: node-role.kubernetes.io/<role> (any value) and kubernetes.io/role=<role>.
const (
	labelNodeRolePrefix = "node-role.kubernetes.io/"
	labelNodeRole       = "kubernetes.io/role"
)

func nodeColumns() []api.TableColumnDefinition {
	return []api.TableColumnDefinition{
		nameColumn(),
		col("Status", typeString, descNodeStatus),
		col("Roles", typeString, descNodeRoles),
		ageColumn(),
		col("Version", typeString, descKubeletVersion),
		wide("Internal-IP", typeString, descNodeAddresses),
		wide("External-IP", typeString, descNodeAddresses),
		wide("OS-Image", typeString, descOSImage),
		wide("Kernel-Version", typeString, descKernelVersion),
		wide("Container-Runtime", typeString, descContainerRuntime),
	}
}

// nodeRow prints NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE
// KERNEL-VERSION CONTAINER-RUNTIME.
func nodeRow(node *api.Node, now time.Time) api.TableRow {
	info := node.Status.NodeInfo
	return api.TableRow{Cells: []any{
		node.Name,
		nodeStatus(node),
		orNoneJoin(nodeRoles(node)),
		since(node.CreationTimestamp.Time, now),
		info.KubeletVersion,
		orNone(nodeAddress(node, api.NodeInternalIP)),
		orNone(nodeAddress(node, api.NodeExternalIP)),
		orUnknown(info.OSImage),
		orUnknown(info.KernelVersion),
		orUnknown(info.ContainerRuntimeVersion),
	}}
}

// nodeStatus is "Ready" or "NotReady" after the node's Ready condition (the last one, if
// it has several; any status but True is NotReady), "Unknown" without one, followed by
// ",SchedulingDisabled" for a cordoned node.
func nodeStatus(node *api.Node) string {
	status := "Unknown"
	for _, c := range node.Status.Conditions {
		if c.Type != api.NodeReady {
			continue
		}
		if c.Status == api.ConditionTrue {
			status = "Ready"
		} else {
			status = "NotReady"
		}
	}
	if node.Spec.Unschedulable {
		status += ",SchedulingDisabled"
	}
	return status
}

// nodeRoles returns the node's roles, sorted and without duplicates: the <role> of every
// node-role.kubernetes.io/<role> label, and the value of a non-empty kubernetes.io/role
// label.
func nodeRoles(node *api.Node) []string {
	var roles []string
	for k, v := range node.Labels {
		switch {
		case strings.HasPrefix(k, labelNodeRolePrefix):
			if role := strings.TrimPrefix(k, labelNodeRolePrefix); role != "" {
				roles = append(roles, role)
			}
		case k == labelNodeRole && v != "":
			roles = append(roles, v)
		}
	}
	slices.Sort(roles)
	return slices.Compact(roles)
}

// nodeAddress returns the node's first address of type t, or "".
func nodeAddress(node *api.Node, t api.NodeAddressType) string {
	for _, a := range node.Status.Addresses {
		if a.Type == t {
			return a.Address
		}
	}
	return ""
}

// orUnknown returns s, or "<unknown>" when s is empty.
func orUnknown(s string) string {
	if s == "" {
		return "<unknown>"
	}
	return s
}
