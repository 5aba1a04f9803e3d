package cacher

import (
	"fmt"
	"maps"
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

// shareFields makes o hold prev's field set when the two are equal, as they are for
// most changes (a status update leaves a pod's selectable fields alone), so that the
// versions of an object in the cache hold one set between them.
func (o *object) shareFields(prev *object) {
	if maps.Equal(o.fields, prev.fields) {
		o.fields = prev.fields
	}
}

// at is o's state at revision rev (o's last state when it was deleted at rev): a copy
// whose resourceVersion is rev, with o's attributes.
func (o *object) at(c *Cacher, rev int64) *object {
	obj := withResourceVersion(o.obj, storage.FormatResourceVersion(rev))
	a := &object{key: o.key, ns: o.ns, obj: obj, rev: rev, labels: o.labels, fields: o.fields, enc: c.encode}
	a.encoded = a.encode
	return a
}

// goneObject is prev at the event's revision: what a watcher for which the object
// stopped matching receives as DELETED. It is made once, for all such watchers.
func (e *event) goneObject(c *Cacher) *object {
	e.goneOnce.Do(func() { e.gone = e.prev.at(c, e.rev) })
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
