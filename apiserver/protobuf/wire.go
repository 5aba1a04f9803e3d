package protobuf

import (
	"errors"
	"fmt"
)

// Wire types of the protobuf encoding.
const (
	wireVarint     = 0
	wireFixed64    = 1
	wireBytes      = 2
	wireStartGroup = 3
	wireEndGroup   = 4
	wireFixed32    = 5
)

// maxDepth bounds the nesting of messages and groups in a body. The deepest message
// Orrery models is about ten levels down (a ReplicaSet's pod template's container's
// environment variable's key selector), so this leaves ample room while keeping a
// hostile body from exhausting the stack.
const maxDepth = 64

// maxFieldNumber is the largest field number protobuf allows (2^29 - 1).
const maxFieldNumber = 1<<29 - 1

var (
	errTruncated   = errors.New("unexpected end of data")
	errOverflow    = errors.New("varint overflows 64 bits")
	errTooDeep     = fmt.Errorf("message nesting exceeds %d levels", maxDepth)
	errEndGroup    = errors.New("end group without a matching start group")
	errBadWireType = errors.New("invalid wire type")
)

// reader walks the fields of one encoded message. It never reads outside buf.
type reader struct {
	buf []byte
	pos int
}

// done reports whether every byte of the message has been read.
func (r *reader) done() bool { return r.pos >= len(r.buf) }

// varint reads a base-128 varint of at most ten bytes.
func (r *reader) varint() (uint64, error) {
	var v uint64
	for i := 0; i < 10; i++ {
		if r.pos >= len(r.buf) {
			return 0, errTruncated
		}
		b := r.buf[r.pos]
		r.pos++
		if i == 9 && b > 1 {
			return 0, errOverflow
		}
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return v, nil
		}
	}
	return 0, errOverflow
}

// tag reads a field key and splits it into field number and wire type.
func (r *reader) tag() (num int, wire int, err error) {
	v, err := r.varint()
	if err != nil {
		return 0, 0, err
	}
	n := v >> 3
	if n == 0 || n > maxFieldNumber {
		return 0, 0, fmt.Errorf("illegal field number %d", n)
	}
	return int(n), int(v & 7), nil
}

// value reads a field's value of wire type varint (into scalar) or bytes (into b,
// which aliases the buffer).
func (r *reader) value(wire int) (scalar uint64, b []byte, err error) {
	if wire == wireVarint {
		scalar, err = r.varint()
	} else {
		b, err = r.bytes()
	}
	return scalar, b, err
}

// bytes reads a length-delimited value; the result aliases the buffer.
func (r *reader) bytes() ([]byte, error) {
	n, err := r.varint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.buf)-r.pos) {
		return nil, fmt.Errorf("length %d runs past the end of the data", n)
	}
	b := r.buf[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return b, nil
}

// advance skips n bytes.
func (r *reader) advance(n int) error {
	if n > len(r.buf)-r.pos {
		return errTruncated
	}
	r.pos += n
	return nil
}

// skip skips the value of a field the decoder does not model. Groups, a wire type
// Kubernetes never writes but protobuf allows, are skipped to their matching end;
// depth is the nesting level of the message being read.
func (r *reader) skip(num, wire, depth int) error {
	switch wire {
	case wireVarint:
		_, err := r.varint()
		return err
	case wireFixed64:
		return r.advance(8)
	case wireFixed32:
		return r.advance(4)
	case wireBytes:
		_, err := r.bytes()
		return err
	case wireStartGroup:
		if depth+1 > maxDepth {
			return errTooDeep
		}
		for {
			n, w, err := r.tag()
			if err != nil {
				return err
			}
			if w == wireEndGroup {
				if n != num {
					return fmt.Errorf("end group %d does not match start group %d", n, num)
				}
				return nil
			}
			if err := r.skip(n, w, depth+1); err != nil {
				return err
			}
		}
	case wireEndGroup:
		return errEndGroup
	default:
		return fmt.Errorf("%w %d for field %d", errBadWireType, wire, num)
	}
}
