package api

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orrery-dev/orrery/api/protoschema"
)

// Kind is the registration of one kind of object: everything the apiserver and the
// clients need to know to serve it and to use it. Register it with Register; built-in
// kinds are registered through the same call (package api/builtin).
//
// Version, Kind, Resource and NewList are required (Group is empty for the core group);
// the zero value of every other field is documented.
type Kind[T Object] struct {
	// Group is the API group ("" for core, "apps", "example.orrery.dev").
	Group string
	// Version is the version within the group: "v1".
	Version string
	// Kind is the kind's name: "Widget".
	Kind string
	// ListKind is the kind of its lists. Empty means Kind + "List".
	ListKind string
	// Resource is the plural, lower-case resource name in URLs: "widgets".
	Resource string
	// SingularName is the singular resource name. Empty means Kind in lower case.
	SingularName string
	// Namespaced says whether objects live in namespaces.
	Namespaced bool
	// ShortNames are kubectl's abbreviations; Categories group resources for kubectl
	// ("all").
	ShortNames, Categories []string
	// Subresources are served under each object: "status" (the status is then written
	// only through it) and "scale" for any kind; "binding" (pods) and "finalize"
	// (namespaces) for the built-in kinds that have them.
	Subresources []string
	// Verbs are the verbs the resource serves, as discovery lists them. Nil means all
	// of create, delete, deletecollection, get, list, patch, update and watch.
	Verbs []string
	// ReturnDeletedObject: a DELETE of an object removed at once answers with the
	// object, not a Status (Kubernetes does so for pods).
	ReturnDeletedObject bool
	// Expires: objects expire a while after their last write (the apiserver's
	// --event-ttl), as Kubernetes stores Events.
	Expires bool
	// AllowCreateOnUpdate: a PUT of an object that does not exist creates it
	// (Kubernetes allows it for leases and events).
	AllowCreateOnUpdate bool
	// StorageKey is where objects are stored, below the server's etcd prefix
	// ("/registry"). Empty means "<group>/<resource>", or "<resource>" for the core
	// group; the built-in kinds of other groups keep Kubernetes' keys ("deployments").
	StorageKey string
	// NewList returns an empty list of the kind. Required.
	NewList func() ListObject

	// Default fills the fields the server defaults, leaving set fields alone. Nil
	// means none.
	Default func(obj T)
	// PrepareForCreate resets what a client may not set on create (typically the
	// status) after the server has set the system metadata. Nil means nothing.
	PrepareForCreate func(obj T)
	// PrepareForUpdate carries over from old what an update of the object may not
	// change beyond the system metadata and (with a status subresource) the status,
	// which the server carries over itself. Nil means nothing.
	PrepareForUpdate func(obj, old T)
	// Validate checks an object to be created, ValidateUpdate an update,
	// ValidateStatusUpdate an update through the status subresource; each returns the
	// problems found, each with its field (a 422 answer). Nil means no checks.
	Validate             func(obj T) []StatusCause
	ValidateUpdate       func(obj, old T) []StatusCause
	ValidateStatusUpdate func(obj, old T) []StatusCause
	// SelectableFields returns the fields a field selector may test, with their
	// values, besides metadata.name and (namespaced kinds) metadata.namespace, which
	// every kind has. Nil means those two only.
	SelectableFields func(obj T) map[string]string
	// IndexFields are the selectable fields by which the watch cache indexes objects
	// and watchers, for those that select one exact value (pods: spec.nodeName).
	IndexFields []string
	// GracePeriod is how long a deletion waits (seconds) before the object goes: with
	// more than 0 it is marked with a deletionTimestamp and left to its owner (the
	// kubelet, for pods), which removes it. Nil means objects are deleted at once.
	GracePeriod func(obj T, opts *DeleteOptions) int64
	// Finalizing reports whether the object holds finalizers of its kind's own (a
	// namespace's spec.finalizers) that keep it, marked for deletion, until a
	// controller removes them. Nil means never.
	Finalizing func(obj T) bool
	// PrepareForDelete changes an object that a delete marks for deletion (a
	// namespace turns Terminating). Nil means nothing.
	PrepareForDelete func(obj T)
	// SchemaPrefix names the kind's types in its OpenAPI schema, which is derived from
	// its Go types: a struct type T the documents do not name yet is SchemaPrefix + T's
	// Go name ("io.k8s.api.apps.v1." for apps/v1). Empty means the group reversed and
	// the version: "dev.orrery.example.v1." for example.orrery.dev/v1.
	SchemaPrefix string
	// Descriptions document the kind's types and fields in its OpenAPI schema (kubectl
	// explain), by Go type name ("Widget") and type name and JSON field name
	// ("WidgetSpec.size").
	Descriptions map[string]string
	// MergeRules are the kind's strategic-merge-patch rules (Kubernetes'
	// patchStrategy and patchMergeKey tags), by field path below the object:
	// "spec.containers" is merged by "name", "spec.containers.ports" (a path through a
	// list goes on in its elements) by "containerPort". The rules of metadata
	// (finalizers, ownerReferences) hold for every kind and need not be given. Nil
	// means lists are replaced by a patch.
	MergeRules map[string]MergeRule
	// Columns are the columns of the kind's Tables (kubectl get), NAME first; Row
	// returns the row of one object at time now: its cells, one per column, and any
	// row conditions. Nil Columns means Kubernetes' default: NAME and "Created At".
	Columns []TableColumnDefinition
	Row     func(obj T, now time.Time) TableRow
	// Replicas and SetReplicas serve the scale subresource (autoscaling/v1 Scale):
	// Replicas reads the desired and observed replicas and the pod selector, SetReplicas
	// sets the desired ones. Required with a "scale" subresource.
	Replicas    func(obj T) (spec, status int32, selector *LabelSelector)
	SetReplicas func(obj T, replicas int32)
	// Protobuf is the kind's message in Kubernetes' protobuf encoding (package
	// protoschema), for kinds that client-go sends as application/vnd.kubernetes.protobuf:
	// the field numbers of Kubernetes' generated.proto for the fields the Go type models.
	// Register checks that it fits T: every JSON field of T has a field of a fitting
	// kind, and the message names no field T lacks. Nil means the kind is read as JSON
	// only, as Kubernetes reads custom resources.
	Protobuf *protoschema.Message
	// ProtobufBodies are the messages of the other kinds its subresources take as
	// request bodies, by kind name, in the kind's group and version (pods: "Binding").
	ProtobufBodies map[string]*protoschema.Message
}

