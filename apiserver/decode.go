package apiserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/orrery-dev/orrery/apiserver/protobuf"
)

// requestJSON returns the body of r as JSON: a body in Kubernetes' protobuf encoding
// (by its Content-Type) converted, anything else as toJSON does.
func (s *Server) requestJSON(r *http.Request, body []byte) ([]byte, error) {
	if protobuf.IsProtobuf(r.Header.Get("Content-Type")) {
		return s.protobuf.ToJSON(body)
	}
	return toJSON(body)
}

// toJSON returns a request body as JSON: JSON as is, YAML converted.
func toJSON(body []byte) ([]byte, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return body, nil
	}
	out, err := yaml.YAMLToJSON(body)
	if err != nil {
		return nil, fmt.Errorf("error converting YAML to JSON: %w", err)
	}
	return out, nil
}

// decodeInto parses JSON into obj and returns the paths of fields obj's type does not
// have ("spec.containers[0].foo"), sorted.
func decodeInto(data []byte, obj any) ([]string, error) {
	if err := json.Unmarshal(data, obj); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, err
	}
	var unknown []string
	findUnknown(generic, reflect.TypeOf(obj), "", &unknown)
	slices.Sort(unknown)
	return unknown, nil
}

var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

// findUnknown walks a decoded JSON value alongside the Go type it was decoded into.
func findUnknown(v any, t reflect.Type, path string, out *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		return // the type parses itself (times, quantities, raw JSON)
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		fields := map[string]reflect.Type{}
		collectJSONFields(t, fields)
		for k, val := range m {
			ft, ok := fields[k]
			if !ok {
				*out = append(*out, joinPath(path, k))
				continue
			}
			findUnknown(val, ft, joinPath(path, k), out)
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for k, val := range m {
			findUnknown(val, t.Elem(), joinPath(path, k), out)
		}
	case reflect.Slice, reflect.Array:
		arr, ok := v.([]any)
		if !ok {
			return
		}
		for i, val := range arr {
			findUnknown(val, t.Elem(), path+"["+strconv.Itoa(i)+"]", out)
		}
	}
}

// collectJSONFields maps the JSON names of t's fields to their types, descending into
// embedded structs the way encoding/json does.
func collectJSONFields(t reflect.Type, into map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				collectJSONFields(ft, into)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		into[name] = f.Type
	}
}

func joinPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}
