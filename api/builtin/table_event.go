package builtin

import (
	"strings"
	"time"

	"github.com/orrery-dev/orrery/api"
)

func eventColumns() []api.TableColumnDefinition {
	name := nameColumn()
	name.Priority = 1
	return []api.TableColumnDefinition{
		col("Last Seen", typeString, descEventLastSeen),
		col("Type", typeString, descEventType),
		col("Reason", typeString, descEventReason),
		col("Object", typeString, descEventObject),
		wide("Subobject", typeString, descEventSubobject),
		wide("Source", typeString, descEventSource),
		col("Message", typeString, descEventMessage),
		wide("First Seen", typeString, descEventFirstSeen),
		wide("Count", typeString, descEventCount),
		name,
	}
}

// eventRow prints LAST SEEN, TYPE, REASON, OBJECT, SUBOBJECT, SOURCE, MESSAGE, FIRST SEEN,
// COUNT, NAME as Kubernetes does for core/v1 Events:
//
//   - FIRST SEEN is the age of firstTimestamp, else of eventTime (new-style events).
//   - LAST SEEN is the age of series.lastObservedTime for a series, else of
//     lastTimestamp, else FIRST SEEN. A missing time prints "<unknown>".
//   - COUNT is series.count for a series, else count, else 1 (a singleton new-style event).
//   - OBJECT is "<lower-case kind>/<name>", or the kind alone without a name.
//   - SOURCE is "<component>, <host>", falling back to reportingComponent and
//     reportingInstance, and without ", <host>" when there is neither.
//   - MESSAGE has surrounding white space trimmed.
func eventRow(ev *api.Event, now time.Time) api.TableRow {
	firstSeen := since(ev.FirstTimestamp.Time, now)
	if ev.FirstTimestamp.IsZero() {
		firstSeen = since(ev.EventTime.Time, now)
	}
	lastSeen := since(ev.LastTimestamp.Time, now)
	if ev.LastTimestamp.IsZero() {
		lastSeen = firstSeen
	}
	count := ev.Count
	if ev.Series != nil {
		lastSeen = since(ev.Series.LastObservedTime.Time, now)
		count = ev.Series.Count
	} else if count == 0 {
		count = 1
	}

	object := strings.ToLower(ev.InvolvedObject.Kind)
	if ev.InvolvedObject.Name != "" {
		object += "/" + ev.InvolvedObject.Name
	}

	source := firstNonEmpty(ev.Source.Component, ev.ReportingComponent)
	if host := firstNonEmpty(ev.Source.Host, ev.ReportingInstance); host != "" {
		source += ", " + host
	}

	return api.TableRow{Cells: []any{
		lastSeen,
		ev.Type,
		ev.Reason,
		object,
		ev.InvolvedObject.FieldPath,
		source,
		strings.TrimSpace(ev.Message),
		firstSeen,
		int64(count),
		ev.Name,
	}}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
