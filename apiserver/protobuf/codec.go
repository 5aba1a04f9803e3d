package protobuf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/protoschema"
)

// A plan maps one protobuf message onto one Go struct type: for each modelled field,
// where its value lives in the struct (by the JSON names both share) and how it is
// written. Plans are built once per (type, message) and shared.
type plan struct {
	fields []fieldPlan  // in field-number order, as Kubernetes writes them
	byNum  []*fieldPlan // indexed by field number
	once   sync.Once    // fills fields and byNum
	err    error        // why the message does not fit the type
	t      reflect.Type // the struct type
	m      *protoschema.Message
	// lastSize is the length of the last message Marshal wrote, its next buffer's size.
	lastSize atomic.Int64
}

type fieldPlan struct {
	f     protoschema.Field
	tag   []byte // the field's key, for its wire type
	index []int  // the Go field, through embedded structs; nil for an inlined message
	goTyp reflect.Type
	omit  omitMode
	sub   *plan // for messages (and inlined ones, on the same struct type)
	// unique marks a string that identifies one object (ObjectMeta's name, uid and
	// resourceVersion): a Strings table does not look it up.
	unique bool
}

// omitMode is the JSON tag's rule for leaving a field out: the protobuf encoding
// leaves out what the JSON encoding does, so both decode to the same object.
type omitMode uint8

const (
	omitNever omitMode = iota
	omitEmpty
	omitZero
)

type planKey struct {
	t reflect.Type
	m *protoschema.Message
}

var plans sync.Map // planKey → *plan

// planFor returns the plan of struct type t and message m.
func planFor(t reflect.Type, m *protoschema.Message) (*plan, error) {
	key := planKey{t, m}
	p, ok := plans.Load(key)
	if !ok {
		p, _ = plans.LoadOrStore(key, &plan{t: t, m: m})
	}
	pl := p.(*plan)
	pl.once.Do(pl.build)
	return pl, pl.err
}

// goField is a struct field reached by its JSON name.
type goField struct {
	index []int
	sf    reflect.StructField
}

// jsonFields maps the JSON names of t's fields to them, descending into embedded
// structs without a JSON name as encoding/json does.
func jsonFields(t reflect.Type, prefix []int, into map[string]goField) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		index := append(slices.Clone(prefix), i)
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			jsonFields(f.Type, index, into)
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, taken := into[name]; !taken {
			into[name] = goField{index: index, sf: f}
		}
	}
}

func (p *plan) build() {
	goFields := map[string]goField{}
	jsonFields(p.t, nil, goFields)
	fields := p.m.Fields()
	top := 0
	for _, f := range fields {
		top = max(top, f.Num)
	}
	p.byNum = make([]*fieldPlan, top+1)
	p.fields = make([]fieldPlan, 0, len(fields))
	for _, f := range fields {
		fp := fieldPlan{f: f, tag: binary.AppendUvarint(nil, uint64(f.Num)<<3|uint64(f.Kind.WireType()))}
		fp.unique = p.m == protoschema.ObjectMeta && (f.Name == "name" || f.Name == "uid" || f.Name == "resourceVersion")
		switch {
		case f.Kind == protoschema.KindInline:
			sub, err := planFor(p.t, f.Message)
			if err != nil {
				p.err = err
				return
			}
			fp.sub = sub
		default:
			gf, ok := goFields[f.Name]
			if !ok {
				p.err = fmt.Errorf("protobuf: message %s names %q, which %v lacks", p.m.Name(), f.Name, p.t)
				return
			}
			fp.index, fp.goTyp = gf.index, gf.sf.Type
			_, opts, _ := strings.Cut(gf.sf.Tag.Get("json"), ",")
			for o := range strings.SplitSeq(opts, ",") {
				switch o {
				case "omitempty":
					fp.omit = omitEmpty
				case "omitzero":
					fp.omit = omitZero
				}
			}
			if f.Kind == protoschema.KindMessage {
				et := gf.sf.Type
				if f.Repeated {
					et = et.Elem()
				}
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() != reflect.Struct {
					p.err = fmt.Errorf("protobuf: %s.%s is a message but %v is not a struct", p.m.Name(), f.Name, et)
					return
				}
				fp.sub = &plan{t: et, m: f.Message} // built on first use: types may recurse
				if q, loaded := plans.LoadOrStore(planKey{et, f.Message}, fp.sub); loaded {
					fp.sub = q.(*plan)
				}
			}
		}
		p.fields = append(p.fields, fp)
	}
	for i := range p.fields {
		p.byNum[p.fields[i].f.Num] = &p.fields[i]
	}
}