// MergeRule is how a strategic merge patch merges one list field: Strategy "merge"
// (optionally with ",retainKeys") with the elements matched by their field Key; a
// list of primitives merged as a set has no Key.
type MergeRule struct {
	Strategy string
	Key      string
}

// KindInfo is a registered kind as the apiserver and clients see it, whatever its Go
// type. Values are read-only: they share their slices with the registry.
type KindInfo struct {
	Group, Version, Kind, ListKind, Resource, SingularName string
	Namespaced                                             bool
	ShortNames, Categories, Subresources, Verbs            []string
	ReturnDeletedObject, Expires, AllowCreateOnUpdate      bool
	IndexFields                                            []string
	// StorageKey is where objects are stored below the server's etcd prefix.
	StorageKey string
	// Columns are the columns of the kind's Tables, if the registration gives them.
	Columns []TableColumnDefinition
	// MergeRules are the kind's strategic-merge-patch rules (see Kind.MergeRules).
	MergeRules map[string]MergeRule
	// SchemaPrefix and Descriptions name and document the kind's OpenAPI schema (see
	// Kind.SchemaPrefix and Kind.Descriptions).
	SchemaPrefix string
	Descriptions map[string]string
	// Protobuf is the kind's message in Kubernetes' protobuf encoding, nil if it has
	// none (see Kind.Protobuf).
	Protobuf *protoschema.Message
	// New returns an empty object of the kind with its TypeMeta set.
	New func() Object
	// NewList returns an empty list of the kind with its TypeMeta set.
	NewList func() ListObject

	goType               reflect.Type
	defaults             func(Object)
	prepareForCreate     func(Object)
	prepareForUpdate     func(obj, old Object)
	validate             func(Object) []StatusCause
	validateUpdate       func(obj, old Object) []StatusCause
	validateStatusUpdate func(obj, old Object) []StatusCause
	selectableFields     func(Object) map[string]string
	gracePeriod          func(Object, *DeleteOptions) int64
	finalizing           func(Object) bool
	prepareForDelete     func(Object)
	row                  func(Object, time.Time) TableRow
	replicas             func(Object) (int32, int32, *LabelSelector)
	setReplicas          func(Object, int32)
}

