package storage

import (
	"context"
	"errors"
	"strings"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
)

// watchChanSize is the buffer between the etcd watch and the consumer.
const watchChanSize = 100

// etcdWatcher is a Watcher over one etcd watch. Its goroutine is started by Watch and
// owned by the watcher: Stop cancels it and waits for it.
type etcdWatcher struct {
	s      *Store
	prefix string
	opts   WatchOptions
	pred   Predicate
	filter bool

	cancel context.CancelFunc
	result chan Event
	done   chan struct{}
}

var _ Watcher = (*etcdWatcher)(nil)

// Watch implements Interface.
func (s *Store) Watch(ctx context.Context, prefix string, opts WatchOptions) (Watcher, error) {
	if opts.ResourceVersion < 0 {
		return nil, errBadRequest("invalid resource version %d", opts.ResourceVersion)
	}
	if opts.ResourceVersion == 0 && opts.MinInitialRevision > 0 {
		cur, err := s.CurrentRevision(ctx)
		if err != nil {
			return nil, err
		}
		if cur < opts.MinInitialRevision {
			return nil, errTooLarge(opts.MinInitialRevision, cur)
		}
	}
	pred := opts.Predicate
	if opts.WithoutPrevious && !pred.Empty() {
		return nil, errors.New("storage: a watch without previous values cannot filter by a predicate")
	}
	if pred.Attrs == nil {
		pred.Attrs = s.attrs
	}
	// Ask etcd to fail the watch rather than hang when the cluster loses its leader.
	ctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	w := &etcdWatcher{
		s:      s,
		prefix: prefix,
		opts:   opts,
		pred:   pred,
		filter: !pred.Empty(),
		cancel: cancel,
		result: make(chan Event, watchChanSize),
		done:   make(chan struct{}),
	}
	go w.run(ctx)
	return w, nil
}

func (w *etcdWatcher) ResultChan() <-chan Event { return w.result }

func (w *etcdWatcher) Stop() {
	w.cancel()
	<-w.done
}

// send delivers ev unless the watch is stopping.
func (w *etcdWatcher) send(ctx context.Context, ev Event) bool {
	select {
	case w.result <- ev:
		return true
	case <-ctx.Done():
		return false
	}
}

func (w *etcdWatcher) sendError(ctx context.Context, err error) {
	w.send(ctx, Event{Type: api.Error, Err: err})
}

func (w *etcdWatcher) run(ctx context.Context) {
	defer close(w.done)
	defer close(w.result)
	defer w.cancel()

	s := w.s
	keyPrefix := s.etcdKey(w.prefix)
	fromRev := w.opts.ResourceVersion + 1
	if w.opts.ResourceVersion == 0 {
		// The current state first, as ADDED events, then the changes after it. It is
		// read as a List reads it: in pages, passing over values that do not decode.
		res, err := s.List(ctx, w.prefix, ListOptions{
			ResourceVersion: FormatResourceVersion(w.opts.MinInitialRevision),
			Predicate:       w.pred,
		})
		if err != nil {
			if ctx.Err() == nil {
				w.sendError(ctx, err)
			}
			return
		}
		for i, obj := range res.Items {
			res.Items[i] = nil
			rev, _ := ParseResourceVersion(obj.GetObjectMeta().ResourceVersion)
			if !w.send(ctx, Event{Type: api.Added, Object: obj, Revision: rev}) {
				return
			}
		}
		fromRev = res.ResourceVersion + 1
		if w.opts.InitialEventsEnd && !w.send(ctx, Event{Type: api.Bookmark, Revision: res.ResourceVersion, InitialEventsEnd: true}) {
			return
		}
	}

	opts := []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithRev(fromRev)}
	if !w.opts.WithoutPrevious {
		opts = append(opts, clientv3.WithPrevKV())
	}
	if w.opts.ProgressNotify {
		opts = append(opts, clientv3.WithProgressNotify())
	}
	wch := s.client.Watch(ctx, keyPrefix, opts...)
	for {
		var resp clientv3.WatchResponse
		var ok bool
		select {
		case <-ctx.Done():
			return
		case resp, ok = <-wch:
		}
		if !ok {
			if ctx.Err() == nil {
				w.sendError(ctx, errors.New("etcd watch channel closed"))
			}
			return
		}
		if resp.CompactRevision != 0 {
			w.sendError(ctx, errExpired(fromRev-1, resp.CompactRevision))
			return
		}
		if err := resp.Err(); err != nil {
			if ctx.Err() == nil {
				s.logger.Warn("etcd watch failed", zap.String("prefix", keyPrefix), zap.Error(err))
				w.sendError(ctx, err)
			}
			return
		}
		if resp.IsProgressNotify() {
			if w.opts.ProgressNotify && !w.send(ctx, Event{Type: api.Bookmark, Revision: resp.Header.Revision}) {
				return
			}
			continue
		}
		// etcd delivers the changes of one revision in one response; each but the
		// last of a revision is sent with More, so that a reader can apply a
		// revision whole.
		var held Event
		holding := false
		for _, ev := range resp.Events {
			out, keep := w.convert(ev)
			if !keep {
				continue
			}
			if holding {
				held.More = held.Revision == out.Revision
				if !w.send(ctx, held) {
					return
				}
			}
			held, holding = out, true
		}
		if holding && !w.send(ctx, held) {
			return
		}
	}
}

