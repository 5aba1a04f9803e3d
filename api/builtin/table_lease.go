package builtin

import (
	"time"

	"github.com/orrery-dev/orrery/api"
)

func leaseColumns() []api.TableColumnDefinition {
	return []api.TableColumnDefinition{
		nameColumn(),
		col("Holder", typeString, descLeaseHolder),
		ageColumn(),
	}
}

// leaseRow prints NAME HOLDER AGE; HOLDER is empty when the lease has no holder.
func leaseRow(l *api.Lease, now time.Time) api.TableRow {
	var holder string
	if l.Spec.HolderIdentity != nil {
		holder = *l.Spec.HolderIdentity
	}
	return api.TableRow{Cells: []any{l.Name, holder, since(l.CreationTimestamp.Time, now)}}
}