// ready builds a plan reached through a field, on first use.
func (p *plan) ready() error {
	p.once.Do(p.build)
	return p.err
}

var (
	timeType        = reflect.TypeFor[api.Time]()
	microTimeType   = reflect.TypeFor[api.MicroTime]()
	quantityType    = reflect.TypeFor[api.Quantity]()
	intOrStringType = reflect.TypeFor[api.IntOrString]()
)

// Marshal returns obj, a pointer to a struct that message m describes, in Kubernetes'
// protobuf encoding: the magic, then the runtime.Unknown envelope naming apiVersion and
// kind around the object's message.
//
// The message is written in place after the envelope's head, into a buffer sized by
// the last message of the same type, so that encoding an object usually takes one
// allocation of about its size (the encodings are kept, in the watch cache).
func Marshal(apiVersion, kind string, m *protoschema.Message, obj any) ([]byte, error) {
	v, p, err := planOf(m, obj)
	if err != nil {
		return nil, err
	}
	hint := int(p.lastSize.Load())
	b := appendEnvelopeHead(make([]byte, 0, len(magic)+len(apiVersion)+len(kind)+16+hint+hint/8), apiVersion, kind)
	b, start := beginLen(b)
	if b, err = p.append(b, v.Elem()); err != nil {
		return nil, err
	}
	n := len(b) - start - 1
	p.lastSize.Store(int64(n))
	b = endLen(b, start)
	if cap(b)-len(b) > len(b)/4 { // the last one was much larger: keep no slack
		b = append(make([]byte, 0, len(b)), b...)
	}
	return b, nil
}

// planOf checks that obj is a pointer to a struct and returns it and its plan for m.
func planOf(m *protoschema.Message, obj any) (reflect.Value, *plan, error) {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return v, nil, fmt.Errorf("protobuf: cannot encode %T: not a pointer to a struct", obj)
	}
	p, err := planFor(v.Type().Elem(), m)
	return v, p, err
}

// AppendMessage appends the message of obj (a pointer to a struct that m describes),
// without an envelope, to dst.
func AppendMessage(dst []byte, m *protoschema.Message, obj any) ([]byte, error) {
	v, p, err := planOf(m, obj)
	if err != nil {
		return dst, err
	}
	return p.append(dst, v.Elem())
}

// AppendEnvelope appends the magic and a runtime.Unknown with typeMeta {apiVersion,
// kind} and raw to dst.
func AppendEnvelope(dst []byte, apiVersion, kind string, raw []byte) []byte {
	dst = appendEnvelopeHead(dst, apiVersion, kind)
	dst = binary.AppendUvarint(dst, uint64(len(raw)))
	return append(dst, raw...)
}

// appendEnvelopeHead appends the magic, the envelope's typeMeta and the key of its
// raw field, whose length and bytes follow.
func appendEnvelopeHead(dst []byte, apiVersion, kind string) []byte {
	dst = append(dst, magic[:]...)
	dst = appendTypeMeta(dst, apiVersion, kind)
	return appendKey(dst, 2, wireBytes)
}

func appendTypeMeta(dst []byte, apiVersion, kind string) []byte {
	size := 1 + uvarintLen(len(apiVersion)) + len(apiVersion) + 1 + uvarintLen(len(kind)) + len(kind)
	dst = appendKey(dst, 1, wireBytes)
	dst = binary.AppendUvarint(dst, uint64(size))
	dst = appendStringField(dst, 1, apiVersion)
	return appendStringField(dst, 2, kind)
}

