package protobuf

import (
	"errors"
	"fmt"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/protoschema"
)

// The range of seconds a Timestamp may hold: 0001-01-01T00:00:00Z to
// 9999-12-31T23:59:59Z, the years RFC 3339 can write.
const (
	minTimestampSeconds = -62135596800
	maxTimestampSeconds = 253402300799
)

// decodeMessage decodes the message data, described by m, into out: a field's value
// under its JSON name. Protobuf's merge rules hold: a scalar that occurs twice keeps
// the last value, a repeated field appends, an embedded message merges into the one
// already read, a map entry replaces the entry with the same key. Times, quantities and
// int-or-strings are read whole and replace an earlier value, as Kubernetes' own
// decoders do. depth is the nesting level of data, 1 for the object itself.
func decodeMessage(data []byte, m *protoschema.Message, out map[string]any, depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	r := reader{buf: data}
	for !r.done() {
		num, wire, err := r.tag()
		if err != nil {
			return fmt.Errorf("%s: %w", m.Name(), err)
		}
		f, ok := m.Lookup(num)
		if !ok {
			if err := r.skip(num, wire, depth); err != nil {
				return fmt.Errorf("%s: %w", m.Name(), err)
			}
			continue
		}
		if err := decodeField(&r, f, wire, out, depth); err != nil {
			return fmt.Errorf("%s.%s: %w", m.Name(), describe(f), err)
		}
	}
	return nil
}

// describe names f in error messages.
func describe(f *protoschema.Field) string {
	if f.Name != "" {
		return f.Name
	}
	return f.Message.Name()
}

// decodeField reads one occurrence of f from r.
func decodeField(r *reader, f *protoschema.Field, wire int, out map[string]any, depth int) error {
	if want := f.Kind.WireType(); wire != want {
		return fmt.Errorf("%w %d (want %d)", errBadWireType, wire, want)
	}
	if wire == wireVarint {
		v, err := r.varint()
		if err != nil {
			return err
		}
		switch f.Kind {
		case protoschema.KindBool:
			set(out, f, v != 0)
		case protoschema.KindInt32:
			set(out, f, int64(int32(v)))
		default:
			set(out, f, int64(v))
		}
		return nil
	}
	b, err := r.bytes()
	if err != nil {
		return err
	}
	switch f.Kind {
	case protoschema.KindString:
		set(out, f, string(b))
	case protoschema.KindMessage:
		if f.Repeated {
			sub := make(map[string]any)
			if err := decodeMessage(b, f.Message, sub, depth+1); err != nil {
				return err
			}
			set(out, f, sub)
			return nil
		}
		sub, ok := out[f.Name].(map[string]any)
		if !ok {
			sub = make(map[string]any)
			out[f.Name] = sub
		}
		return decodeMessage(b, f.Message, sub, depth+1)
	case protoschema.KindInline:
		return decodeMessage(b, f.Message, out, depth+1)
	case protoschema.KindTime, protoschema.KindMicroTime:
		v, err := decodeTime(b, f.Kind == protoschema.KindMicroTime, depth+1)
		if err != nil {
			return err
		}
		set(out, f, v)
	case protoschema.KindQuantity:
		v, err := decodeQuantity(b, depth+1)
		if err != nil {
			return err
		}
		set(out, f, v)
	case protoschema.KindIntOrString:
		v, err := decodeIntOrString(b, depth+1)
		if err != nil {
			return err
		}
		set(out, f, v)
	case protoschema.KindStringMap, protoschema.KindQuantityMap, protoschema.KindTimeMap:
		key, val, err := decodeMapEntry(b, f.Kind, depth+1)
		if err != nil {
			return err
		}
		entries, ok := out[f.Name].(map[string]any)
		if !ok {
			entries = make(map[string]any)
			out[f.Name] = entries
		}
		entries[key] = val
	default:
		return fmt.Errorf("field kind %d is not decodable", f.Kind)
	}
	return nil
}

// set stores v under f's name, appending when f is repeated.
func set(out map[string]any, f *protoschema.Field, v any) {
	if !f.Repeated {
		out[f.Name] = v
		return
	}
	list, _ := out[f.Name].([]any)
	out[f.Name] = append(list, v)
}

// decodeTime reads a meta/v1 Time or MicroTime and writes it as its JSON does: the
// zero time (an empty message) as JSON null.
func decodeTime(data []byte, micro bool, depth int) (any, error) {
	if len(data) == 0 {
		return nil, nil
	}
	t, err := readTime(data, micro, depth)
	if err != nil {
		return nil, err
	}
	if !micro {
		return t.Format(time.RFC3339), nil
	}
	return t.Format(api.RFC3339Micro), nil
}

