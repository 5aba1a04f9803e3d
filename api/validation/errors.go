package validation

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/orrery-dev/orrery/api"
)

// ErrorType is the kind of a validation error. Its value is the StatusCause type
// Kubernetes reports ("FieldValueRequired"); String gives the human form ("Required
// value").
type ErrorType string

// The error types.
const (
	// ErrorTypeRequired: a required value is missing.
	ErrorTypeRequired ErrorType = "FieldValueRequired"
	// ErrorTypeInvalid: the value is malformed or out of range.
	ErrorTypeInvalid ErrorType = "FieldValueInvalid"
	// ErrorTypeDuplicate: the value must be unique and is not.
	ErrorTypeDuplicate ErrorType = "FieldValueDuplicate"
	// ErrorTypeNotSupported: the value is not one of a fixed set.
	ErrorTypeNotSupported ErrorType = "FieldValueNotSupported"
	// ErrorTypeForbidden: the field may not be set (or changed) here.
	ErrorTypeForbidden ErrorType = "FieldValueForbidden"
	// ErrorTypeTooLong: the value is longer than allowed.
	ErrorTypeTooLong ErrorType = "FieldValueTooLong"
	// ErrorTypeTooMany: the list has more items than allowed.
	ErrorTypeTooMany ErrorType = "FieldValueTooMany"
	// ErrorTypeNotFound: the value names something that does not exist.
	ErrorTypeNotFound ErrorType = "FieldValueNotFound"
)

// String returns the human-readable form used in messages.
func (t ErrorType) String() string {
	switch t {
	case ErrorTypeRequired:
		return "Required value"
	case ErrorTypeInvalid:
		return "Invalid value"
	case ErrorTypeDuplicate:
		return "Duplicate value"
	case ErrorTypeNotSupported:
		return "Unsupported value"
	case ErrorTypeForbidden:
		return "Forbidden"
	case ErrorTypeTooLong:
		return "Too long"
	case ErrorTypeTooMany:
		return "Too many"
	case ErrorTypeNotFound:
		return "Not found"
	}
	return string(t)
}

// Error is one validation failure.
type Error struct {
	Type ErrorType
	// Field is the path of the offending field: "spec.containers[0].image".
	Field string
	// BadValue is the offending value, when the type reports one.
	BadValue any
	// Detail explains the failure; it may be empty.
	Detail string
}

// Error returns "<field>: <body>", as Kubernetes formats field errors.
func (e *Error) Error() string {
	return e.Field + ": " + e.ErrorBody()
}

// ErrorBody returns the message without the field: "Invalid value: \"x\": detail".
func (e *Error) ErrorBody() string {
	var s string
	switch e.Type {
	case ErrorTypeRequired, ErrorTypeForbidden, ErrorTypeTooLong:
		s = e.Type.String()
	default:
		s = e.Type.String() + ": " + formatValue(e.BadValue)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func formatValue(value any) string {
	if value == nil {
		return "null"
	}
	if rv := reflect.ValueOf(value); rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "null"
		}
		value = rv.Elem().Interface()
	}
	switch v := value.(type) {
	case int64, int32, float64, float32, bool:
		return fmt.Sprintf("%v", v)
	case string:
		return strconv.Quote(v)
	case fmt.Stringer:
		return v.String()
	default:
		return fmt.Sprintf("%#v", v)
	}
}

// ErrorList is a list of validation failures; empty means valid.
type ErrorList []*Error

// Err returns nil for an empty list, else an error whose message is the single error's
// or "[e1, e2, ...]".
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return listError(l)
}

type listError ErrorList

func (l listError) Error() string {
	if len(l) == 1 {
		return l[0].Error()
	}
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return "[" + strings.Join(msgs, ", ") + "]"
}

// Causes converts the list to Status causes, one per error.
func (l ErrorList) Causes() []api.StatusCause {
	causes := make([]api.StatusCause, len(l))
	for i, e := range l {
		causes[i] = api.StatusCause{Type: api.CauseType(e.Type), Message: e.ErrorBody(), Field: e.Field}
	}
	return causes
}

