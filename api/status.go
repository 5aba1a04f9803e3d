package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Status is the result of a request that returns no object, and the body of every
// error response. A *Status is also a Go error.
type Status struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata,omitempty"`
	// Status is StatusSuccess or StatusFailure.
	Status string `json:"status,omitempty"`
	// Message is a human-readable description.
	Message string `json:"message,omitempty"`
	// Reason is the machine-readable cause; empty when unknown.
	Reason StatusReason `json:"reason,omitempty"`
	// Details carry the object and field-level causes, depending on Reason.
	Details *StatusDetails `json:"details,omitempty"`
	// Code is the HTTP status code; 0 when not set.
	Code int32 `json:"code,omitempty"`
}

// Values of Status.Status.
const (
	StatusSuccess = "Success"
	StatusFailure = "Failure"
)

// StatusDetails names the object a Status is about and lists field-level causes.
type StatusDetails struct {
	Name              string        `json:"name,omitempty"`
	Group             string        `json:"group,omitempty"`
	Kind              string        `json:"kind,omitempty"`
	UID               string        `json:"uid,omitempty"`
	Causes            []StatusCause `json:"causes,omitempty"`
	RetryAfterSeconds int32         `json:"retryAfterSeconds,omitempty"`
}

// StatusCause is one cause of a failure, usually a field that failed validation.
type StatusCause struct {
	Type    CauseType `json:"reason,omitempty"`
	Message string    `json:"message,omitempty"`
	Field   string    `json:"field,omitempty"`
}

// StatusReason is the machine-readable reason of a failed request.
type StatusReason string

// The reasons Orrery returns, with the HTTP code each goes with.
const (
	StatusReasonUnknown               StatusReason = ""
	StatusReasonUnauthorized          StatusReason = "Unauthorized"          // 401
	StatusReasonForbidden             StatusReason = "Forbidden"             // 403
	StatusReasonNotFound              StatusReason = "NotFound"              // 404
	StatusReasonAlreadyExists         StatusReason = "AlreadyExists"         // 409
	StatusReasonConflict              StatusReason = "Conflict"              // 409
	StatusReasonGone                  StatusReason = "Gone"                  // 410
	StatusReasonInvalid               StatusReason = "Invalid"               // 422
	StatusReasonServerTimeout         StatusReason = "ServerTimeout"         // 500
	StatusReasonTimeout               StatusReason = "Timeout"               // 504
	StatusReasonTooManyRequests       StatusReason = "TooManyRequests"       // 429
	StatusReasonBadRequest            StatusReason = "BadRequest"            // 400
	StatusReasonMethodNotAllowed      StatusReason = "MethodNotAllowed"      // 405
	StatusReasonNotAcceptable         StatusReason = "NotAcceptable"         // 406
	StatusReasonRequestEntityTooLarge StatusReason = "RequestEntityTooLarge" // 413
	StatusReasonUnsupportedMediaType  StatusReason = "UnsupportedMediaType"  // 415
	StatusReasonInternalError         StatusReason = "InternalError"         // 500
	StatusReasonExpired               StatusReason = "Expired"               // 410
	StatusReasonServiceUnavailable    StatusReason = "ServiceUnavailable"    // 503
)

// CauseType is the machine-readable kind of a StatusCause.
type CauseType string

// Cause types; the FieldValue ones mirror validation error types.
const (
	CauseTypeFieldValueNotFound       CauseType = "FieldValueNotFound"
	CauseTypeFieldValueRequired       CauseType = "FieldValueRequired"
	CauseTypeFieldValueDuplicate      CauseType = "FieldValueDuplicate"
	CauseTypeFieldValueInvalid        CauseType = "FieldValueInvalid"
	CauseTypeFieldValueNotSupported   CauseType = "FieldValueNotSupported"
	CauseTypeFieldValueForbidden      CauseType = "FieldValueForbidden"
	CauseTypeFieldValueTooLong        CauseType = "FieldValueTooLong"
	CauseTypeFieldValueTooMany        CauseType = "FieldValueTooMany"
	CauseTypeInternal                 CauseType = "InternalError"
	CauseTypeUnexpectedServerResponse CauseType = "UnexpectedServerResponse"
	CauseTypeResourceVersionTooLarge  CauseType = "ResourceVersionTooLarge"
)

// Error returns the status message, so a *Status can be returned as an error.
func (s *Status) Error() string { return s.Message }

// DeepCopy returns an independent copy of s.
func (s *Status) DeepCopy() *Status {
	if s == nil {
		return nil
	}
	out := *s
	out.ListMeta = s.ListMeta.DeepCopy()
	if s.Details != nil {
		d := *s.Details
		d.Causes = append([]StatusCause(nil), s.Details.Causes...)
		out.Details = &d
	}
	return &out
}