// AppendList appends a list in Kubernetes' protobuf encoding: the envelope naming
// apiVersion and listKind around a message of the list's metadata (field 1) and its
// items (field 2), each an object's message without an envelope.
func AppendList(dst []byte, apiVersion, listKind string, meta *api.ListMeta, items [][]byte) ([]byte, error) {
	metaMsg, err := AppendMessage(nil, protoschema.ListMeta, meta)
	if err != nil {
		return dst, err
	}
	size := 1 + uvarintLen(len(metaMsg)) + len(metaMsg)
	for _, it := range items {
		size += 1 + uvarintLen(len(it)) + len(it)
	}
	dst = slices.Grow(dst, size+len(apiVersion)+len(listKind)+32)
	dst = append(dst, magic[:]...)
	dst = appendTypeMeta(dst, apiVersion, listKind)
	dst = appendKey(dst, 2, wireBytes)
	dst = binary.AppendUvarint(dst, uint64(size))
	dst = appendBytesField(dst, 1, metaMsg)
	for _, it := range items {
		dst = appendBytesField(dst, 2, it)
	}
	return dst, nil
}

// IsBody says whether data starts as a body in Kubernetes' protobuf encoding does
// (the magic "k8s\x00"); JSON never does.
func IsBody(data []byte) bool {
	return len(data) >= len(magic) && string(data[:len(magic)]) == string(magic[:])
}

// Raw returns the object's message inside a body in Kubernetes' protobuf encoding (an
// object as Marshal returns it), without copying.
func Raw(body []byte) ([]byte, error) {
	env, err := parseEnvelope(body)
	if err != nil {
		return nil, err
	}
	return env.raw, nil
}

// StreamContentType is the Content-Type of a watch stream in Kubernetes' protobuf
// encoding.
const StreamContentType = MediaType + ";stream=watch"

// AppendWatchFrameHeader appends to dst what precedes an object (a body as Marshal
// returns it) in one frame of a watch stream: the frame's length (four bytes, big
// endian), then a meta/v1 WatchEvent message (without an envelope: Kubernetes' stream
// serializer writes the event raw) with its type, up to the object's bytes. The frame
// ends with the object's objectLen bytes, which the caller writes after the header.
func AppendWatchFrameHeader(dst []byte, eventType string, objectLen int) []byte {
	// WatchEvent: type = 1, object = 2 (a RawExtension: raw = 1).
	rawExt := 1 + uvarintLen(objectLen) + objectLen
	event := 1 + uvarintLen(len(eventType)) + len(eventType) + 1 + uvarintLen(rawExt) + rawExt
	dst = binary.BigEndian.AppendUint32(dst, uint32(event))
	dst = appendStringField(dst, 1, eventType)
	dst = appendKey(dst, 2, wireBytes)
	dst = binary.AppendUvarint(dst, uint64(rawExt))
	dst = appendKey(dst, 1, wireBytes)
	return binary.AppendUvarint(dst, uint64(objectLen))
}

// WatchEvent reads one frame's content (after its length) of a watch stream: the
// event's type and its object's body (aliasing frame).
func WatchEvent(frame []byte) (eventType string, object []byte, err error) {
	r := reader{buf: frame}
	for !r.done() {
		num, wire, err := r.tag()
		if err != nil {
			return "", nil, err
		}
		if num > 2 || wire != wireBytes {
			if err := r.skip(num, wire, 1); err != nil {
				return "", nil, err
			}
			continue
		}
		b, err := r.bytes()
		if err != nil {
			return "", nil, err
		}
		if num == 1 {
			eventType = string(b)
			continue
		}
		ext := reader{buf: b}
		for !ext.done() {
			n, w, err := ext.tag()
			if err != nil {
				return "", nil, err
			}
			if n != 1 || w != wireBytes {
				if err := ext.skip(n, w, 2); err != nil {
					return "", nil, err
				}
				continue
			}
			if object, err = ext.bytes(); err != nil {
				return "", nil, err
			}
		}
	}
	return eventType, object, nil
}

// Envelope returns the apiVersion and kind a body in Kubernetes' protobuf encoding
// names, and its raw message (aliasing body).
func Envelope(body []byte) (apiVersion, kind string, raw []byte, err error) {
	env, err := parseEnvelope(body)
	if err != nil {
		return "", "", nil, err
	}
	if env.contentEncoding != "" {
		return "", "", nil, fmt.Errorf("unsupported content encoding %q", env.contentEncoding)
	}
	if env.contentType != "" && !IsProtobuf(env.contentType) {
		return "", "", nil, fmt.Errorf("unsupported content type %q of the raw object", env.contentType)
	}
	return env.apiVersion, env.kind, env.raw, nil
}

