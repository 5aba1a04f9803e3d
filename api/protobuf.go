package api

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/orrery-dev/orrery/api/protoschema"
)

// CheckProtobuf reports where message m does not fit the struct type t (a pointer to
// a struct is followed): a JSON field of t without a protobuf field, a protobuf field t
// lacks, or a field whose kind does not fit its Go type. The top level's kind and
// apiVersion are not looked for: the envelope carries them. Register checks a kind's
// message with it; it serves to test the messages of subresource bodies.
func CheckProtobuf(m *protoschema.Message, t reflect.Type) error {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return fmt.Errorf("%v is not a struct", t)
	}
	var errs []error
	checkMessage(m, t, "", true, map[reflect.Type]bool{}, &errs)
	return errors.Join(errs...)
}

func checkMessage(m *protoschema.Message, t reflect.Type, path string, top bool, seen map[reflect.Type]bool, errs *[]error) {
	if seen[t] {
		return // a recursive type: its fields are being checked further up
	}
	seen[t] = true
	defer delete(seen, t)
	goFields := map[string]reflect.Type{}
	jsonFieldTypes(t, goFields)
	if _, inline := t.FieldByName("TypeMeta"); top || inline {
		// Kind and apiVersion travel in the envelope, never in the message.
		delete(goFields, "kind")
		delete(goFields, "apiVersion")
	}
	pbFields := map[string]protoschema.Field{}
	protoFields(m, pbFields)
	for _, name := range slices.Sorted(maps.Keys(goFields)) {
		if _, ok := pbFields[name]; !ok {
			*errs = append(*errs, fmt.Errorf("%s (%v) has no field in message %s", joinField(path, name), goFields[name], m.Name()))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(pbFields)) {
		gt, ok := goFields[name]
		if !ok {
			*errs = append(*errs, fmt.Errorf("message %s names %q, which %v lacks", m.Name(), name, t))
			continue
		}
		checkField(pbFields[name], gt, joinField(path, name), seen, errs)
	}
}

var (
	pbTimeType      = reflect.TypeFor[Time]()
	pbMicroTimeType = reflect.TypeFor[MicroTime]()
	pbQuantityType  = reflect.TypeFor[Quantity]()
	pbIntOrStrType  = reflect.TypeFor[IntOrString]()
	pbResourcesType = reflect.TypeFor[ResourceList]()
)

func checkField(f protoschema.Field, gt reflect.Type, path string, seen map[reflect.Type]bool, errs *[]error) {
	if f.Repeated {
		if gt.Kind() != reflect.Slice {
			*errs = append(*errs, fmt.Errorf("%s: repeated in protobuf but %v in Go", path, gt))
			return
		}
		gt = gt.Elem()
	}
	if gt.Kind() == reflect.Pointer {
		gt = gt.Elem()
	}
	var ok bool
	switch f.Kind {
	case protoschema.KindString:
		ok = gt.Kind() == reflect.String
	case protoschema.KindBool:
		ok = gt.Kind() == reflect.Bool
	case protoschema.KindInt32:
		ok = gt.Kind() == reflect.Int32
	case protoschema.KindInt64:
		ok = gt.Kind() == reflect.Int64
	case protoschema.KindTime:
		ok = gt == pbTimeType
	case protoschema.KindMicroTime:
		ok = gt == pbMicroTimeType
	case protoschema.KindQuantity:
		ok = gt == pbQuantityType
	case protoschema.KindIntOrString:
		ok = gt == pbIntOrStrType
	case protoschema.KindQuantityMap:
		ok = gt == pbResourcesType
	case protoschema.KindTimeMap:
		ok = gt.Kind() == reflect.Map && gt.Key().Kind() == reflect.String && gt.Elem() == pbTimeType
	case protoschema.KindStringMap:
		ok = gt.Kind() == reflect.Map && gt.Key().Kind() == reflect.String && gt.Elem().Kind() == reflect.String
	case protoschema.KindMessage:
		if ok = gt.Kind() == reflect.Struct && f.Message != nil; ok {
			checkMessage(f.Message, gt, path, false, seen, errs)
		}
	}
	if !ok {
		*errs = append(*errs, fmt.Errorf("%s: protobuf kind %d does not fit Go type %v", path, f.Kind, gt))
	}
}

// jsonFieldTypes maps the JSON names of struct type t's fields to their types,
// descending into embedded structs without a name as encoding/json does.
func jsonFieldTypes(t reflect.Type, into map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			jsonFieldTypes(f.Type, into)
			continue
		}
		if name == "" {
			name = f.Name
		}
		into[name] = f.Type
	}
}

// protoFields maps the JSON names of m's fields to the fields, descending into inlined
// messages.
func protoFields(m *protoschema.Message, into map[string]protoschema.Field) {
	for _, f := range m.Fields() {
		if f.Kind == protoschema.KindInline {
			protoFields(f.Message, into)
			continue
		}
		into[f.Name] = f
	}
}

func joinField(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
