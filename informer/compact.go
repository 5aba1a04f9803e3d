package informer

import (
	"reflect"

	"github.com/orrery-dev/orrery/apiserver/protobuf"
)

// compactor shrinks objects before they are stored, without changing what they say:
// slices get exactly the capacity of their length (a JSON decoder grows them by half
// again, so a pod's two containers occupy room for four), and strings that recur
// across objects (namespaces, label keys and values, images, condition types, ...)
// are shared instead of held once per object, through a bounded protobuf.Strings
// table (so strings unique to one object cost it nothing lasting). Strings are
// immutable, so sharing is invisible to readers.
type compactor struct {
	strings *protobuf.Strings
}

func newCompactor() *compactor {
	return &compactor{strings: protobuf.NewStrings(0)}
}

// compact compacts *obj in place; obj must be a pointer.
func (c *compactor) compact(obj any) {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return
	}
	c.value(v.Elem())
}

func (c *compactor) intern(s string) string { return c.strings.Share(s) }

// value compacts v, which is addressable and settable (an exported field, a slice
// element, or the target of a pointer).
func (c *compactor) value(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); s != "" {
			v.SetString(c.intern(s))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			c.value(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				c.value(f)
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		if n := v.Len(); v.Cap() > n {
			exact := reflect.MakeSlice(v.Type(), n, n)
			reflect.Copy(exact, v)
			v.Set(exact)
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes: nothing inside to share
		}
		for i := range v.Len() {
			c.value(v.Index(i))
		}
	case reflect.Map:
		c.mapValue(v)
	}
}

// mapValue shares the string keys and string values of a map. Assigning to an
// existing key replaces the key the map holds too, so no entry is added.
func (c *compactor) mapValue(v reflect.Value) {
	t := v.Type()
	stringKeys := t.Key().Kind() == reflect.String
	stringValues := t.Elem().Kind() == reflect.String
	if v.IsNil() || (!stringKeys && !stringValues) {
		return
	}
	it := v.MapRange()
	for it.Next() {
		k, val := it.Key(), it.Value()
		if stringKeys {
			nk := reflect.New(t.Key()).Elem()
			nk.SetString(c.intern(k.String()))
			k = nk
		}
		if stringValues {
			nv := reflect.New(t.Elem()).Elem()
			nv.SetString(c.intern(val.String()))
			val = nv
		}
		v.SetMapIndex(k, val)
	}
}
