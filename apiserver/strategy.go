package apiserver

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/fields"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/api/validation"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// The per-kind rules of create, update and delete, as Kubernetes' registry strategies.

// attrsOf gives storage the labels and selectable fields of objects of kind.
// storageCodec keeps objects of a kind with a protobuf message in etcd in Kubernetes'
// protobuf encoding, as kube-apiserver does; it reads JSON too (what earlier versions
// stored), so existing data needs no migration.
type storageCodec struct {
	kind api.KindInfo
	// strings shares the strings of the objects decoded from etcd, of which the
	// watch cache holds several versions each.
	strings *protobuf.Strings
}

// codecOf is the storage codec of kind: protobuf when it has a message, else JSON (nil).
func codecOf(kind api.KindInfo) storage.Codec {
	if kind.Protobuf == nil {
		return nil
	}
	return storageCodec{kind, protobuf.NewStrings(0)}
}

func (c storageCodec) Encode(obj api.Object) ([]byte, error) {
	return protobuf.Marshal(c.kind.APIVersion(), c.kind.Kind, c.kind.Protobuf, obj)
}

func (c storageCodec) Decode(data []byte, into api.Object) error {
	if protobuf.IsBody(data) {
		return protobuf.UnmarshalWith(data, c.kind.Protobuf, into, c.strings)
	}
	return json.Unmarshal(data, into)
}

// encoderOf encodes objects of kind in each format, for the watch cache to share: JSON,
// and Kubernetes' protobuf when the kind has a message.
func encoderOf(kind api.KindInfo) func(api.Object, storage.Format) ([]byte, error) {
	apiVersion := kind.APIVersion()
	return func(obj api.Object, f storage.Format) ([]byte, error) {
		switch {
		case f == storage.FormatJSON:
			return json.Marshal(obj)
		case f == storage.FormatProtobuf && kind.Protobuf != nil:
			return protobuf.Marshal(apiVersion, kind.Kind, kind.Protobuf, obj)
		}
		return nil, fmt.Errorf("%s cannot be encoded in format %d", kind.Kind, f)
	}
}

func attrsOf(kind api.KindInfo) storage.AttrFunc {
	return func(obj api.Object) (labels.Set, fields.Set) {
		return labels.Set(obj.GetObjectMeta().Labels), fields.Set(kind.SelectableFields(obj))
	}
}

// newUID returns a random RFC 4122 version 4 UUID.
func newUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// generateNameSuffix is what Kubernetes appends to generateName: 5 characters from an
// alphabet without vowels or look-alikes.
func generateNameSuffix() string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	var b [5]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// prepareForCreate sets system fields, resets what clients may not set on create (the
// kind's PrepareForCreate: the status of most kinds) and fills the defaults.
func prepareForCreate(kind api.KindInfo, obj api.Object, now time.Time) {
	validation.PrepareForCreate(obj.GetObjectMeta(), now, newUID())
	kind.PrepareForCreate(obj)
	kind.Default(obj)
}

// prepareForUpdate carries over from old what an update of the main resource may not
// change: system metadata, the status (for kinds with a status subresource), what the
// kind's PrepareForUpdate keeps, and the generation, which goes up with spec changes
// only.
func prepareForUpdate(kind api.KindInfo, obj, old api.Object) {
	m, om := obj.GetObjectMeta(), old.GetObjectMeta()
	if m.UID == "" {
		m.UID = om.UID
	}
	m.CreationTimestamp = om.CreationTimestamp
	m.DeletionTimestamp = om.DeletionTimestamp
	m.DeletionGracePeriodSeconds = om.DeletionGracePeriodSeconds
	if kind.HasSubresource("status") {
		copyStatus(obj, old)
	}
	kind.PrepareForUpdate(obj, old)
	kind.Default(obj)
	validation.UpdateGeneration(obj, old)
}

// validateCreate checks an object to be created with its kind's validation; a kind
// that brings none gets the checks every object needs: its metadata (a DNS subdomain
// name, labels, annotations).
func validateCreate(kind api.KindInfo, obj api.Object) []api.StatusCause {
	if kind.Validates() {
		return kind.Validate(obj)
	}
	return validation.ValidateObjectMeta(obj.GetObjectMeta(), kind.Namespaced, validation.NameIsDNSSubdomain, validation.NewPath("metadata")).Causes()
}

// validateUpdate checks an update with its kind's validation, or, for a kind that
// brings none, its metadata and what may not change of it.
func validateUpdate(kind api.KindInfo, obj, old api.Object) []api.StatusCause {
	if kind.ValidatesUpdates() {
		return kind.ValidateUpdate(obj, old)
	}
	return validation.ValidateObjectMetaUpdate(obj.GetObjectMeta(), old.GetObjectMeta(), validation.NewPath("metadata")).Causes()
}

// statusUpdate is old with the status of obj: what an update through the status
// subresource stores. Metadata and spec changes in obj are ignored.
func statusUpdate(obj, old api.Object) api.Object {
	out := deepCopy(old)
	copyStatus(out, obj)
	out.GetObjectMeta().ResourceVersion = obj.GetObjectMeta().ResourceVersion
	return out
}

// copyStatus sets dst's status (its field Status, which kinds with a status
// subresource have) to src's.
func copyStatus(dst, src api.Object) {
	d := reflect.ValueOf(dst).Elem().FieldByName("Status")
	if d.IsValid() && d.CanSet() {
		d.Set(reflect.ValueOf(src).Elem().FieldByName("Status"))
	}
}

// deepCopy copies any kind: with its DeepCopyObject method when it has one (every
// built-in kind), else through its JSON encoding (a program's own kinds).
func deepCopy(obj api.Object) api.Object {
	if c, ok := obj.(interface{ DeepCopyObject() api.Object }); ok {
		return c.DeepCopyObject()
	}
	data, err := json.Marshal(obj)
	if err != nil {
		panic(fmt.Sprintf("apiserver: %T cannot be copied: %v", obj, err))
	}
	out := reflect.New(reflect.TypeOf(obj).Elem()).Interface().(api.Object)
	if err := json.Unmarshal(data, out); err != nil {
		panic(fmt.Sprintf("apiserver: %T cannot be copied: %v", obj, err))
	}
	return out
}
