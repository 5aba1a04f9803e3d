package storage

import (
	"errors"
	"fmt"

	"github.com/orrery-dev/orrery/api"
)

// Code classifies a storage error; the apiserver maps each to a Status code.
type Code int

// The storage error codes.
const (
	// CodeNotFound: the key does not exist (404).
	CodeNotFound Code = iota + 1
	// CodeAlreadyExists: Create found the key taken (409).
	CodeAlreadyExists
	// CodeConflict: a stale resourceVersion or a failed precondition (409).
	CodeConflict
	// CodeExpired: the requested revision was compacted away (410).
	CodeExpired
	// CodeTooLargeResourceVersion: the requested revision is newer than storage has (504).
	CodeTooLargeResourceVersion
	// CodeInvalid: a stored value does not decode, or an object cannot be stored (500).
	CodeInvalid
	// CodeBadRequest: a malformed resourceVersion or continue token (400).
	CodeBadRequest
)

func (c Code) String() string {
	switch c {
	case CodeNotFound:
		return "NotFound"
	case CodeAlreadyExists:
		return "AlreadyExists"
	case CodeConflict:
		return "Conflict"
	case CodeExpired:
		return "Expired"
	case CodeTooLargeResourceVersion:
		return "TooLargeResourceVersion"
	case CodeInvalid:
		return "Invalid"
	case CodeBadRequest:
		return "BadRequest"
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// Error is the error every storage operation returns for a failure it can classify.
type Error struct {
	Code Code
	// Key is the storage key concerned, below the store's prefix; empty for lists.
	Key string
	// ResourceVersion is the revision concerned, where there is one.
	ResourceVersion int64
	// CurrentRevision is storage's current revision, for CodeTooLargeResourceVersion.
	CurrentRevision int64
	// Message says what happened, in the words Kubernetes uses.
	Message string
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

func hasCode(err error, code Code) bool {
	var se *Error
	return errors.As(err, &se) && se.Code == code
}

// IsNotFound reports whether err is a storage NotFound error.
func IsNotFound(err error) bool { return hasCode(err, CodeNotFound) }

// IsAlreadyExists reports whether err is a storage AlreadyExists error.
func IsAlreadyExists(err error) bool { return hasCode(err, CodeAlreadyExists) }

// IsConflict reports whether err is a storage Conflict error.
func IsConflict(err error) bool { return hasCode(err, CodeConflict) }

// IsExpired reports whether err is a storage Expired error.
func IsExpired(err error) bool { return hasCode(err, CodeExpired) }

// IsTooLargeResourceVersion reports whether err is a storage TooLargeResourceVersion error.
func IsTooLargeResourceVersion(err error) bool { return hasCode(err, CodeTooLargeResourceVersion) }

// IsInvalid reports whether err is a storage Invalid error.
func IsInvalid(err error) bool { return hasCode(err, CodeInvalid) }

// IsBadRequest reports whether err is a storage BadRequest error.
func IsBadRequest(err error) bool { return hasCode(err, CodeBadRequest) }

func errNotFound(key string) error {
	return &Error{Code: CodeNotFound, Key: key, Message: fmt.Sprintf("key %q not found", key)}
}

func errAlreadyExists(key string) error {
	return &Error{Code: CodeAlreadyExists, Key: key, Message: fmt.Sprintf("key %q already exists", key)}
}

func errConflict(key string, rv int64) error {
	return &Error{Code: CodeConflict, Key: key, ResourceVersion: rv, Message: api.ConflictMessage}
}

// errExpired is the error for a revision older than the oldest one storage still has.
func errExpired(rv, compacted int64) error {
	msg := fmt.Sprintf("too old resource version: %d", rv)
	if compacted > 0 {
		msg = fmt.Sprintf("too old resource version: %d (%d)", rv, compacted)
	}
	return &Error{Code: CodeExpired, ResourceVersion: rv, Message: msg}
}

func errContinueExpired(rv int64) error {
	return &Error{Code: CodeExpired, ResourceVersion: rv,
		Message: "The provided continue parameter is too old to display a consistent list result. " +
			"You can start a new list without the continue parameter, or use the continue value from the response to request the next page."}
}

func errTooLarge(rv, current int64) error {
	return &Error{Code: CodeTooLargeResourceVersion, ResourceVersion: rv, CurrentRevision: current,
		Message: fmt.Sprintf("Too large resource version: %d, current: %d", rv, current)}
}

func errInvalid(key string, err error) error {
	return &Error{Code: CodeInvalid, Key: key, Message: fmt.Sprintf("stored object at key %q is not valid", key), Err: err}
}

func errBadRequest(format string, args ...any) error {
	return &Error{Code: CodeBadRequest, Message: fmt.Sprintf(format, args...)}
}