// ToStatus returns the 422 Invalid Status Kubernetes answers for this list:
// `Pod "web" is invalid: spec.containers: Required value`.
func (l ErrorList) ToStatus(group, kind, name string) *api.Status {
	return api.NewInvalid(group, kind, name, l.Causes())
}

// Path is the path of a field, built from its root: NewPath("spec").Child("containers").
// Index(0).Child("image") prints as "spec.containers[0].image". A nil *Path is the root.
type Path struct {
	name   string // a field name, or "" for an index or key step
	index  string // the "[...]" step when name is ""
	parent *Path
}

// NewPath returns the path of a top-level field and, optionally, fields below it.
func NewPath(name string, more ...string) *Path {
	return (*Path)(nil).Child(name, more...)
}

// Child returns the path of a field below p.
func (p *Path) Child(name string, more ...string) *Path {
	r := &Path{name: name, parent: p}
	for _, m := range more {
		r = &Path{name: m, parent: r}
	}
	return r
}

// Index returns the path of the i-th element of the list at p.
func (p *Path) Index(i int) *Path {
	return &Path{index: strconv.Itoa(i), parent: p}
}

// Key returns the path of the map entry with key k at p.
func (p *Path) Key(k string) *Path {
	return &Path{index: k, parent: p}
}

// String returns the path in Kubernetes' notation.
func (p *Path) String() string {
	if p == nil {
		return "<nil>"
	}
	var steps []*Path
	for q := p; q != nil; q = q.parent {
		steps = append(steps, q)
	}
	var b strings.Builder
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		if s.name == "" {
			b.WriteString("[" + s.index + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.name)
	}
	return b.String()
}

// Required returns a Required error at p.
func Required(p *Path, detail string) *Error {
	return &Error{Type: ErrorTypeRequired, Field: p.String(), Detail: detail}
}

// Invalid returns an Invalid error at p for value.
func Invalid(p *Path, value any, detail string) *Error {
	return &Error{Type: ErrorTypeInvalid, Field: p.String(), BadValue: value, Detail: detail}
}

// Duplicate returns a Duplicate error at p for value.
func Duplicate(p *Path, value any) *Error {
	return &Error{Type: ErrorTypeDuplicate, Field: p.String(), BadValue: value}
}

// NotSupported returns a NotSupported error at p for value, listing the valid values.
func NotSupported[T ~string](p *Path, value any, valid []T) *Error {
	quoted := make([]string, len(valid))
	for i, v := range valid {
		quoted[i] = strconv.Quote(string(v))
	}
	detail := ""
	if len(quoted) > 0 {
		detail = "supported values: " + strings.Join(quoted, ", ")
	}
	return &Error{Type: ErrorTypeNotSupported, Field: p.String(), BadValue: value, Detail: detail}
}

// Forbidden returns a Forbidden error at p.
func Forbidden(p *Path, detail string) *Error {
	return &Error{Type: ErrorTypeForbidden, Field: p.String(), Detail: detail}
}

// TooLong returns a TooLong error at p: value is longer than maxLength bytes.
func TooLong(p *Path, value any, maxLength int) *Error {
	return &Error{Type: ErrorTypeTooLong, Field: p.String(), BadValue: value,
		Detail: fmt.Sprintf("may not be more than %d bytes", maxLength)}
}

// TooMany returns a TooMany error at p: the list has actual items, more than max.
func TooMany(p *Path, actual, max int) *Error {
	return &Error{Type: ErrorTypeTooMany, Field: p.String(), BadValue: actual,
		Detail: fmt.Sprintf("must have at most %d items", max)}
}

// NotFound returns a NotFound error at p: value names something that does not exist.
func NotFound(p *Path, value any) *Error {
	return &Error{Type: ErrorTypeNotFound, Field: p.String(), BadValue: value}
}
