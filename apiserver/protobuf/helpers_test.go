package protobuf

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/orrery-dev/orrery/api/builtin"
)

// testDecoder reads the built-in kinds.
var testDecoder = NewDecoder(builtin.Registry())

// pb assembles protobuf messages by hand for the tests; every method appends one
// field and returns the builder.
type pb struct{ b []byte }

func newPB() *pb { return &pb{} }

func (e *pb) raw(b ...byte) *pb { e.b = append(e.b, b...); return e }

func (e *pb) varint(v uint64) *pb {
	for v >= 0x80 {
		e.b = append(e.b, byte(v)|0x80)
		v >>= 7
	}
	e.b = append(e.b, byte(v))
	return e
}

func (e *pb) tag(num, wire int) *pb { return e.varint(uint64(num)<<3 | uint64(wire)) }

// str is a string (or bytes) field.
func (e *pb) str(num int, s string) *pb {
	return e.tag(num, wireBytes).varint(uint64(len(s))).raw([]byte(s)...)
}

// int is a varint field holding v as int32 and int64 fields encode it (negative
// numbers take ten bytes).
func (e *pb) int(num int, v int64) *pb { return e.tag(num, wireVarint).varint(uint64(v)) }

func (e *pb) boolean(num int, v bool) *pb {
	if v {
		return e.int(num, 1)
	}
	return e.int(num, 0)
}

// msg is an embedded message field.
func (e *pb) msg(num int, m *pb) *pb { return e.str(num, string(m.b)) }

func (e *pb) fixed32(num int) *pb { return e.tag(num, wireFixed32).raw(1, 2, 3, 4) }
func (e *pb) fixed64(num int) *pb { return e.tag(num, wireFixed64).raw(1, 2, 3, 4, 5, 6, 7, 8) }

// entry is a map entry {key = 1, value = 2} with a string value.
func (e *pb) entry(num int, k, v string) *pb {
	return e.msg(num, newPB().str(1, k).str(2, v))
}

// quantityEntry is a map<string, Quantity> entry.
func (e *pb) quantityEntry(num int, k, q string) *pb {
	return e.msg(num, newPB().str(1, k).msg(2, newPB().str(1, q)))
}

// timestamp is a meta/v1 Time or MicroTime.
func (e *pb) timestamp(num int, seconds int64, nanos int32) *pb {
	return e.msg(num, newPB().int(1, seconds).int(2, int64(nanos)))
}

// body wraps raw as a Kubernetes protobuf body: magic, then runtime.Unknown.
func body(apiVersion, kind string, raw *pb) []byte {
	unk := newPB().msg(1, newPB().str(1, apiVersion).str(2, kind)).msg(2, raw)
	return append([]byte("k8s\x00"), unk.b...)
}

// jsonEqual reports whether two JSON documents are equal as values, and describes them.
func jsonEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("got  %s\nwant %s", gb, wb)
	}
}