// ReasonOf returns the reason of the *Status in err's chain, or StatusReasonUnknown
// when there is none.
func ReasonOf(err error) StatusReason {
	var s *Status
	if errors.As(err, &s) {
		return s.Reason
	}
	return StatusReasonUnknown
}

// CodeOf returns the HTTP code of the *Status in err's chain, or 0 when there is none.
func CodeOf(err error) int32 {
	var s *Status
	if errors.As(err, &s) {
		return s.Code
	}
	return 0
}

// GroupResource names a resource in a group ("pods" in "", "replicasets" in "apps");
// messages print it as Kubernetes does: "pods", "replicasets.apps".
type GroupResource struct {
	Group    string
	Resource string
}

// String returns "resource" or "resource.group".
func (gr GroupResource) String() string {
	if gr.Group == "" {
		return gr.Resource
	}
	return gr.Resource + "." + gr.Group
}

// NewStatus returns a failure Status with the given code, reason and message.
func NewStatus(code int32, reason StatusReason, message string) *Status {
	return &Status{
		TypeMeta: TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   StatusFailure,
		Code:     code,
		Reason:   reason,
		Message:  message,
	}
}

// NewSuccessStatus returns the Status of a successful request with no object to return.
func NewSuccessStatus(details *StatusDetails) *Status {
	return &Status{
		TypeMeta: TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   StatusSuccess,
		Details:  details,
	}
}

func newObjectStatus(code int32, reason StatusReason, gr GroupResource, name, message string) *Status {
	s := NewStatus(code, reason, message)
	s.Details = &StatusDetails{Name: name, Group: gr.Group, Kind: gr.Resource}
	return s
}

// NewNotFound is 404 NotFound: `pods "web" not found`.
func NewNotFound(gr GroupResource, name string) *Status {
	return newObjectStatus(http.StatusNotFound, StatusReasonNotFound, gr, name,
		fmt.Sprintf("%s %q not found", gr, name))
}

// NewAlreadyExists is 409 AlreadyExists: `pods "web" already exists`.
func NewAlreadyExists(gr GroupResource, name string) *Status {
	return newObjectStatus(http.StatusConflict, StatusReasonAlreadyExists, gr, name,
		fmt.Sprintf("%s %q already exists", gr, name))
}

// ConflictMessage is what Kubernetes says when an update carries a stale resourceVersion.
const ConflictMessage = "the object has been modified; please apply your changes to the latest version and try again"

// NewConflict is 409 Conflict: `Operation cannot be fulfilled on pods "web": <detail>`.
func NewConflict(gr GroupResource, name, detail string) *Status {
	return newObjectStatus(http.StatusConflict, StatusReasonConflict, gr, name,
		fmt.Sprintf("Operation cannot be fulfilled on %s %q: %s", gr, name, detail))
}

// NewInvalid is 422 Invalid: `Pod "web" is invalid: <causes>`, with one cause per
// field error. kind is the kind's name ("Pod"), group its API group.
func NewInvalid(group, kind, name string, causes []StatusCause) *Status {
	msgs := make([]string, 0, len(causes))
	for _, c := range causes {
		if c.Field == "" {
			msgs = append(msgs, c.Message)
		} else {
			msgs = append(msgs, c.Field+": "+c.Message)
		}
	}
	var detail string
	switch len(msgs) {
	case 0:
	case 1:
		detail = ": " + msgs[0]
	default:
		detail = ": [" + strings.Join(msgs, ", ") + "]"
	}
	qualified := kind
	if group != "" {
		qualified = kind + "." + group
	}
	s := NewStatus(http.StatusUnprocessableEntity, StatusReasonInvalid,
		fmt.Sprintf("%s %q is invalid%s", qualified, name, detail))
	s.Details = &StatusDetails{Name: name, Group: group, Kind: kind, Causes: causes}
	return s
}

// NewBadRequest is 400 BadRequest with the given message.
func NewBadRequest(message string) *Status {
	return NewStatus(http.StatusBadRequest, StatusReasonBadRequest, message)
}

// NewForbidden is 403 Forbidden: `pods "web" is forbidden: <detail>`.
func NewForbidden(gr GroupResource, name, detail string) *Status {
	return newObjectStatus(http.StatusForbidden, StatusReasonForbidden, gr, name,
		fmt.Sprintf("%s %q is forbidden: %s", gr, name, detail))
}

// NewExpired is 410 Expired, as for a watch or list from a compacted resourceVersion
// ("too old resource version: 5 (120)").
func NewExpired(message string) *Status {
	return NewStatus(http.StatusGone, StatusReasonExpired, message)
}

