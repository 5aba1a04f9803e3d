package validation

import (
	"reflect"
	"time"

	"github.com/orrery-dev/orrery/api"
)

// PrepareForCreate sets the system-owned metadata of an object being created: its uid,
// a creationTimestamp of now (whole seconds), generation 1, and no resourceVersion,
// deletionTimestamp or deletionGracePeriodSeconds.
func PrepareForCreate(meta *api.ObjectMeta, now time.Time, uid string) {
	meta.UID = uid
	meta.CreationTimestamp = api.NewTime(now)
	meta.Generation = 1
	meta.ResourceVersion = ""
	meta.DeletionTimestamp = nil
	meta.DeletionGracePeriodSeconds = nil
}

// UpdateGeneration sets newObj's metadata.generation for an update of oldObj: one more
// than the old generation when the spec changed, else the old generation, so that
// clients can neither set it nor bump it with status or metadata changes. Kinds
// without a spec (events) keep the old generation.
func UpdateGeneration(newObj, oldObj api.Object) {
	newMeta, oldMeta := newObj.GetObjectMeta(), oldObj.GetObjectMeta()
	newMeta.Generation = oldMeta.Generation
	newSpec, ok1 := specOf(newObj)
	oldSpec, ok2 := specOf(oldObj)
	if ok1 && ok2 && !semanticEqual(newSpec, oldSpec) {
		newMeta.Generation = oldMeta.Generation + 1
	}
}

// specOf returns the spec of obj (its field Spec), if its kind has one.
func specOf(obj api.Object) (any, bool) {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil, false
	}
	spec := v.Elem().FieldByName("Spec")
	if !spec.IsValid() {
		return nil, false
	}
	return spec.Interface(), true
}
