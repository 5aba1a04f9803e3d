package protoschema

// Kind is how a field's value is encoded on the wire and rendered as JSON.
type Kind uint8

// The kinds of fields.
const (
	KindString      Kind = iota + 1 // length-delimited UTF-8 → JSON string
	KindBool                        // varint → JSON true/false
	KindInt32                       // varint, truncated to 32 bits → JSON number
	KindInt64                       // varint → JSON number
	KindMessage                     // embedded message → JSON object
	KindInline                      // embedded message whose fields join the parent's JSON object
	KindTime                        // meta/v1 Time → RFC 3339 string with seconds, or null
	KindMicroTime                   // meta/v1 MicroTime → RFC 3339 string with microseconds, or null
	KindQuantity                    // resource.Quantity → its string
	KindIntOrString                 // intstr.IntOrString → JSON number or string
	KindStringMap                   // map<string, string> → JSON object of strings
	KindQuantityMap                 // map<string, Quantity> → JSON object of strings
	KindTimeMap                     // map<string, meta/v1 Time> → JSON object of RFC 3339 strings
)

// Wire types of the protobuf encoding.
const (
	WireVarint = 0
	WireBytes  = 2
)

// WireType is the wire type a field of kind k arrives with.
func (k Kind) WireType() int {
	switch k {
	case KindBool, KindInt32, KindInt64:
		return WireVarint
	default:
		return WireBytes
	}
}

// Field is one modelled field of a message.
type Field struct {
	Num      int
	Name     string // JSON name; empty for KindInline
	Kind     Kind
	Repeated bool
	Message  *Message // for KindMessage and KindInline
}

// Message describes one protobuf message: the fields a Go type models.
type Message struct {
	name string
	// fields is indexed by field number; an entry of kind 0 is a field not modelled.
	fields []Field
}

// NewMessage returns the message named name ("PodSpec") with the given fields. Two
// fields with one number, or a field numbered below 1, make it panic: messages are
// built from literals when a program starts.
func NewMessage(name string, fields ...Field) *Message {
	top := 0
	for _, f := range fields {
		if f.Num < 1 {
			panic("protoschema: " + name + "." + f.Name + " has no field number")
		}
		top = max(top, f.Num)
	}
	m := &Message{name: name, fields: make([]Field, top+1)}
	for _, f := range fields {
		if m.fields[f.Num].Kind != 0 {
			panic("protoschema: " + name + " numbers two fields alike: " + m.fields[f.Num].Name + " and " + f.Name)
		}
		m.fields[f.Num] = f
	}
	return m
}

// Name is the message's name.
func (m *Message) Name() string { return m.name }

// Lookup returns the modelled field numbered num, if any. The field is the
// message's own: it must not be modified.
func (m *Message) Lookup(num int) (*Field, bool) {
	if num <= 0 || num >= len(m.fields) || m.fields[num].Kind == 0 {
		return nil, false
	}
	return &m.fields[num], true
}

// Fields returns the modelled fields in the order of their numbers.
func (m *Message) Fields() []Field {
	out := make([]Field, 0, len(m.fields))
	for _, f := range m.fields {
		if f.Kind != 0 {
			out = append(out, f)
		}
	}
	return out
}

// String is a string field; Strings a repeated one.
func String(num int, name string) Field { return Field{Num: num, Name: name, Kind: KindString} }

// Strings is a repeated string field.
func Strings(num int, name string) Field {
	return Field{Num: num, Name: name, Kind: KindString, Repeated: true}
}

// Bool is a bool field.
func Bool(num int, name string) Field { return Field{Num: num, Name: name, Kind: KindBool} }

// Int32 is an int32 field.
func Int32(num int, name string) Field { return Field{Num: num, Name: name, Kind: KindInt32} }

// Int64 is an int64 field.
func Int64(num int, name string) Field { return Field{Num: num, Name: name, Kind: KindInt64} }

// Int64s is a repeated int64 field.
func Int64s(num int, name string) Field {
	return Field{Num: num, Name: name, Kind: KindInt64, Repeated: true}
}

// Embedded is a field holding message m.
func Embedded(num int, name string, m *Message) Field {
	return Field{Num: num, Name: name, Kind: KindMessage, Message: m}
}

// EmbeddedList is a repeated field of message m.
func EmbeddedList(num int, name string, m *Message) Field {
	return Field{Num: num, Name: name, Kind: KindMessage, Repeated: true, Message: m}
}

// Inline is a field holding message m whose fields the Go type embeds in its own
// (a Go struct embedded without a JSON name).
func Inline(num int, m *Message) Field { return Field{Num: num, Kind: KindInline, Message: m} }

// Time is a meta/v1 Time field.
func Time(num int, name string) Field { return Field{Num: num, Name: name, Kind: KindTime} }

// MicroTime is a meta/v1 MicroTime field.
func MicroTime(num int, name string) Field {
	return Field{Num: num, Name: name, Kind: KindMicroTime}
}

// Quantity is a resource.Quantity field.
func Quantity(num int, name string) Field {
	return Field{Num: num, Name: name, Kind: KindQuantity}
}

// IntOrString is an intstr.IntOrString field.
func IntOrString(num int, name string) Field {
	return Field{Num: num, Name: name, Kind: KindIntOrString}
}

// StringMap is a map<string, string> field.
func StringMap(num int, name string) Field {
	return Field{Num: num, Name: name, Kind: KindStringMap}
}

// QuantityMap is a map<string, resource.Quantity> field (a ResourceList).
func QuantityMap(num int, name string) Field {
	return Field{Num: num, Name: name, Kind: KindQuantityMap}
}

// TimeMap is a map<string, meta/v1 Time> field.
func TimeMap(num int, name string) Field {
	return Field{Num: num, Name: name, Kind: KindTimeMap}
}
