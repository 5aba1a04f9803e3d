package record

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/orrery-dev/orrery/api"
)

// Kubernetes' event correlation constants (client-go tools/record).
const (
	cacheSize = 4096
	// similarEvents distinct messages of one aggregate key within aggregateWindow are
	// combined into one event.
	similarEvents   = 10
	aggregateWindow = 10 * time.Minute
	// An identical event within dedupWindow of the last updates that one.
	dedupWindow = 10 * time.Minute
	// combinedPrefix starts the message of an aggregated event.
	combinedPrefix = "(combined from similar events): "
	// Per source and object: a burst of 25 events, then one per 5 minutes.
	spamBurst = 25
	spamQPS   = 1.0 / 300
)

// correlator decides, for each event a recorder emits, whether to create it, to
// update an earlier identical one (count + 1, by PATCH) or to drop it, as client-go's
// EventCorrelator does. It is used by one goroutine (a sink's).
type correlator struct {
	aggregates *lru[*aggregate]
	logs       *lru[*eventLog]
	limiters   *lru[*rate.Limiter]
	now        func() time.Time
}

type aggregate struct {
	messages map[string]bool
	last     time.Time
}

// eventLog is what the sink last wrote for an event key.
type eventLog struct {
	count           int32
	firstTimestamp  api.Time
	name            string
	resourceVersion string
	last            time.Time
}

func newCorrelator(now func() time.Time) *correlator {
	return &correlator{
		aggregates: newLRU[*aggregate](cacheSize),
		logs:       newLRU[*eventLog](cacheSize),
		limiters:   newLRU[*rate.Limiter](cacheSize),
		now:        now,
	}
}

// correlated is the outcome for one event: the event to write (nil to drop it) and,
// for an update of an earlier one, the patch.
type correlated struct {
	event *api.Event
	key   string
	patch []byte
}

func (c *correlator) correlate(ev *api.Event) correlated {
	now := c.now()
	agg, key := c.aggregate(ev, now)
	out := c.observe(agg, key, now)
	if !c.allow(out.event, now) {
		return correlated{}
	}
	return out
}

// aggregate combines events that differ only in their message: past similarEvents
// distinct messages within aggregateWindow, the event becomes one "(combined from
// similar events)" event keyed by what they share.
func (c *correlator) aggregate(ev *api.Event, now time.Time) (*api.Event, string) {
	aggKey := aggregateKey(ev)
	a, ok := c.aggregates.get(aggKey)
	if !ok || now.Sub(a.last) > aggregateWindow {
		a = &aggregate{messages: map[string]bool{}}
		c.aggregates.add(aggKey, a)
	}
	a.last = now
	a.messages[ev.Message] = true
	if len(a.messages) < similarEvents {
		return ev, eventKey(ev)
	}
	for m := range a.messages { // keep the set at its bound
		delete(a.messages, m)
		break
	}
	t := api.NewTime(now)
	return &api.Event{
		ObjectMeta:         api.ObjectMeta{Name: fmt.Sprintf("%s.%x", ev.InvolvedObject.Name, now.UnixNano()), Namespace: ev.Namespace},
		InvolvedObject:     ev.InvolvedObject,
		Reason:             ev.Reason,
		Message:            combinedPrefix + ev.Message,
		Source:             ev.Source,
		Type:               ev.Type,
		FirstTimestamp:     t,
		LastTimestamp:      t,
		Count:              1,
		ReportingComponent: ev.ReportingComponent,
		ReportingInstance:  ev.ReportingInstance,
	}, aggKey
}

// observe turns a repeat of an event written within dedupWindow into an update of
// that one: the same name, count + 1, its first timestamp, and a patch of count,
// lastTimestamp and message.
func (c *correlator) observe(ev *api.Event, key string, now time.Time) correlated {
	last, ok := c.logs.get(key)
	if !ok || now.Sub(last.last) > dedupWindow {
		return correlated{event: ev, key: key}
	}
	up := *ev
	up.Count = last.count + 1
	up.FirstTimestamp = last.firstTimestamp
	up.Name = last.name
	up.ResourceVersion = last.resourceVersion
	patch, _ := json.Marshal(map[string]any{"count": up.Count, "lastTimestamp": up.LastTimestamp, "message": up.Message})
	return correlated{event: &up, key: key, patch: patch}
}

// written records what the sink wrote for key.
func (c *correlator) written(key string, ev *api.Event) {
	c.logs.add(key, &eventLog{count: ev.Count, firstTimestamp: ev.FirstTimestamp, name: ev.Name,
		resourceVersion: ev.ResourceVersion, last: c.now()})
}

// allow is the spam filter: a token bucket per source and involved object.
func (c *correlator) allow(ev *api.Event, now time.Time) bool {
	key := spamKey(ev)
	l, ok := c.limiters.get(key)
	if !ok {
		l = rate.NewLimiter(rate.Limit(spamQPS), spamBurst)
		c.limiters.add(key, l)
	}
	return l.AllowN(now, 1)
}

func objectKey(ev *api.Event) []string {
	o := ev.InvolvedObject
	return []string{ev.Source.Component, ev.Source.Host, o.Kind, o.Namespace, o.Name, o.UID, o.APIVersion}
}

// eventKey identifies identical events: everything but the timestamps and count.
func eventKey(ev *api.Event) string {
	return strings.Join(append(objectKey(ev), ev.InvolvedObject.FieldPath, ev.Type, ev.Reason, ev.Message), "\x00")
}

// aggregateKey identifies similar events: identical but for the message.
func aggregateKey(ev *api.Event) string {
	return strings.Join(append(objectKey(ev), ev.Type, ev.Reason), "\x00")
}

// spamKey identifies the stream of events a spam filter limits.
func spamKey(ev *api.Event) string {
	return strings.Join(append(objectKey(ev), ev.Type), "\x00")
}
