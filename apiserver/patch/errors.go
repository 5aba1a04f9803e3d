package patch

import (
	"errors"
	"fmt"
)

// Error classes. Every error returned by this package matches exactly one of them with
// errors.Is; its message is the specific one, without the class prefix.
var (
	// ErrInvalidPatch means the patch is not a valid document of its format: not JSON,
	// the wrong shape, an unknown operation or directive, a malformed directive.
	ErrInvalidPatch = errors.New("invalid patch")
	// ErrCannotApply means the patch is well formed but cannot be applied to the
	// document: a missing path, a failed test operation, an index out of range, a list
	// element without its merge key, element types that do not match.
	ErrCannotApply = errors.New("patch cannot be applied")
	// ErrTooManyOperations means a JSON patch has more than MaxJSONPatchOperations
	// operations.
	ErrTooManyOperations = errors.New("too many JSON patch operations")
	// ErrInvalidDocument means the original document is not valid JSON of the expected
	// shape.
	ErrInvalidDocument = errors.New("invalid document")
)

// patchError carries a precise message and the class it belongs to.
type patchError struct {
	class error
	msg   string
}

func (e *patchError) Error() string { return e.msg }
func (e *patchError) Unwrap() error { return e.class }

func invalidPatch(format string, args ...any) error {
	return &patchError{class: ErrInvalidPatch, msg: fmt.Sprintf(format, args...)}
}

func cannotApply(format string, args ...any) error {
	return &patchError{class: ErrCannotApply, msg: fmt.Sprintf(format, args...)}
}

func invalidDocument(format string, args ...any) error {
	return &patchError{class: ErrInvalidDocument, msg: fmt.Sprintf(format, args...)}
}
