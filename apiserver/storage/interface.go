package storage

import (
	"context"
	"strconv"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/fields"
	"github.com/orrery-dev/orrery/api/labels"
)

// Interface is storage for one resource with Kubernetes' resourceVersion semantics. The
// etcd Store implements it, and so does the watch cache that wraps a Store.
//
// Keys are relative to the resource: "<namespace>/<name>" or "<name>" (ObjectKey); a
// prefix for List and Watch is "" (everything) or "<namespace>/". Objects passed in
// become the store's. Objects returned by Get, List and Watch may be shared with other
// readers (the watch cache hands every reader the same ones): callers must not modify
// them, but copy first. Objects returned by Create, GuaranteedUpdate and Delete are the
// caller's.
//
// All methods are safe for concurrent use.
type Interface interface {
	// Create stores obj at key if the key is free, sets obj's resourceVersion and returns
	// it. obj must not carry a resourceVersion. A taken key is AlreadyExists.
	Create(ctx context.Context, key string, obj api.Object) (api.Object, error)
	// Get returns the object at key, NotFound if there is none.
	Get(ctx context.Context, key string, opts GetOptions) (api.Object, error)
	// GuaranteedUpdate reads the object at key, calls tryUpdate with it and writes what
	// tryUpdate returns if the object did not change in between, retrying with the fresh
	// object if it did. It returns the stored object.
	GuaranteedUpdate(ctx context.Context, key string, opts UpdateOptions, tryUpdate UpdateFunc) (api.Object, error)
	// Delete removes the object at key if the preconditions hold and returns its last state.
	Delete(ctx context.Context, key string, opts DeleteOptions) (api.Object, error)
	// List returns the objects under prefix that match the predicate, in key order.
	List(ctx context.Context, prefix string, opts ListOptions) (*ListResult, error)
	// Watch streams the changes under prefix after opts.ResourceVersion. It ends when
	// ctx ends or Stop is called.
	Watch(ctx context.Context, prefix string, opts WatchOptions) (Watcher, error)
	// CurrentRevision returns storage's current revision.
	CurrentRevision(ctx context.Context) (int64, error)
}

// UpdateFunc computes the new state of an object from its current state. current is a
// fresh copy that the function may modify and return. An error aborts the update and is
// returned as is. If the returned object carries a resourceVersion other than current's,
// the update fails with Conflict: that is how a client's stale resourceVersion is caught.
// The function may run several times, so it must have no other side effects.
type UpdateFunc func(current api.Object) (api.Object, error)

// Preconditions must hold for an update or delete to happen; nil fields are not checked.
type Preconditions struct {
	UID             *string
	ResourceVersion *string
}

// GetOptions are the options of Get.
type GetOptions struct {
	// ResourceVersion "" or "0" reads the latest state; "N" reads state not older than N
	// (TooLargeResourceVersion if storage is behind N).
	ResourceVersion string
}

// UpdateOptions are the options of GuaranteedUpdate.
type UpdateOptions struct {
	Preconditions *Preconditions
	// IgnoreNotFound calls tryUpdate with nil when the key does not exist, and creates
	// the object (a create-on-update). Without it, a missing key is NotFound.
	IgnoreNotFound bool
	// Cached, when set, is a recent state of the object (the watch cache's) to try the
	// update on first, instead of reading storage: the write's revision check catches
	// a stale one, and the update is then retried on what storage holds. The same
	// happens when the cached state fails the preconditions or tryUpdate, or makes
	// the update a no-op, so no answer rests on a stale state.
	Cached *CachedState
}

// CachedState is an object as a cache holds it.
type CachedState struct {
	// Object is the object without its resourceVersion; it is only read.
	Object api.Object
	// Revision is the revision it was written at.
	Revision int64
}

// DeleteOptions are the options of Delete.
type DeleteOptions struct {
	Preconditions *Preconditions
	// Validate, if set, is called with the current object and may refuse the deletion.
	Validate func(current api.Object) error
}