// NewTooManyRequests is 429 TooManyRequests, asking the client to retry after the given
// number of seconds.
func NewTooManyRequests(message string, retryAfterSeconds int32) *Status {
	s := NewStatus(http.StatusTooManyRequests, StatusReasonTooManyRequests, message)
	s.Details = &StatusDetails{RetryAfterSeconds: retryAfterSeconds}
	return s
}

// NewTimeout is 504 Timeout: "Timeout: <message>".
func NewTimeout(message string, retryAfterSeconds int32) *Status {
	s := NewStatus(http.StatusGatewayTimeout, StatusReasonTimeout, "Timeout: "+message)
	s.Details = &StatusDetails{RetryAfterSeconds: retryAfterSeconds}
	return s
}

// NewInternalError is 500 InternalError: "Internal error occurred: <err>".
func NewInternalError(err error) *Status {
	s := NewStatus(http.StatusInternalServerError, StatusReasonInternalError,
		"Internal error occurred: "+err.Error())
	s.Details = &StatusDetails{Causes: []StatusCause{{Message: err.Error()}}}
	return s
}

// DeletionPropagation says what happens to an object's dependents when it is deleted.
type DeletionPropagation string

// The propagation policies.
const (
	// DeletePropagationOrphan leaves the dependents in place.
	DeletePropagationOrphan DeletionPropagation = "Orphan"
	// DeletePropagationBackground deletes the owner now and the dependents after.
	DeletePropagationBackground DeletionPropagation = "Background"
	// DeletePropagationForeground deletes the dependents first, then the owner.
	DeletePropagationForeground DeletionPropagation = "Foreground"
)

// DeleteOptions is the optional body of a DELETE request.
type DeleteOptions struct {
	TypeMeta `json:",inline"`
	// GracePeriodSeconds overrides the object's grace period; 0 deletes at once.
	GracePeriodSeconds *int64 `json:"gracePeriodSeconds,omitempty"`
	// Preconditions must hold for the deletion to proceed, else 409 Conflict.
	Preconditions *Preconditions `json:"preconditions,omitempty"`
	// OrphanDependents is the deprecated form of PropagationPolicy Orphan.
	OrphanDependents *bool `json:"orphanDependents,omitempty"`
	// PropagationPolicy decides the fate of dependents; nil means the kind's default.
	PropagationPolicy *DeletionPropagation `json:"propagationPolicy,omitempty"`
	// DryRun, when it holds "All", validates without persisting.
	DryRun []string `json:"dryRun,omitempty"`
}

// Preconditions guard a deletion: the object must still have this uid / resourceVersion.
type Preconditions struct {
	UID             *string `json:"uid,omitempty"`
	ResourceVersion *string `json:"resourceVersion,omitempty"`
}

// EventType is the type of a watch event.
type EventType string

// The watch event types.
const (
	Added    EventType = "ADDED"
	Modified EventType = "MODIFIED"
	Deleted  EventType = "DELETED"
	// Bookmark events carry only metadata.resourceVersion (and annotations).
	Bookmark EventType = "BOOKMARK"
	// Error events carry a Status.
	Error EventType = "ERROR"
)

// WatchEvent is one line of a watch stream: {"type":"ADDED","object":{...}}.
type WatchEvent struct {
	Type   EventType       `json:"type"`
	Object json.RawMessage `json:"object"`
}

// Table is the meta.k8s.io/v1 Table kubectl asks for: column definitions and one row
// per object, with cells in column order.
type Table struct {
	TypeMeta          `json:",inline"`
	ListMeta          `json:"metadata,omitempty"`
	ColumnDefinitions []TableColumnDefinition `json:"columnDefinitions"`
	Rows              []TableRow              `json:"rows"`
}

// TableColumnDefinition describes one column of a Table.
type TableColumnDefinition struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Format      string `json:"format"`
	Description string `json:"description"`
	// Priority 0 columns are always shown; higher ones only with -o wide.
	Priority int32 `json:"priority"`
}

// TableRow is one row of a Table.
type TableRow struct {
	// Cells are strings, numbers, booleans or null, one per column.
	Cells      []any               `json:"cells"`
	Conditions []TableRowCondition `json:"conditions,omitempty"`
	// Object is the object the row describes (full or PartialObjectMetadata), if asked.
	Object json.RawMessage `json:"object,omitempty"`
}

// TableRowCondition marks a row, e.g. {"type":"Completed","status":"True"}.
type TableRowCondition struct {
	Type    string          `json:"type"`
	Status  ConditionStatus `json:"status"`
	Reason  string          `json:"reason,omitempty"`
	Message string          `json:"message,omitempty"`
}

// PartialObjectMetadata is an object reduced to its metadata (meta.k8s.io/v1).
type PartialObjectMetadata struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`
}

// PartialObjectMetadataList is a list of PartialObjectMetadata.
type PartialObjectMetadataList struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata,omitempty"`
	Items    []PartialObjectMetadata `json:"items"`
}
