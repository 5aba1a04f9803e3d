package api

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// IntOrStringType says which member of an IntOrString holds its value.
type IntOrStringType int64

// The IntOrString types.
const (
	// IntOrStringInt: the value is IntVal.
	IntOrStringInt IntOrStringType = iota
	// IntOrStringString: the value is StrVal.
	IntOrStringString
)

// IntOrString holds either a 32-bit integer or a string (intstr.IntOrString). It is
// written to JSON as a number or a string, and read from either; numbers must be
// integers that fit in 32 bits.
type IntOrString struct {
	Type   IntOrStringType
	IntVal int32
	StrVal string
}

// FromInt32 returns an IntOrString holding the integer v.
func FromInt32(v int32) IntOrString { return IntOrString{Type: IntOrStringInt, IntVal: v} }

// FromString returns an IntOrString holding the string s.
func FromString(s string) IntOrString { return IntOrString{Type: IntOrStringString, StrVal: s} }

// String returns the value as a string: the string itself, or the integer in decimal.
func (v IntOrString) String() string {
	if v.Type == IntOrStringString {
		return v.StrVal
	}
	return strconv.Itoa(int(v.IntVal))
}

// MarshalJSON writes the value as a JSON number or string.
func (v IntOrString) MarshalJSON() ([]byte, error) {
	switch v.Type {
	case IntOrStringInt:
		return strconv.AppendInt(nil, int64(v.IntVal), 10), nil
	case IntOrStringString:
		return json.Marshal(v.StrVal)
	default:
		return nil, fmt.Errorf("impossible IntOrString.Type %d", v.Type)
	}
}

// UnmarshalJSON reads a JSON string or a 32-bit integer. null leaves the integer 0.
func (v *IntOrString) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		v.Type = IntOrStringString
		v.IntVal = 0
		return json.Unmarshal(data, &v.StrVal)
	}
	v.Type = IntOrStringInt
	v.StrVal = ""
	return json.Unmarshal(data, &v.IntVal)
}