// ResourceVersionMatch says how List interprets ResourceVersion.
type ResourceVersionMatch string

// The values of ResourceVersionMatch, as Kubernetes' resourceVersionMatch parameter.
const (
	// MatchDefault: "" is the latest state; "0" any state (the latest, from etcd); "N"
	// state not older than N.
	MatchDefault ResourceVersionMatch = ""
	// MatchNotOlderThan: state not older than ResourceVersion.
	MatchNotOlderThan ResourceVersionMatch = "NotOlderThan"
	// MatchExact: state exactly at ResourceVersion (Expired if it was compacted).
	MatchExact ResourceVersionMatch = "Exact"
)

// ListOptions are the options of List.
type ListOptions struct {
	ResourceVersion      string
	ResourceVersionMatch ResourceVersionMatch
	Predicate            Predicate
	// Limit caps the number of items returned; 0 means no limit. When the list is cut
	// short, ListResult.Continue resumes it.
	Limit int64
	// Continue is a token from an earlier ListResult; the list resumes where that page
	// ended, at that page's revision.
	Continue string
}

// ListResult is one page of a list.
type ListResult struct {
	Items []api.Object
	// ResourceVersion is the revision the list was read at.
	ResourceVersion int64
	// Continue resumes the list after this page; empty on the last page.
	Continue string
	// RemainingItemCount is the number of items after this page, when it is known
	// (only for lists without a selector).
	RemainingItemCount *int64
	// FromCache reports that the watch cache served the list (the etcd Store never
	// sets it). The apiserver uses it to tell cache-served from etcd-served lists apart
	// in its metrics.
	FromCache bool
	// Encoded, when not nil, holds for each item a function that returns the item's
	// encoding in a format, computed at most once per format and shared with every
	// other reader (see Event.Encoded); the bytes must not be modified. Nil (the etcd
	// Store) means: encode the items yourself.
	Encoded []Encoded
}

// Format is an encoding of objects on the wire.
type Format uint8

// The formats.
const (
	// FormatJSON is the object's JSON.
	FormatJSON Format = iota
	// FormatProtobuf is Kubernetes' protobuf encoding of the object, with its envelope.
	FormatProtobuf
	// NumFormats is the number of formats.
	NumFormats
)

// Encoded returns an object's encoding in a format.
type Encoded func(Format) ([]byte, error)

// WatchOptions are the options of Watch.
type WatchOptions struct {
	// ResourceVersion: events after this revision. 0 means: first an ADDED event for
	// every object of an initial state (see AnyInitialState and MinInitialRevision),
	// then every change after that state. Several changes may share a revision (a
	// transaction that wrote several keys): a watch delivers all of them.
	ResourceVersion int64
	// AnyInitialState, with ResourceVersion 0, lets the initial state be any state
	// storage holds, as Kubernetes' resourceVersion "0" does: the watch cache serves its
	// own without waiting. Without it (and without MinInitialRevision) the initial state
	// is storage's current one, a consistent read like a LIST without resourceVersion.
	AnyInitialState bool
	// MinInitialRevision, with ResourceVersion 0, asks for an initial state not older
	// than this revision (Kubernetes' resourceVersionMatch=NotOlderThan): Watch fails
	// with TooLargeResourceVersion when storage does not reach it in time.
	MinInitialRevision int64
	Predicate          Predicate
	// ProgressNotify asks for Bookmark events that carry the revision storage has
	// reached while nothing under the prefix changed.
	ProgressNotify bool
	// InitialEventsEnd, with ResourceVersion 0, marks the end of the initial ADDED
	// events with a Bookmark event whose InitialEventsEnd is true (Kubernetes'
	// sendInitialEvents).
	InitialEventsEnd bool
	// WithoutPrevious does not ask etcd for each change's previous value, which etcd
	// reads from its backend for every event it sends. A DELETED event may then carry
	// only the object's namespace, name and resourceVersion: this is for a reader that
	// keeps the last state of every key itself, as the watch cache does. It cannot be
	// combined with a Predicate, which needs the previous state.
	WithoutPrevious bool
}

