package protobuf

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orrery-dev/orrery/api"
)

// TestSchemaMatchesAPITypes walks every kind's message alongside Orrery's Go type and
// checks that each JSON field of the type has a protobuf field of a fitting kind, and
// that the schema names no field the type lacks. (The field numbers themselves are
// checked against Kubernetes' generated code in test/compat.)
func TestSchemaMatchesAPITypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind string
		msg  *message
		obj  any
	}{
		{"Pod", podMsg, api.Pod{}},
		{"Node", nodeMsg, api.Node{}},
		{"Namespace", namespaceMsg, api.Namespace{}},
		{"Event", eventMsg, api.Event{}},
		{"Binding", bindingMsg, api.Binding{}},
		{"ReplicaSet", replicaSetMsg, api.ReplicaSet{}},
		{"Deployment", deploymentMsg, api.Deployment{}},
		{"Scale", scaleMsg, api.Scale{}},
		{"Lease", leaseMsg, api.Lease{}},
		{"DeleteOptions", deleteOptionsMsg, api.DeleteOptions{}},
		{"Status", statusMsg, api.Status{}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			checkMessage(t, tt.kind, tt.msg, reflect.TypeOf(tt.obj), true)
		})
	}
}

func checkMessage(t *testing.T, path string, m *message, typ reflect.Type, top bool) {
	t.Helper()
	goFields := map[string]reflect.Type{}
	jsonFields(typ, goFields)
	if top {
		delete(goFields, "kind")
		delete(goFields, "apiVersion")
	}
	pbFields := map[string]*field{}
	protoFields(m, pbFields)
	for _, name := range sortedKeys(goFields) {
		if _, ok := pbFields[name]; !ok {
			t.Errorf("%s.%s (%s) has no field in protobuf message %s", path, name, goFields[name], m.name)
		}
	}
	for _, name := range sortedKeys(pbFields) {
		gt, ok := goFields[name]
		if !ok {
			t.Errorf("protobuf message %s names %q, which %s lacks", m.name, name, typ)
			continue
		}
		checkField(t, path+"."+name, pbFields[name], gt)
	}
}

func checkField(t *testing.T, path string, f *field, gt reflect.Type) {
	t.Helper()
	if f.repeated {
		if gt.Kind() != reflect.Slice {
			t.Errorf("%s: repeated in protobuf but %s in Go", path, gt)
			return
		}
		gt = gt.Elem()
	}
	if gt.Kind() == reflect.Pointer {
		gt = gt.Elem()
	}
	var ok bool
	switch f.kind {
	case kindString:
		ok = gt.Kind() == reflect.String
	case kindBool:
		ok = gt.Kind() == reflect.Bool
	case kindInt32:
		ok = gt.Kind() == reflect.Int32
	case kindInt64:
		ok = gt.Kind() == reflect.Int64
	case kindTime:
		ok = gt == reflect.TypeFor[api.Time]()
	case kindMicroTime:
		ok = gt == reflect.TypeFor[api.MicroTime]()
	case kindQuantity:
		ok = gt == reflect.TypeFor[api.Quantity]()
	case kindIntOrString:
		ok = gt == reflect.TypeFor[api.IntOrString]()
	case kindQuantityMap:
		ok = gt == reflect.TypeFor[api.ResourceList]()
	case kindStringMap:
		ok = gt.Kind() == reflect.Map && gt.Key().Kind() == reflect.String && gt.Elem().Kind() == reflect.String
	case kindMessage:
		if ok = gt.Kind() == reflect.Struct; ok {
			checkMessage(t, path, f.msg, gt, false)
		}
	}
	if !ok {
		t.Errorf("%s: protobuf kind %d does not fit Go type %s", path, f.kind, gt)
	}
}

// jsonFields maps the JSON names of t's fields to their types, descending into
// embedded structs without a name as encoding/json does.
func jsonFields(t reflect.Type, into map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if f.Anonymous && name == "" {
			jsonFields(f.Type, into)
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
func protoFields(m *message, into map[string]*field) {
	for i := range m.fields {
		f := &m.fields[i]
		switch {
		case f.kind == 0:
		case f.kind == kindInline:
			protoFields(f.msg, into)
		default:
			into[f.name] = f
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestSchemaFieldNumbers checks that each descriptor's slots hold the field of their
// own number.
func TestSchemaFieldNumbers(t *testing.T) {
	t.Parallel()
	for _, m := range []*message{podMsg, nodeMsg, namespaceMsg, eventMsg, bindingMsg, replicaSetMsg, deploymentMsg, scaleMsg, leaseMsg, deleteOptionsMsg, statusMsg} {
		checkNumbers(t, m, map[*message]bool{})
	}
}

func checkNumbers(t *testing.T, m *message, seen map[*message]bool) {
	t.Helper()
	if seen[m] {
		return
	}
	seen[m] = true
	for i, f := range m.fields {
		if f.kind == 0 {
			continue
		}
		if f.num != i {
			t.Errorf("%s: field %q numbered %d sits in slot %d", m.name, f.name, f.num, i)
		}
		if f.msg != nil {
			checkNumbers(t, f.msg, seen)
		}
	}
}