// Unmarshal decodes a body in Kubernetes' protobuf encoding into obj, a pointer to a
// struct that m describes, straight into the Go type; fields the type does not model
// are skipped. An object with a TypeMeta gets the envelope's apiVersion and kind.
func Unmarshal(body []byte, m *protoschema.Message, obj any) error {
	return UnmarshalWith(body, m, obj, nil)
}

// UnmarshalWith is Unmarshal sharing the strings it decodes through strs (see
// Strings); a nil strs shares nothing.
func UnmarshalWith(body []byte, m *protoschema.Message, obj any, strs *Strings) error {
	apiVersion, kind, raw, err := Envelope(body)
	if err != nil {
		return err
	}
	if err := UnmarshalMessageWith(raw, m, obj, strs); err != nil {
		return fmt.Errorf("decode %s: %w", kind, err)
	}
	if o, ok := obj.(interface{ GetTypeMeta() *api.TypeMeta }); ok {
		tm := o.GetTypeMeta()
		tm.APIVersion, tm.Kind = apiVersion, kind
	}
	return nil
}

// UnmarshalMessage decodes a message without an envelope into obj, a pointer to a
// struct that m describes.
func UnmarshalMessage(raw []byte, m *protoschema.Message, obj any) error {
	return UnmarshalMessageWith(raw, m, obj, nil)
}

// UnmarshalMessageWith is UnmarshalMessage sharing the strings it decodes through
// strs (see Strings); a nil strs shares nothing.
func UnmarshalMessageWith(raw []byte, m *protoschema.Message, obj any, strs *Strings) error {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("protobuf: cannot decode into %T: not a pointer to a struct", obj)
	}
	p, err := planFor(v.Type().Elem(), m)
	if err != nil {
		return err
	}
	return p.decode(raw, v.Elem(), 1, strs)
}

// ListItems calls item with the message of each item of a list's message (field 2),
// and returns the list's metadata (field 1).
func ListItems(raw []byte, item func(msg []byte) error) (api.ListMeta, error) {
	var meta api.ListMeta
	r := reader{buf: raw}
	for !r.done() {
		num, wire, err := r.tag()
		if err != nil {
			return meta, err
		}
		if num > 2 || wire != wireBytes {
			if err := r.skip(num, wire, 1); err != nil {
				return meta, err
			}
			continue
		}
		b, err := r.bytes()
		if err != nil {
			return meta, err
		}
		if num == 1 {
			if err := UnmarshalMessage(b, protoschema.ListMeta, &meta); err != nil {
				return meta, fmt.Errorf("list metadata: %w", err)
			}
			continue
		}
		if err := item(b); err != nil {
			return meta, err
		}
	}
	return meta, nil
}

// --- encoding ---

func uvarintLen(n int) int {
	l := 1
	for x := uint64(n); x >= 0x80; x >>= 7 {
		l++
	}
	return l
}

func appendKey(b []byte, num, wire int) []byte {
	return binary.AppendUvarint(b, uint64(num)<<3|uint64(wire))
}