// APIVersion returns the group/version string: "v1" for core, else "group/version".
func (k KindInfo) APIVersion() string {
	if k.Group == "" {
		return k.Version
	}
	return k.Group + "/" + k.Version
}

// GroupResource returns the kind's group and resource.
func (k KindInfo) GroupResource() GroupResource {
	return GroupResource{Group: k.Group, Resource: k.Resource}
}

// HasSubresource reports whether the kind serves the subresource ("status").
func (k KindInfo) HasSubresource(name string) bool {
	for _, s := range k.Subresources {
		if s == name {
			return true
		}
	}
	return false
}

// Type is the Go type of the kind's objects (a pointer to a struct).
func (k KindInfo) Type() reflect.Type { return k.goType }

// Default fills obj's defaults (see Kind.Default).
func (k KindInfo) Default(obj Object) {
	if k.defaults != nil {
		k.defaults(obj)
	}
}

// PrepareForCreate resets what a client may not set on create (see Kind.PrepareForCreate).
func (k KindInfo) PrepareForCreate(obj Object) {
	if k.prepareForCreate != nil {
		k.prepareForCreate(obj)
	}
}

// PrepareForUpdate carries over from old what an update may not change (see
// Kind.PrepareForUpdate).
func (k KindInfo) PrepareForUpdate(obj, old Object) {
	if k.prepareForUpdate != nil {
		k.prepareForUpdate(obj, old)
	}
}

// Validates reports whether the registration brings its own validation of creates;
// ValidatesUpdates, of updates.
func (k KindInfo) Validates() bool { return k.validate != nil }

// ValidatesUpdates reports whether the registration brings its own validation of
// updates.
func (k KindInfo) ValidatesUpdates() bool { return k.validateUpdate != nil }

// Validate checks an object to be created.
func (k KindInfo) Validate(obj Object) []StatusCause {
	if k.validate == nil {
		return nil
	}
	return k.validate(obj)
}

// ValidateUpdate checks obj as an update of old.
func (k KindInfo) ValidateUpdate(obj, old Object) []StatusCause {
	if k.validateUpdate == nil {
		return nil
	}
	return k.validateUpdate(obj, old)
}

// ValidateStatusUpdate checks obj as an update of old through the status subresource.
func (k KindInfo) ValidateStatusUpdate(obj, old Object) []StatusCause {
	if k.validateStatusUpdate == nil {
		return nil
	}
	return k.validateStatusUpdate(obj, old)
}

// SelectableFields returns the fields a field selector may test on obj, with their
// values: metadata.name, metadata.namespace for namespaced kinds, and the kind's own.
func (k KindInfo) SelectableFields(obj Object) map[string]string {
	meta := obj.GetObjectMeta()
	var fields map[string]string
	if k.selectableFields != nil {
		fields = k.selectableFields(obj)
	}
	if fields == nil {
		fields = make(map[string]string, 2)
	}
	fields["metadata.name"] = meta.Name
	if k.Namespaced {
		fields["metadata.namespace"] = meta.Namespace
	}
	return fields
}

