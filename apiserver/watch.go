package apiserver

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/protoschema"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// InitialEventsEndAnnotation marks the bookmark that ends the initial events of a
// watch with sendInitialEvents=true.
const InitialEventsEndAnnotation = "k8s.io/initial-events-end"

// watchLine is one event of a watch stream on the wire.
type watchLine struct {
	Type   api.EventType `json:"type"`
	Object any           `json:"object"`
}

func (res *resource) watch(ctx context.Context, w http.ResponseWriter, r *http.Request, info requestInfo) {
	q := r.URL.Query()
	opts, st := res.listOptions(q, true)
	if st != nil {
		writeStatus(w, st)
		return
	}
	rv, err := storage.ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		writeStatus(w, res.errStatus(err, ""))
		return
	}
	bookmarks := isTrue(q.Get("allowWatchBookmarks"))
	sendInitial, sendInitialSet := q.Get("sendInitialEvents"), q.Has("sendInitialEvents")
	switch {
	case sendInitialSet && opts.ResourceVersionMatch != storage.MatchNotOlderThan:
		writeStatus(w, invalidListOptions("resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"))
		return
	case sendInitialSet && !bookmarks:
		writeStatus(w, invalidListOptions("allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true"))
		return
	case !sendInitialSet && opts.ResourceVersionMatch != "":
		writeStatus(w, invalidListOptions("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"))
		return
	}
	wopts := storage.WatchOptions{ResourceVersion: rv, Predicate: opts.Predicate, ProgressNotify: bookmarks}
	switch {
	case sendInitial == "true":
		// The state, ended by a bookmark, then the changes. The state is any the
		// server has for resourceVersion "0", one not older than N for "N", and the
		// current one (a consistent read) without a resourceVersion.
		wopts.ResourceVersion, wopts.InitialEventsEnd = 0, true
		wopts.AnyInitialState = opts.ResourceVersion == "0"
		wopts.MinInitialRevision = rv
	case sendInitialSet && rv == 0:
		// sendInitialEvents=false without a resourceVersion: changes from now on.
		cur, err := res.store.CurrentRevision(ctx)
		if err != nil {
			writeStatus(w, res.errStatus(err, ""))
			return
		}
		wopts.ResourceVersion = cur
	case rv == 0:
		// Without sendInitialEvents: resourceVersion "0" starts from any state, no
		// resourceVersion from the current one.
		wopts.AnyInitialState = opts.ResourceVersion == "0"
	}
	timeout, st := res.watchTimeout(q)
	if st != nil {
		writeStatus(w, st)
		return
	}

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	watcher, err := res.store.Watch(ctx, storage.NamespacePrefix(info.Namespace), wopts)
	if err != nil {
		writeStatus(w, res.errStatus(err, ""))
		return
	}
	defer watcher.Stop()

	gauge := res.s.metrics.watchers.WithLabelValues(res.kind.Resource)
	gauge.Inc()
	defer gauge.Dec()
	events := res.s.metrics.watchEvents.WithLabelValues(res.kind.Resource)

	rep, _, pb := res.accept(r)
	if pb {
		w.Header().Set("Content-Type", protobuf.StreamContentType)
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if err := rc.Flush(); err != nil {
		return
	}
	first := true
	for {
		var ev storage.Event
		var ok bool
		select {
		case <-ctx.Done():
			return
		case <-res.s.shutdown:
			return
		case ev, ok = <-watcher.ResultChan():
		}
		if !ok {
			return
		}
		if pb {
			header, body, err := res.encodeProtobufEvent(ev)
			if err != nil {
				header, body = res.protobufErrorFrame(api.NewInternalError(err))
			}
			if _, err := w.Write(header); err != nil {
				return
			}
			if _, err := w.Write(body); err != nil {
				return
			}
		} else {
			line, err := res.encodeEvent(r, ev, rep, first)
			if err != nil {
				line, _ = json.Marshal(watchLine{Type: api.Error, Object: api.NewInternalError(err)})
			}
			if _, err := w.Write(append(line, '\n')); err != nil {
				return
			}
		}
		first = false
		// Events already waiting go out in the same flush (fewer TLS records and
		// syscalls when they come in bursts); the last of them flushes them all.
		if len(watcher.ResultChan()) == 0 {
			if err := rc.Flush(); err != nil {
				return
			}
		}
		events.Inc()
		if ev.Type == api.Error {
			return
		}
	}
}