func appendStringField(b []byte, num int, s string) []byte {
	b = appendKey(b, num, wireBytes)
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytesField(b []byte, num int, s []byte) []byte {
	b = appendKey(b, num, wireBytes)
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// beginLen reserves one byte for a length that endLen fills in.
func beginLen(b []byte) ([]byte, int) { return append(b, 0), len(b) }

// endLen writes the length of what follows the byte reserved at start, moving it
// along when the length needs more than one byte.
func endLen(b []byte, start int) []byte {
	n := len(b) - start - 1
	if n < 0x80 {
		b[start] = byte(n)
		return b
	}
	extra := uvarintLen(n) - 1
	b = append(b, make([]byte, extra)...)
	copy(b[start+1+extra:], b[start+1:len(b)-extra])
	binary.PutUvarint(b[start:], uint64(n))
	return b
}

// append appends the message of struct value v.
func (p *plan) append(b []byte, v reflect.Value) ([]byte, error) {
	var err error
	for i := range p.fields {
		fp := &p.fields[i]
		if fp.f.Kind == protoschema.KindInline {
			if err := fp.sub.ready(); err != nil {
				return b, err
			}
			b = append(b, fp.tag...)
			var start int
			b, start = beginLen(b)
			if b, err = fp.sub.append(b, v); err != nil {
				return b, err
			}
			b = endLen(b, start)
			continue
		}
		fv := v.FieldByIndex(fp.index)
		if fp.omitted(fv) {
			continue
		}
		if fp.f.Repeated {
			for j := range fv.Len() {
				if b, err = fp.appendValue(b, fv.Index(j)); err != nil {
					return b, err
				}
			}
			continue
		}
		if b, err = fp.appendValue(b, fv); err != nil {
			return b, err
		}
	}
	return b, nil
}

// omitted says whether the JSON encoding leaves fv out (or it is a nil pointer).
func (fp *fieldPlan) omitted(fv reflect.Value) bool {
	switch fv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if fv.IsNil() {
			return true
		}
	case reflect.Slice, reflect.Map:
		if fv.Len() == 0 {
			return true
		}
	}
	switch fp.omit {
	case omitEmpty:
		switch fv.Kind() {
		case reflect.String:
			return fv.Len() == 0
		case reflect.Bool:
			return !fv.Bool()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return fv.Int() == 0
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return fv.Uint() == 0
		}
	case omitZero:
		if z, ok := fv.Interface().(interface{ IsZero() bool }); ok {
			return z.IsZero()
		}
		return fv.IsZero()
	}
	return false
}

// appendValue appends one value of the field (an element, for a repeated one).
func (fp *fieldPlan) appendValue(b []byte, v reflect.Value) ([]byte, error) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return b, nil
		}
		v = v.Elem()
	}
	b = append(b, fp.tag...)
	switch fp.f.Kind {
	case protoschema.KindString:
		b = binary.AppendUvarint(b, uint64(v.Len()))
		return append(b, v.String()...), nil
	case protoschema.KindBool:
		if v.Bool() {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case protoschema.KindInt32, protoschema.KindInt64:
		return binary.AppendUvarint(b, uint64(v.Int())), nil
	case protoschema.KindMessage:
		if err := fp.sub.ready(); err != nil {
			return b, err
		}
		var start int
		b, start = beginLen(b)
		b, err := fp.sub.append(b, v)
		if err != nil {
			return b, err
		}
		return endLen(b, start), nil
	case protoschema.KindTime:
		return appendTime(b, valueOf[api.Time](v).Time, false), nil
	case protoschema.KindMicroTime:
		return appendTime(b, valueOf[api.MicroTime](v).Time, true), nil
	case protoschema.KindQuantity:
		q := valueOf[api.Quantity](v)
		return appendQuantity(b, &q), nil
	case protoschema.KindIntOrString:
		ios := valueOf[api.IntOrString](v)
		var start int
		b, start = beginLen(b)
		b = appendKey(b, 1, wireVarint)
		b = binary.AppendUvarint(b, uint64(ios.Type))
		b = appendKey(b, 2, wireVarint)
		b = binary.AppendUvarint(b, uint64(int64(ios.IntVal)))
		b = appendStringField(b, 3, ios.StrVal)
		return endLen(b, start), nil
	case protoschema.KindStringMap, protoschema.KindQuantityMap, protoschema.KindTimeMap:
		return fp.appendMap(b[:len(b)-len(fp.tag)], v)
	}
	return b, fmt.Errorf("protobuf: field %s of kind %d cannot be encoded", fp.f.Name, fp.f.Kind)
}

// valueOf reads v as a T without allocating when v is addressable.
func valueOf[T any](v reflect.Value) T {
	if v.CanAddr() {
		return *v.Addr().Interface().(*T)
	}
	return v.Interface().(T)
}

// appendTime appends a meta/v1 Time or MicroTime message (Timestamp: seconds = 1,
// nanos = 2) with its length; a zero time is an empty message. Time keeps seconds only,
// as Kubernetes writes it.
func appendTime(b []byte, t time.Time, micro bool) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	nanos := 0
	if micro {
		nanos = t.Nanosecond()
	}
	size := 1 + uvarintLen(int(t.Unix())) + 1 + uvarintLen(nanos)
	if t.Unix() < 0 {
		size = 1 + 10 + 1 + uvarintLen(nanos)
	}
	b = binary.AppendUvarint(b, uint64(size))
	b = appendKey(b, 1, wireVarint)
	b = binary.AppendUvarint(b, uint64(t.Unix()))
	b = appendKey(b, 2, wireVarint)
	return binary.AppendUvarint(b, uint64(nanos))
}

