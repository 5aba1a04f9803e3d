package patch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// decode parses exactly one JSON value, keeping numbers as json.Number.
func decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("unexpected end of JSON input")
		}
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("invalid character after top-level value")
	}
	return v, nil
}

// encode renders a decoded value as compact JSON with sorted object keys.
func encode(v any) ([]byte, error) {
	return json.Marshal(v)
}

// deepCopy returns a copy of v sharing no maps or slices with it.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		if t == nil {
			return t
		}
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = deepCopy(e)
		}
		return s
	default:
		return v
	}
}

// exactEqual reports whether a and b are the same JSON value, comparing numbers by
// their literal text, as JSON patch's test operation does.
func exactEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !exactEqual(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !exactEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := b.(json.Number)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	default:
		return false
	}
}

// valueKey returns a string that is equal for two values exactly when Kubernetes'
// strategic merge patch considers them equal: integers compare as int64, other numbers
// as float64 (an integer never equals a non-integer literal), composite values by
// content.
func valueKey(v any) string {
	switch t := v.(type) {
	case nil:
		return "n"
	case bool:
		if t {
			return "b1"
		}
		return "b0"
	case string:
		return "s" + t
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return "i" + strconv.FormatInt(i, 10)
		}
		if f, err := strconv.ParseFloat(string(t), 64); err == nil {
			return "f" + strconv.FormatFloat(f, 'g', -1, 64)
		}
		return "x" + string(t)
	default:
		b, err := json.Marshal(t)
		if err != nil {
			return fmt.Sprintf("?%v", t)
		}
		return "j" + string(b)
	}
}

// smpEqual reports equality as strategic merge patch compares merge keys and primitives.
func smpEqual(a, b any) bool { return valueKey(a) == valueKey(b) }

// typeName names the type of a decoded value the way Kubernetes' messages name the Go
// type it decodes to.
func typeName(v any) string {
	switch t := v.(type) {
	case map[string]any:
		return "map[string]interface {}"
	case []any:
		return "[]interface {}"
	case string:
		return "string"
	case bool:
		return "bool"
	case json.Number:
		if _, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return "int64"
		}
		return "float64"
	case nil:
		return "<nil>"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// jsonKind names the kind of a decoded value as encoding/json's messages do.
func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "bool"
	case json.Number:
		return "number"
	default:
		return "null"
	}
}

// format renders a decoded value the way fmt prints Kubernetes' generic maps.
func format(v any) string {
	var b strings.Builder
	formatTo(&b, v)
	return b.String()
}

func formatTo(b *strings.Builder, v any) {
	switch t := v.(type) {
	case map[string]any:
		b.WriteString("map[")
		for i, k := range sortedKeys(t) {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(k)
			b.WriteByte(':')
			formatTo(b, t[k])
		}
		b.WriteByte(']')
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(' ')
			}
			formatTo(b, e)
		}
		b.WriteByte(']')
	case nil:
		b.WriteString("<nil>")
	default:
		fmt.Fprint(b, t)
	}
}

// sortedKeys returns the keys of m in increasing order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