// watchTimeout is timeoutSeconds, or a random duration between the configured bounds
// so that clients' re-watches spread out.
func (res *resource) watchTimeout(q map[string][]string) (time.Duration, *api.Status) {
	if v := first(q["timeoutSeconds"]); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return 0, api.NewBadRequest(fmt.Sprintf("timeoutSeconds: invalid value %q", v))
		}
		if n > 0 {
			return time.Duration(n) * time.Second, nil
		}
	}
	lo, hi := res.s.cfg.MinWatchTimeout, res.s.cfg.MaxWatchTimeout
	if hi == lo {
		return lo, nil
	}
	return lo + rand.N(hi-lo), nil
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// encodeEvent renders one storage event as a line of the watch stream.
func (res *resource) encodeEvent(r *http.Request, ev storage.Event, rep representation, headers bool) ([]byte, error) {
	switch ev.Type {
	case api.Error:
		return json.Marshal(watchLine{Type: api.Error, Object: withKind(statusFor(ev.Err, res.gr, ""))})
	case api.Bookmark:
		obj := res.kind.New()
		res.setTypeMeta(obj)
		m := obj.GetObjectMeta()
		m.ResourceVersion = storage.FormatResourceVersion(ev.Revision)
		if ev.InitialEventsEnd {
			m.Annotations = map[string]string{InitialEventsEndAnnotation: "true"}
		}
		return json.Marshal(watchLine{Type: api.Bookmark, Object: obj})
	}
	if rep == asObject && ev.Encoded != nil {
		// The watch cache encoded the object once for every watcher: splice it in.
		data, err := ev.Encoded(storage.FormatJSON)
		if err != nil {
			return nil, err
		}
		line := make([]byte, 0, len(data)+32)
		line = append(line, `{"type":"`...)
		line = append(line, ev.Type...)
		line = append(line, `","object":`...)
		line = append(line, data...)
		return append(line, '}'), nil
	}
	res.setTypeMeta(ev.Object)
	var obj any = ev.Object
	switch rep {
	case asTable:
		t, err := res.table(r, []api.Object{ev.Object}, headers)
		if err != nil {
			return nil, err
		}
		obj = t
	case asPartialMetadata:
		obj = partialMetadata(ev.Object)
	}
	return json.Marshal(watchLine{Type: ev.Type, Object: obj})
}

// encodeProtobufEvent renders one storage event as a frame of a protobuf watch stream:
// the frame's header, then the object's encoding (shared with every other watcher
// when the watch cache made it), written one after the other without copying.
func (res *resource) encodeProtobufEvent(ev storage.Event) (header, body []byte, err error) {
	var obj api.Object
	switch ev.Type {
	case api.Error:
		header, body = res.protobufErrorFrame(statusFor(ev.Err, res.gr, ""))
		return header, body, nil
	case api.Bookmark:
		obj = res.kind.New()
		m := obj.GetObjectMeta()
		m.ResourceVersion = storage.FormatResourceVersion(ev.Revision)
		if ev.InitialEventsEnd {
			m.Annotations = map[string]string{InitialEventsEndAnnotation: "true"}
		}
	default:
		if ev.Encoded != nil {
			if body, err = ev.Encoded(storage.FormatProtobuf); err != nil {
				return nil, nil, err
			}
		}
		obj = ev.Object
	}
	if body == nil {
		res.setTypeMeta(obj)
		if body, err = protobuf.Marshal(res.kind.APIVersion(), res.kind.Kind, res.kind.Protobuf, obj); err != nil {
			return nil, nil, err
		}
	}
	return protobuf.AppendWatchFrameHeader(nil, string(ev.Type), len(body)), body, nil
}

// protobufErrorFrame is an ERROR event carrying st.
func (res *resource) protobufErrorFrame(st *api.Status) (header, body []byte) {
	body, _ = protobuf.Marshal("v1", "Status", protoschema.Status, withKind(st))
	return protobuf.AppendWatchFrameHeader(nil, string(api.Error), len(body)), body
}

// withKind stamps a Status with its kind, as it travels inside a watch event.
func withKind(st *api.Status) *api.Status {
	st.Kind, st.APIVersion = "Status", "v1"
	if st.Status == "" {
		st.Status = api.StatusFailure
	}
	return st
}