// appendQuantity appends a resource.Quantity message (string = 1) with its length.
func appendQuantity(b []byte, q *api.Quantity) []byte {
	s := q.String()
	b = binary.AppendUvarint(b, uint64(1+uvarintLen(len(s))+len(s)))
	return appendStringField(b, 1, s)
}

// appendMap appends one entry (key = 1, value = 2) per key of map v, keys sorted, as
// Kubernetes' generated code writes them.
func (fp *fieldPlan) appendMap(b []byte, v reflect.Value) ([]byte, error) {
	keys := v.MapKeys()
	slices.SortFunc(keys, func(x, y reflect.Value) int { return strings.Compare(x.String(), y.String()) })
	for _, k := range keys {
		b = append(b, fp.tag...)
		var start int
		b, start = beginLen(b)
		b = appendStringField(b, 1, k.String())
		val := v.MapIndex(k)
		switch fp.f.Kind {
		case protoschema.KindStringMap:
			b = appendStringField(b, 2, val.String())
		case protoschema.KindQuantityMap:
			q := val.Interface().(api.Quantity)
			b = appendKey(b, 2, wireBytes)
			b = appendQuantity(b, &q)
		case protoschema.KindTimeMap:
			b = appendKey(b, 2, wireBytes)
			b = appendTime(b, val.Interface().(api.Time).Time, false)
		}
		b = endLen(b, start)
	}
	return b, nil
}

// --- decoding ---

var errWire = errors.New("wrong wire type")

// decode reads a message into struct value v (addressable).
func (p *plan) decode(data []byte, v reflect.Value, depth int, strs *Strings) error {
	if depth > maxDepth {
		return errTooDeep
	}
	if err := p.ready(); err != nil {
		return err
	}
	r := reader{buf: data}
	for !r.done() {
		num, wire, err := r.tag()
		if err != nil {
			return err
		}
		var fp *fieldPlan
		if num < len(p.byNum) {
			fp = p.byNum[num]
		}
		if fp == nil {
			if err := r.skip(num, wire, depth); err != nil {
				return err
			}
			continue
		}
		if wire != fp.f.Kind.WireType() {
			return fmt.Errorf("%w %d for %s.%s", errWire, wire, p.m.Name(), fp.f.Name)
		}
		scalar, b, err := r.value(wire)
		if err != nil {
			return err
		}
		if fp.f.Kind == protoschema.KindInline {
			if err := fp.sub.decode(b, v, depth+1, strs); err != nil {
				return err
			}
			continue
		}
		fv := v.FieldByIndex(fp.index)
		if fp.f.Repeated && fv.Kind() == reflect.Slice { // maps are repeated entries
			err = fp.decodeRun(fv, &r, num, wire, scalar, b, depth, strs)
		} else {
			err = fp.decodeValue(fv, scalar, b, depth, strs)
		}
		if err != nil {
			return fmt.Errorf("%s.%s: %w", p.m.Name(), fp.f.Name, err)
		}
	}
	return nil
}

// decodeRun decodes the occurrence of repeated field fv just read (scalar or b) and
// those that follow it directly, as Kubernetes writes a list's elements: the slice is
// grown once, by the run's length, and each element is decoded in place.
func (fp *fieldPlan) decodeRun(fv reflect.Value, r *reader, num, wire int, scalar uint64, b []byte, depth int, strs *Strings) error {
	n := 1
	for ahead := *r; !ahead.done(); n++ {
		nextNum, nextWire, err := ahead.tag()
		if err != nil || nextNum != num || nextWire != wire || ahead.skip(nextNum, nextWire, depth) != nil {
			break
		}
	}
	base := fv.Len()
	grown := reflect.MakeSlice(fv.Type(), base+n, base+n)
	reflect.Copy(grown, fv)
	fv.Set(grown)
	for i := range n {
		if i > 0 {
			var err error
			if _, _, err = r.tag(); err == nil {
				scalar, b, err = r.value(wire)
			}
			if err != nil {
				return err
			}
		}
		if err := fp.decodeOne(fv.Index(base+i), scalar, b, depth, strs); err != nil {
			return err
		}
	}
	return nil
}