// Event is one change seen by a watch.
type Event struct {
	Type api.EventType
	// Object is the new state (ADDED, MODIFIED) or the last state (DELETED), with its
	// resourceVersion set to the event's revision. Nil for BOOKMARK and ERROR.
	Object api.Object
	// PrevObject is the state before a MODIFIED event, when the watch decoded it (it
	// does when it filters by a predicate).
	PrevObject api.Object
	// Revision is the revision of the change, or the revision reached for a BOOKMARK.
	Revision int64
	// InitialEventsEnd marks the BOOKMARK that ends the initial events (see
	// WatchOptions.InitialEventsEnd).
	InitialEventsEnd bool
	// More reports that the next event has the same revision: one transaction changed
	// several keys. A reader that must never expose half a revision (the watch cache)
	// applies the changes together once the last of them (More false) has come.
	More bool
	// Err is set for ERROR events (an *Error: Expired when the revision was compacted).
	// The watch ends after it.
	Err error
	// Encoded, when not nil, returns the encoding of Object in a format. It is computed
	// at most once per object and format, lazily, and the same bytes are returned to
	// every watcher that receives the object in that format, so a watch stream can
	// splice them into {"type":...,"object":<bytes>} (or a protobuf frame) instead of
	// encoding Object again. The bytes must not be modified. Nil (the etcd Store)
	// means: encode Object yourself.
	Encoded Encoded
}

// Watcher is a running watch.
type Watcher interface {
	// ResultChan delivers the events; it is closed when the watch ends.
	ResultChan() <-chan Event
	// Stop ends the watch and waits until it has released its resources. Safe to call
	// more than once and from any goroutine.
	Stop()
}

// AttrFunc returns the labels and selectable fields of an object.
type AttrFunc func(obj api.Object) (labels.Set, fields.Set)

// Predicate selects objects by labels and fields. The zero Predicate matches everything.
type Predicate struct {
	Label labels.Selector
	Field fields.Selector
	// Attrs extracts labels and fields; nil means labels and metadata.name and
	// metadata.namespace only.
	Attrs AttrFunc
}

// Empty reports whether the predicate matches everything.
func (p Predicate) Empty() bool {
	return (p.Label == nil || p.Label.Empty()) && (p.Field == nil || p.Field.Empty())
}

// Matches reports whether obj is selected.
func (p Predicate) Matches(obj api.Object) bool {
	if p.Empty() {
		return true
	}
	attrs := p.Attrs
	if attrs == nil {
		attrs = MetaAttrs
	}
	l, f := attrs(obj)
	if p.Label != nil && !p.Label.Matches(l) {
		return false
	}
	return p.Field == nil || p.Field.Matches(f)
}

// MetaAttrs returns an object's labels and its metadata.name and metadata.namespace fields.
func MetaAttrs(obj api.Object) (labels.Set, fields.Set) {
	m := obj.GetObjectMeta()
	return labels.Set(m.Labels), fields.Set{"metadata.name": m.Name, "metadata.namespace": m.Namespace}
}

// ObjectKey is the storage key of an object: "<namespace>/<name>", or "<name>" for a
// cluster-scoped object.
func ObjectKey(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

// NamespacePrefix is the List and Watch prefix of one namespace ("" for all).
func NamespacePrefix(namespace string) string {
	if namespace == "" {
		return ""
	}
	return namespace + "/"
}

// ParseResourceVersion parses a resourceVersion; "" is 0.
func ParseResourceVersion(rv string) (int64, error) {
	if rv == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(rv, 10, 64)
	if err != nil || n < 0 {
		return 0, errBadRequest("invalid resource version %q", rv)
	}
	return n, nil
}

// FormatResourceVersion formats a revision as a resourceVersion; 0 is "".
func FormatResourceVersion(rev int64) string {
	if rev == 0 {
		return ""
	}
	return strconv.FormatInt(rev, 10)
}