// convert turns an etcd event into a storage event, applying the predicate: an object
// that stops matching becomes DELETED, one that starts matching ADDED.
//
// A state that does not decode (logged and counted by decode) is one the watcher cannot
// see, as List cannot: when an object's new state is unreadable, the watcher is told
// that its last readable state was DELETED; a deletion or change of an unreadable state
// is what it was for the watcher, a deletion of nothing (dropped) or the object's
// appearance (ADDED, or MODIFIED without a filter, which a client that does not know
// the object takes as its appearance).
func (w *etcdWatcher) convert(ev *clientv3.Event) (Event, bool) {
	s := w.s
	key := s.key(ev.Kv)
	rev := ev.Kv.ModRevision
	var prev api.Object
	prevUnreadable := false
	decodePrev := func() {
		if ev.PrevKv != nil && prev == nil && !prevUnreadable {
			var err error
			prev, err = s.decode(key, ev.PrevKv.Value, ev.PrevKv.ModRevision)
			prevUnreadable = err != nil
		}
	}
	if w.filter || ev.Type == clientv3.EventTypeDelete {
		decodePrev()
	}
	if ev.Type == clientv3.EventTypeDelete {
		if prevUnreadable {
			return Event{}, false
		}
		if prev == nil {
			// The previous value is gone (compacted) or was not asked for: all
			// that is left is the key.
			prev = w.keyOnly(key)
		}
		if w.filter && !w.pred.Matches(prev) {
			return Event{}, false
		}
		return deleted(prev, rev), true
	}
	cur, err := s.decode(key, ev.Kv.Value, rev)
	if err != nil {
		if ev.IsCreate() {
			return Event{}, false
		}
		if w.opts.WithoutPrevious {
			// The reader knows the last state; for it, that state is deleted.
			return deleted(w.keyOnly(key), rev), true
		}
		decodePrev()
		if prev == nil || (w.filter && !w.pred.Matches(prev)) {
			return Event{}, false
		}
		return deleted(prev, rev), true
	}
	if ev.IsCreate() {
		if w.filter && !w.pred.Matches(cur) {
			return Event{}, false
		}
		return Event{Type: api.Added, Object: cur, Revision: rev}, true
	}
	if !w.filter {
		return Event{Type: api.Modified, Object: cur, Revision: rev}, true
	}
	curMatch := w.pred.Matches(cur)
	prevMatch := prev != nil && w.pred.Matches(prev)
	switch {
	case curMatch && prevMatch:
		return Event{Type: api.Modified, Object: cur, PrevObject: prev, Revision: rev}, true
	case curMatch:
		return Event{Type: api.Added, Object: cur, Revision: rev}, true
	case prevMatch:
		return deleted(prev, rev), true
	}
	return Event{}, false
}

// keyOnly is an object of the watched kind with only the namespace and name of key.
func (w *etcdWatcher) keyOnly(key string) api.Object {
	obj := w.s.newFunc()
	m := obj.GetObjectMeta()
	m.Namespace, m.Name = splitKey(key)
	return obj
}

// deleted is the DELETED event for the last state last, at revision rev: as in
// Kubernetes, the object carries the revision of the deletion.
func deleted(last api.Object, rev int64) Event {
	last.GetObjectMeta().ResourceVersion = FormatResourceVersion(rev)
	return Event{Type: api.Deleted, Object: last, Revision: rev}
}

// splitKey splits "<namespace>/<name>" or "<name>".
func splitKey(key string) (namespace, name string) {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return "", key
}