// decodeValue sets the Go field fv from one occurrence of the field.
func (fp *fieldPlan) decodeValue(fv reflect.Value, scalar uint64, b []byte, depth int, strs *Strings) error {
	switch fp.f.Kind {
	case protoschema.KindStringMap, protoschema.KindQuantityMap, protoschema.KindTimeMap:
		return fp.decodeEntry(fv, b, strs)
	}
	return fp.decodeOne(fv, scalar, b, depth, strs)
}

// decodeOne sets target, one Go value (a field, or an element of a list), from one
// occurrence of the field; a nil pointer gets a new value to point to.
func (fp *fieldPlan) decodeOne(target reflect.Value, scalar uint64, b []byte, depth int, strs *Strings) error {
	if target.Kind() == reflect.Pointer {
		if target.IsNil() {
			target.Set(reflect.New(target.Type().Elem()))
		}
		target = target.Elem()
	}
	switch fp.f.Kind {
	case protoschema.KindString:
		if fp.unique {
			target.SetString(string(b))
		} else {
			target.SetString(strs.string(b))
		}
	case protoschema.KindBool:
		target.SetBool(scalar != 0)
	case protoschema.KindInt32:
		target.SetInt(int64(int32(scalar)))
	case protoschema.KindInt64:
		target.SetInt(int64(scalar))
	case protoschema.KindMessage:
		if err := fp.sub.decode(b, target, depth+1, strs); err != nil {
			return err
		}
	case protoschema.KindTime:
		t, err := readTime(b, false, depth+1)
		if err != nil {
			return err
		}
		target.Set(reflect.ValueOf(api.Time{Time: t}))
	case protoschema.KindMicroTime:
		t, err := readTime(b, true, depth+1)
		if err != nil {
			return err
		}
		target.Set(reflect.ValueOf(api.MicroTime{Time: t}))
	case protoschema.KindQuantity:
		q, err := readQuantity(b, depth+1, strs)
		if err != nil {
			return err
		}
		target.Set(reflect.ValueOf(q))
	case protoschema.KindIntOrString:
		ios, err := readIntOrString(b, depth+1)
		if err != nil {
			return err
		}
		target.Set(reflect.ValueOf(ios))
	default:
		return fmt.Errorf("kind %d cannot be decoded", fp.f.Kind)
	}
	return nil
}

// decodeEntry adds one map entry (key = 1, value = 2) to map field fv.
func (fp *fieldPlan) decodeEntry(fv reflect.Value, b []byte, strs *Strings) error {
	r := reader{buf: b}
	var key string
	var val reflect.Value
	for !r.done() {
		num, wire, err := r.tag()
		if err != nil {
			return err
		}
		if (num != 1 && num != 2) || wire != wireBytes {
			if err := r.skip(num, wire, 2); err != nil {
				return err
			}
			continue
		}
		data, err := r.bytes()
		if err != nil {
			return err
		}
		if num == 1 {
			key = strs.string(data)
			continue
		}
		switch fp.f.Kind {
		case protoschema.KindStringMap:
			val = reflect.ValueOf(strs.string(data))
		case protoschema.KindQuantityMap:
			q, err := readQuantity(data, 3, strs)
			if err != nil {
				return err
			}
			val = reflect.ValueOf(q)
		case protoschema.KindTimeMap:
			t, err := readTime(data, false, 3)
			if err != nil {
				return err
			}
			val = reflect.ValueOf(api.Time{Time: t})
		}
	}
	mt := fv.Type()
	if !val.IsValid() {
		val = reflect.Zero(mt.Elem())
	}
	if fv.IsNil() {
		fv.Set(reflect.MakeMap(mt))
	}
	fv.SetMapIndex(reflect.ValueOf(key).Convert(mt.Key()), val.Convert(mt.Elem()))
	return nil
}

// readQuantity reads a resource.Quantity into the Go type, parsed once per string
// when strs is set (quantities are immutable, so equal ones can be shared).
func readQuantity(data []byte, depth int, strs *Strings) (api.Quantity, error) {
	s, err := decodeQuantity(data, depth)
	if err != nil {
		return api.Quantity{}, err
	}
	if q, ok := strs.quantity(s); ok {
		return q, nil
	}
	q, err := api.ParseQuantity(s)
	if err == nil {
		strs.keepQuantity(s, q)
	}
	return q, err
}