// readTime reads a meta/v1 Time or MicroTime, {seconds = 1 int64, nanos = 2 int32}, in
// UTC. An empty message is the zero time. A Time keeps whole seconds (Kubernetes
// ignores its nanos); a MicroTime, microseconds.
func readTime(data []byte, micro bool, depth int) (time.Time, error) {
	if len(data) == 0 {
		return time.Time{}, nil
	}
	var seconds int64
	var nanos int32
	r := reader{buf: data}
	for !r.done() {
		num, wire, err := r.tag()
		if err != nil {
			return time.Time{}, err
		}
		if num > 2 {
			if err := r.skip(num, wire, depth); err != nil {
				return time.Time{}, err
			}
			continue
		}
		if wire != wireVarint {
			return time.Time{}, fmt.Errorf("%w %d for timestamp field %d", errBadWireType, wire, num)
		}
		v, err := r.varint()
		if err != nil {
			return time.Time{}, err
		}
		if num == 1 {
			seconds = int64(v)
		} else {
			nanos = int32(v)
		}
	}
	if seconds < minTimestampSeconds || seconds > maxTimestampSeconds {
		return time.Time{}, fmt.Errorf("timestamp seconds %d out of range", seconds)
	}
	if !micro {
		return time.Unix(seconds, 0).UTC(), nil
	}
	if nanos < 0 || nanos >= 1e9 {
		return time.Time{}, fmt.Errorf("timestamp nanos %d out of range", nanos)
	}
	return time.Unix(seconds, int64(nanos)).Truncate(time.Microsecond).UTC(), nil
}

// decodeQuantity reads a resource.Quantity, {string = 1}; an empty message is zero.
func decodeQuantity(data []byte, depth int) (string, error) {
	q := "0"
	r := reader{buf: data}
	for !r.done() {
		num, wire, err := r.tag()
		if err != nil {
			return "", err
		}
		if num != 1 {
			if err := r.skip(num, wire, depth); err != nil {
				return "", err
			}
			continue
		}
		if wire != wireBytes {
			return "", fmt.Errorf("%w %d for quantity field %d", errBadWireType, wire, num)
		}
		b, err := r.bytes()
		if err != nil {
			return "", err
		}
		q = string(b)
	}
	return q, nil
}

// decodeIntOrString reads an intstr.IntOrString and writes it as its JSON does.
func decodeIntOrString(data []byte, depth int) (any, error) {
	v, err := readIntOrString(data, depth)
	if err != nil {
		return nil, err
	}
	if v.Type == api.IntOrStringInt {
		return int64(v.IntVal), nil
	}
	return v.StrVal, nil
}

// readIntOrString reads an intstr.IntOrString, {type = 1, intVal = 2, strVal = 3}:
// type 0 is the number intVal, type 1 the string strVal.
func readIntOrString(data []byte, depth int) (api.IntOrString, error) {
	var out api.IntOrString
	var typ int64
	r := reader{buf: data}
	for !r.done() {
		num, wire, err := r.tag()
		if err != nil {
			return out, err
		}
		switch num {
		case 1, 2:
			if wire != wireVarint {
				return out, fmt.Errorf("%w %d for int-or-string field %d", errBadWireType, wire, num)
			}
			v, err := r.varint()
			if err != nil {
				return out, err
			}
			if num == 1 {
				typ = int64(v)
			} else {
				out.IntVal = int32(v)
			}
		case 3:
			if wire != wireBytes {
				return out, fmt.Errorf("%w %d for int-or-string field %d", errBadWireType, wire, num)
			}
			b, err := r.bytes()
			if err != nil {
				return out, err
			}
			out.StrVal = string(b)
		default:
			if err := r.skip(num, wire, depth); err != nil {
				return out, err
			}
		}
	}
	switch typ {
	case 0:
		out.Type, out.StrVal = api.IntOrStringInt, ""
	case 1:
		out.Type, out.IntVal = api.IntOrStringString, 0
	default:
		return out, fmt.Errorf("int-or-string of unknown type %d", typ)
	}
	return out, nil
}

// errMapKey is returned for a map entry whose key is not a string.
var errMapKey = errors.New("map entry key must be a string")

// decodeMapEntry reads one entry of a map<string, string> or map<string, Quantity>:
// {key = 1, value = 2}. A missing key is "", a missing value the zero value.
func decodeMapEntry(data []byte, kind protoschema.Kind, depth int) (string, any, error) {
	if depth > maxDepth {
		return "", nil, errTooDeep
	}
	key := ""
	var val any
	switch kind {
	case protoschema.KindQuantityMap:
		val = "0"
	case protoschema.KindStringMap:
		val = ""
	}
	r := reader{buf: data}
	for !r.done() {
		num, wire, err := r.tag()
		if err != nil {
			return "", nil, err
		}
		switch num {
		case 1:
			if wire != wireBytes {
				return "", nil, errMapKey
			}
			b, err := r.bytes()
			if err != nil {
				return "", nil, err
			}
			key = string(b)
		case 2:
			if wire != wireBytes {
				return "", nil, fmt.Errorf("%w %d for map value", errBadWireType, wire)
			}
			b, err := r.bytes()
			if err != nil {
				return "", nil, err
			}
			switch kind {
			case protoschema.KindQuantityMap:
				if val, err = decodeQuantity(b, depth+1); err != nil {
					return "", nil, err
				}
			case protoschema.KindTimeMap:
				if val, err = decodeTime(b, false, depth+1); err != nil {
					return "", nil, err
				}
			default:
				val = string(b)
			}
		default:
			if err := r.skip(num, wire, depth); err != nil {
				return "", nil, err
			}
		}
	}
	return key, val, nil
}
