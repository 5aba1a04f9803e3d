package watch

import (
	"context"
	"fmt"
	"net/http"

	"github.com/orrery-dev/orrery/api"
)

// ConditionFunc looks at one event and says whether the condition it stands for holds.
// An error ends the wait with that error.
type ConditionFunc func(Event) (bool, error)

// Until reads events from w and evaluates the conditions in order: each one, once it
// holds, is left behind and the next one is evaluated from the following event. It
// returns the event that satisfied the last condition. It stops w before returning. It
// returns ErrWatchClosed if w ends first and ctx's error if ctx ends first.
func Until(ctx context.Context, w Interface, conditions ...ConditionFunc) (Event, error) {
	defer w.Stop()
	var last Event
	for len(conditions) > 0 {
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case ev, ok := <-w.ResultChan():
			if !ok {
				return last, ErrWatchClosed
			}
			last = ev
			done, err := conditions[0](ev)
			if err != nil {
				return last, err
			}
			if done {
				conditions = conditions[1:]
			}
		}
	}
	return last, nil
}

// ListWatch lists and watches one collection, for UntilWithSync.
type ListWatch struct {
	// List returns the current items and the resourceVersion they were read at.
	List func(ctx context.Context) (items []api.Object, resourceVersion string, err error)
	// Watch watches the changes after resourceVersion.
	Watch func(ctx context.Context, resourceVersion string) (Interface, error)
}

// PreconditionFunc looks at the listed items before any condition is evaluated; true
// ends the wait at once (with a zero Event).
type PreconditionFunc func(items []api.Object) (bool, error)

// UntilWithSync lists, checks precondition (when not nil) on the listed items, then
// evaluates the conditions as Until does, first on a synthetic api.Added event per
// listed item and then on the watched changes. A watch that ends cleanly is resumed
// from the last resourceVersion seen; one that expires (410) is replaced by a relist,
// whose differences from what was known are delivered as Deleted events, then Added
// and Modified ones.
func UntilWithSync(ctx context.Context, lw ListWatch, precondition PreconditionFunc, conditions ...ConditionFunc) (Event, error) {
	known := map[string]api.Object{}
	var last Event
	// eval feeds one event to the conditions; it reports whether all of them hold.
	eval := func(ev Event) (bool, error) {
		last = ev
		if ev.Object != nil {
			key := objectKey(ev.Object)
			if ev.Type == api.Deleted {
				delete(known, key)
			} else if ev.Type != api.Bookmark {
				known[key] = ev.Object
			}
		}
		if len(conditions) == 0 {
			return true, nil
		}
		done, err := conditions[0](ev)
		if err != nil || !done {
			return false, err
		}
		conditions = conditions[1:]
		return len(conditions) == 0, nil
	}

	relist := func(first bool) (string, bool, error) {
		items, rv, err := lw.List(ctx)
		if err != nil {
			return "", false, fmt.Errorf("list: %w", err)
		}
		if first && precondition != nil {
			if ok, err := precondition(items); err != nil || ok {
				return rv, ok, err
			}
		}
		seen := make(map[string]bool, len(items))
		for _, obj := range items {
			seen[objectKey(obj)] = true
		}
		var evs []Event
		for key, obj := range known {
			if !seen[key] {
				evs = append(evs, Event{Type: api.Deleted, Object: obj})
			}
		}
		for _, obj := range items {
			old, ok := known[objectKey(obj)]
			switch {
			case !ok:
				evs = append(evs, Event{Type: api.Added, Object: obj})
			case old.GetObjectMeta().ResourceVersion != obj.GetObjectMeta().ResourceVersion:
				evs = append(evs, Event{Type: api.Modified, Object: obj})
			}
		}
		for _, ev := range evs {
			if done, err := eval(ev); err != nil || done {
				return rv, done, err
			}
		}
		return rv, false, nil
	}

	if len(conditions) == 0 && precondition == nil {
		return last, nil
	}
	rv, done, err := relist(true)
	if err != nil || done {
		return last, err
	}
	for {
		w, err := lw.Watch(ctx, rv)
		if err != nil {
			if ctx.Err() != nil {
				return last, ctx.Err()
			}
			return last, fmt.Errorf("watch from %s: %w", rv, err)
		}
		expired := false
	events:
		for {
			select {
			case <-ctx.Done():
				w.Stop()
				return last, ctx.Err()
			case ev, ok := <-w.ResultChan():
				if !ok {
					break events
				}
				switch ev.Type {
				case api.Error:
					w.Stop()
					if ev.Status != nil && (ev.Status.Code == http.StatusGone || ev.Status.Reason == api.StatusReasonExpired) {
						expired = true
						break events
					}
					return ev, fmt.Errorf("watch: %w", ev.Status)
				case api.Bookmark:
					rv = ev.Object.GetObjectMeta().ResourceVersion
					continue
				}
				rv = ev.Object.GetObjectMeta().ResourceVersion
				if done, err := eval(ev); err != nil || done {
					w.Stop()
					return last, err
				}
			}
		}
		w.Stop()
		if expired {
			if rv, done, err = relist(false); err != nil || done {
				return last, err
			}
		}
	}
}

func objectKey(obj api.Object) string {
	m := obj.GetObjectMeta()
	if m.Namespace == "" {
		return m.Name
	}
	return m.Namespace + "/" + m.Name
}