// GracePeriod is how long a deletion of obj waits, in seconds (see Kind.GracePeriod).
func (k KindInfo) GracePeriod(obj Object, opts *DeleteOptions) int64 {
	if k.gracePeriod == nil {
		return 0
	}
	return k.gracePeriod(obj, opts)
}

// Finalizing reports whether obj holds finalizers of its kind's own (see
// Kind.Finalizing).
func (k KindInfo) Finalizing(obj Object) bool {
	return k.finalizing != nil && k.finalizing(obj)
}

// PrepareForDelete changes an object that a delete marks for deletion.
func (k KindInfo) PrepareForDelete(obj Object) {
	if k.prepareForDelete != nil {
		k.prepareForDelete(obj)
	}
}

// Row returns the Table row of obj at time now, for a kind whose registration gives
// Columns.
func (k KindInfo) Row(obj Object, now time.Time) TableRow { return k.row(obj, now) }

// Replicas reads the desired and observed replicas and the pod selector of an object
// of a kind with a scale subresource.
func (k KindInfo) Replicas(obj Object) (spec, status int32, selector *LabelSelector) {
	return k.replicas(obj)
}

// SetReplicas sets the desired replicas of an object of a kind with a scale subresource.
func (k KindInfo) SetReplicas(obj Object, replicas int32) { k.setReplicas(obj, replicas) }

// Registry holds the registered kinds. It is copied on write: readers never lock and
// see a consistent set, and kinds may be added while servers and clients use it. The
// zero value is not usable; make one with NewRegistry. Safe for concurrent use.
type Registry struct {
	mu    sync.Mutex // serializes writers
	state atomic.Pointer[registryState]
}

