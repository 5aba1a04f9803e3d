package cacher

import (
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/fields"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// object is one state of one key. It is immutable once the cache has published it and
// shared by the cache's state, its events and every reader.
type object struct {
	key    string
	ns     string
	obj    api.Object
	rev    int64
	labels labels.Set
	fields fields.Set
	// encoded returns obj's encoding in a format, computed once per format (the
	// Event.Encoded hook).
	encoded storage.Encoded

	once [storage.NumFormats]sync.Once
	data [storage.NumFormats][]byte
	err  [storage.NumFormats]error
	enc  func(api.Object, storage.Format) ([]byte, error)
}

func (c *Cacher) newObject(key string, obj api.Object, rev int64) *object {
	l, f := c.attrs(obj)
	o := &object{key: key, ns: obj.GetObjectMeta().Namespace, obj: obj, rev: rev, labels: l, fields: f, enc: c.encode}
	o.encoded = o.encode
	return o
}

func (o *object) encode(f storage.Format) ([]byte, error) {
	if f >= storage.NumFormats {
		return nil, fmt.Errorf("cacher: unknown format %d", f)
	}
	o.once[f].Do(func() { o.data[f], o.err[f] = o.enc(o.obj, f) })
	return o.data[f], o.err[f]
}

// matches evaluates pred on the attributes computed when o entered the cache.
func matches(pred storage.Predicate, o *object) bool {
	if pred.Label != nil && !pred.Label.Matches(o.labels) {
		return false
	}
	return pred.Field == nil || pred.Field.Matches(o.fields)
}

// event is one change the cache applied, as an unfiltered watcher sees it.
type event struct {
	typ api.EventType // Added, Modified or Deleted
	// cur is the new state, or for Deleted the last state at the deletion's revision.
	cur *object
	// prev is the state before the change; nil for Added.
	prev *object
	rev  int64
	// seq is the event's number among all the changes the cache applied: several
	// events may share a revision, none a number.
	seq uint64
	at  time.Time

	goneOnce sync.Once
	gone     *object
}

// goneObject is prev at the event's revision: what a watcher for which the object
// stopped matching receives as DELETED. It is made once, for all such watchers.
func (e *event) goneObject(c *Cacher) *object {
	e.goneOnce.Do(func() {
		obj := withResourceVersion(e.prev.obj, storage.FormatResourceVersion(e.rev))
		g := &object{key: e.prev.key, ns: e.prev.ns, obj: obj, rev: e.rev, labels: e.prev.labels, fields: e.prev.fields, enc: c.encode}
		g.encoded = g.encode
		e.gone = g
	})
	return e.gone
}

// withResourceVersion returns a shallow copy of obj (a pointer to a struct) with its
// resourceVersion set to rv. The copy shares obj's maps and slices, which nobody
// modifies.
func withResourceVersion(obj api.Object, rv string) api.Object {
	v := reflect.ValueOf(obj).Elem()
	cp := reflect.New(v.Type())
	cp.Elem().Set(v)
	out := cp.Interface().(api.Object)
	out.GetObjectMeta().ResourceVersion = rv
	return out
}
