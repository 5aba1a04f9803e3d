package builtin

import (
	"time"

	"github.com/orrery-dev/orrery/api"
)

func namespaceColumns() []api.TableColumnDefinition {
	return []api.TableColumnDefinition{
		nameColumn(),
		col("Status", typeString, descNamespaceStatus),
		ageColumn(),
	}
}

// namespaceRow prints NAME STATUS AGE; STATUS is the phase as stored.
func namespaceRow(ns *api.Namespace, now time.Time) api.TableRow {
	return api.TableRow{Cells: []any{ns.Name, string(ns.Status.Phase), since(ns.CreationTimestamp.Time, now)}}
}