// registryState is one immutable version of a Registry.
type registryState struct {
	kinds      []KindInfo
	byResource map[GroupResource]int
	byType     map[reflect.Type]int
	byKind     map[string]int // "group/version/Kind"
	bodies     map[string]*protoschema.Message
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry {
	r := &Registry{}
	r.state.Store(&registryState{byResource: map[GroupResource]int{}, byType: map[reflect.Type]int{}, byKind: map[string]int{}})
	return r
}

// ErrDuplicateKind is the error (wrapped) of a registration that collides with one
// already made.
var ErrDuplicateKind = errors.New("kind already registered")

// Register adds the kind k to r. It refuses, with an error naming the collision, a
// kind whose group and resource, group/version/kind or Go type is already registered,
// and a registration missing a required field.
func Register[T Object](r *Registry, k Kind[T]) error {
	goType := reflect.TypeFor[T]()
	if goType.Kind() != reflect.Pointer || goType.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("register %s: %v is not a pointer to a struct", k.Kind, goType)
	}
	switch {
	case k.Version == "" || k.Kind == "" || k.Resource == "":
		return fmt.Errorf("register %v: Version, Kind and Resource are required", goType)
	case k.NewList == nil:
		return fmt.Errorf("register %s: NewList is required", k.Kind)
	case strings.ToLower(k.Resource) != k.Resource || strings.Contains(k.Resource, "/"):
		return fmt.Errorf("register %s: resource %q must be lower case, without '/'", k.Kind, k.Resource)
	}
	info := KindInfo{
		Group: k.Group, Version: k.Version, Kind: k.Kind, ListKind: k.ListKind, Resource: k.Resource,
		SingularName: k.SingularName, Namespaced: k.Namespaced,
		ShortNames: k.ShortNames, Categories: k.Categories, Subresources: k.Subresources, Verbs: k.Verbs,
		ReturnDeletedObject: k.ReturnDeletedObject, Expires: k.Expires, AllowCreateOnUpdate: k.AllowCreateOnUpdate,
		IndexFields: k.IndexFields, MergeRules: k.MergeRules, Descriptions: k.Descriptions,
		Protobuf: k.Protobuf, goType: goType,
	}
	if info.ListKind == "" {
		info.ListKind = k.Kind + "List"
	}
	if info.SchemaPrefix = k.SchemaPrefix; info.SchemaPrefix == "" {
		parts := strings.Split(info.Group, ".")
		slices.Reverse(parts)
		info.SchemaPrefix = strings.Join(parts, ".") + "." + info.Version + "."
	}
	switch info.StorageKey = k.StorageKey; {
	case info.StorageKey != "":
	case info.Group == "":
		info.StorageKey = info.Resource
	default:
		info.StorageKey = info.Group + "/" + info.Resource
	}
	if info.SingularName == "" {
		info.SingularName = strings.ToLower(k.Kind)
	}
	if info.Verbs == nil {
		info.Verbs = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	}
	tm := TypeMeta{Kind: info.Kind, APIVersion: info.APIVersion()}
	ltm := TypeMeta{Kind: info.ListKind, APIVersion: info.APIVersion()}
	elem := goType.Elem()
	info.New = func() Object {
		obj := reflect.New(elem).Interface().(Object)
		*obj.GetTypeMeta() = tm
		return obj
	}
	newList := k.NewList
	info.NewList = func() ListObject {
		l := newList()
		*l.GetTypeMeta() = ltm
		return l
	}
	info.defaults = erase1(k.Default)
	info.prepareForCreate = erase1(k.PrepareForCreate)
	info.prepareForUpdate = erase2(k.PrepareForUpdate)
	if f := k.Validate; f != nil {
		info.validate = func(obj Object) []StatusCause { return f(obj.(T)) }
	}
	info.validateUpdate = eraseCheck2(k.ValidateUpdate)
	info.validateStatusUpdate = eraseCheck2(k.ValidateStatusUpdate)
	if f := k.SelectableFields; f != nil {
		info.selectableFields = func(obj Object) map[string]string { return f(obj.(T)) }
	}
	if f := k.GracePeriod; f != nil {
		info.gracePeriod = func(obj Object, opts *DeleteOptions) int64 { return f(obj.(T), opts) }
	}
	if f := k.Finalizing; f != nil {
		info.finalizing = func(obj Object) bool { return f(obj.(T)) }
	}
	info.prepareForDelete = erase1(k.PrepareForDelete)
	if k.Columns != nil {
		row := k.Row
		if row == nil {
			return fmt.Errorf("register %s: Columns need a Row", k.Kind)
		}
		info.Columns = k.Columns
		info.row = func(obj Object, now time.Time) TableRow { return row(obj.(T), now) }
	}
	if info.HasSubresource("scale") {
		get, set := k.Replicas, k.SetReplicas
		if get == nil || set == nil {
			return fmt.Errorf("register %s: a scale subresource needs Replicas and SetReplicas", k.Kind)
		}
		info.replicas = func(obj Object) (int32, int32, *LabelSelector) { return get(obj.(T)) }
		info.setReplicas = func(obj Object, n int32) { set(obj.(T), n) }
	}

	if k.Protobuf != nil {
		if err := CheckProtobuf(k.Protobuf, elem); err != nil {
			return fmt.Errorf("register %s: its protobuf message does not fit %v: %w", k.Kind, goType, err)
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.state.Load()
	gr := info.GroupResource()
	gvk := info.APIVersion() + "/" + info.Kind
	switch {
	case hasKey(old.byResource, gr):
		return fmt.Errorf("register %s: resource %q of group %q: %w", info.Kind, info.Resource, info.Group, ErrDuplicateKind)
	case hasKey(old.byKind, gvk) || old.bodies[gvk] != nil:
		return fmt.Errorf("register %s: %s: %w", info.Kind, gvk, ErrDuplicateKind)
	case hasKey(old.byType, goType):
		return fmt.Errorf("register %s: Go type %v: %w", info.Kind, goType, ErrDuplicateKind)
	}
	next := &registryState{
		kinds:      append(old.kinds[:len(old.kinds):len(old.kinds)], info),
		byResource: copyIndex(old.byResource),
		byType:     copyIndex(old.byType),
		byKind:     copyIndex(old.byKind),
		bodies:     maps.Clone(old.bodies),
	}
	for name, m := range k.ProtobufBodies {
		key := info.APIVersion() + "/" + name
		if hasKey(next.byKind, key) || next.bodies[key] != nil {
			return fmt.Errorf("register %s: protobuf body %s: %w", info.Kind, key, ErrDuplicateKind)
		}
		if next.bodies == nil {
			next.bodies = map[string]*protoschema.Message{}
		}
		next.bodies[key] = m
	}
	i := len(next.kinds) - 1
	next.byResource[gr], next.byType[goType], next.byKind[gvk] = i, i, i
	r.state.Store(next)
	return nil
}

// MustRegister is Register for registrations that are part of a program: it panics
// on an error.
func MustRegister[T Object](r *Registry, k Kind[T]) {
	if err := Register(r, k); err != nil {
		panic(err)
	}
}

func hasKey[K comparable](m map[K]int, k K) bool {
	_, ok := m[k]
	return ok
}

func copyIndex[K comparable](m map[K]int) map[K]int {
	out := make(map[K]int, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func erase1[T Object](f func(T)) func(Object) {
	if f == nil {
		return nil
	}
	return func(obj Object) { f(obj.(T)) }
}

func erase2[T Object](f func(T, T)) func(Object, Object) {
	if f == nil {
		return nil
	}
	return func(obj, old Object) { f(obj.(T), old.(T)) }
}

func eraseCheck2[T Object](f func(T, T) []StatusCause) func(Object, Object) []StatusCause {
	if f == nil {
		return nil
	}
	return func(obj, old Object) []StatusCause {
		o, ok1 := obj.(T)
		p, ok2 := old.(T)
		if !ok1 || !ok2 {
			return []StatusCause{{Type: "FieldValueInvalid", Field: "kind",
				Message: fmt.Sprintf("Invalid value: %q: cannot update a %T from a %T", obj.GetTypeMeta().Kind, obj, old)}}
		}
		return f(o, p)
	}
}

// Kinds returns the registered kinds in the order of their registration.
func (r *Registry) Kinds() []KindInfo {
	return r.state.Load().kinds
}

// ByResource returns the kind served as group/resource ("apps", "replicasets").
func (r *Registry) ByResource(group, resource string) (KindInfo, bool) {
	s := r.state.Load()
	i, ok := s.byResource[GroupResource{Group: group, Resource: resource}]
	if !ok {
		return KindInfo{}, false
	}
	return s.kinds[i], true
}

// ByKind returns the kind with the given apiVersion ("apps/v1") and kind name.
func (r *Registry) ByKind(apiVersion, kind string) (KindInfo, bool) {
	s := r.state.Load()
	i, ok := s.byKind[apiVersion+"/"+kind]
	if !ok {
		return KindInfo{}, false
	}
	return s.kinds[i], true
}

// Protobuf returns the protobuf message of the kind, or of a subresource's body,
// named by apiVersion and kind; nil if no registration gives one.
func (r *Registry) Protobuf(apiVersion, kind string) *protoschema.Message {
	s := r.state.Load()
	key := apiVersion + "/" + kind
	if i, ok := s.byKind[key]; ok {
		return s.kinds[i].Protobuf
	}
	return s.bodies[key]
}

// Of returns the kind of obj, judged by its Go type, not its TypeMeta.
func (r *Registry) Of(obj Object) (KindInfo, bool) {
	return r.ofType(reflect.TypeOf(obj))
}

func (r *Registry) ofType(t reflect.Type) (KindInfo, bool) {
	s := r.state.Load()
	i, ok := s.byType[t]
	if !ok {
		return KindInfo{}, false
	}
	return s.kinds[i], true
}

// KindFor returns the kind whose objects are T.
func KindFor[T Object](r *Registry) (KindInfo, bool) {
	return r.ofType(reflect.TypeFor[T]())
}
