package api

import (
	"encoding/json"
	"time"
)

// Object is implemented by every API kind (through the embedded TypeMeta and ObjectMeta).
type Object interface {
	GetObjectMeta() *ObjectMeta
	GetTypeMeta() *TypeMeta
}

// ListObject is implemented by every list kind.
type ListObject interface {
	GetListMeta() *ListMeta
	GetTypeMeta() *TypeMeta
}

// TypeMeta names the kind and API version of a serialized object.
type TypeMeta struct {
	Kind       string `json:"kind,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
}

// GetTypeMeta returns the TypeMeta itself; embedding it satisfies part of Object.
func (t *TypeMeta) GetTypeMeta() *TypeMeta { return t }

// ObjectMeta is the metadata every persisted object carries.
type ObjectMeta struct {
	Name                       string            `json:"name,omitempty"`
	GenerateName               string            `json:"generateName,omitempty"`
	Namespace                  string            `json:"namespace,omitempty"`
	UID                        string            `json:"uid,omitempty"`
	ResourceVersion            string            `json:"resourceVersion,omitempty"`
	Generation                 int64             `json:"generation,omitempty"`
	CreationTimestamp          Time              `json:"creationTimestamp,omitzero"`
	DeletionTimestamp          *Time             `json:"deletionTimestamp,omitempty"`
	DeletionGracePeriodSeconds *int64            `json:"deletionGracePeriodSeconds,omitempty"`
	Labels                     map[string]string `json:"labels,omitempty"`
	Annotations                map[string]string `json:"annotations,omitempty"`
	OwnerReferences            []OwnerReference  `json:"ownerReferences,omitempty"`
	Finalizers                 []string          `json:"finalizers,omitempty"`
}

// GetObjectMeta returns the ObjectMeta itself; embedding it satisfies part of Object.
func (m *ObjectMeta) GetObjectMeta() *ObjectMeta { return m }

// OwnerReference points from a dependent to its owner (for garbage collection).
type OwnerReference struct {
	APIVersion         string `json:"apiVersion"`
	Kind               string `json:"kind"`
	Name               string `json:"name"`
	UID                string `json:"uid"`
	Controller         *bool  `json:"controller,omitempty"`
	BlockOwnerDeletion *bool  `json:"blockOwnerDeletion,omitempty"`
}

// ListMeta is the metadata of a list: the revision it was read at and paging state.
type ListMeta struct {
	ResourceVersion    string `json:"resourceVersion,omitempty"`
	Continue           string `json:"continue,omitempty"`
	RemainingItemCount *int64 `json:"remainingItemCount,omitempty"`
}

// GetListMeta returns the ListMeta itself; embedding it satisfies part of ListObject.
func (m *ListMeta) GetListMeta() *ListMeta { return m }

// Time is a timestamp serialized as Kubernetes does: RFC 3339 in UTC with second
// precision, or null when zero.
type Time struct {
	time.Time
}

// NewTime truncates t to whole seconds, the precision Time keeps on the wire.
func NewTime(t time.Time) Time { return Time{t.Truncate(time.Second)} }

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339))
}

// UnmarshalJSON implements json.Unmarshaler; it accepts null and RFC 3339 strings.
func (t *Time) UnmarshalJSON(b []byte) error {
	return unmarshalTime(b, &t.Time, time.RFC3339)
}

// MicroTime is a timestamp with microsecond precision (Lease renew times, event times).
type MicroTime struct {
	time.Time
}

// RFC3339Micro is the wire format of MicroTime.
const RFC3339Micro = "2006-01-02T15:04:05.000000Z07:00"

// NewMicroTime truncates t to microseconds, the precision MicroTime keeps on the wire.
func NewMicroTime(t time.Time) MicroTime { return MicroTime{t.Truncate(time.Microsecond)} }

// MarshalJSON implements json.Marshaler.
func (t MicroTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(RFC3339Micro))
}

// UnmarshalJSON implements json.Unmarshaler; it accepts null and RFC 3339 strings with
// or without fractional seconds.
func (t *MicroTime) UnmarshalJSON(b []byte) error {
	return unmarshalTime(b, &t.Time, time.RFC3339Nano)
}

func unmarshalTime(b []byte, dst *time.Time, layout string) error {
	if string(b) == "null" {
		*dst = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*dst = time.Time{}
		return nil
	}
	parsed, err := time.Parse(layout, s)
	if err != nil {
		return err
	}
	*dst = parsed.UTC()
	return nil
}

// LabelSelector selects objects by labels: every matchLabels pair and every
// matchExpressions requirement must hold. An empty selector matches everything; a nil
// one, nothing (where Kubernetes says so).
type LabelSelector struct {
	MatchLabels      map[string]string          `json:"matchLabels,omitempty"`
	MatchExpressions []LabelSelectorRequirement `json:"matchExpressions,omitempty"`
}

// LabelSelectorOperator is the operator of a LabelSelectorRequirement.
type LabelSelectorOperator string

// The operators of LabelSelectorRequirement.
const (
	LabelSelectorOpIn           LabelSelectorOperator = "In"
	LabelSelectorOpNotIn        LabelSelectorOperator = "NotIn"
	LabelSelectorOpExists       LabelSelectorOperator = "Exists"
	LabelSelectorOpDoesNotExist LabelSelectorOperator = "DoesNotExist"
)

// LabelSelectorRequirement is one requirement of a LabelSelector.
type LabelSelectorRequirement struct {
	Key      string                `json:"key"`
	Operator LabelSelectorOperator `json:"operator"`
	Values   []string              `json:"values,omitempty"`
}
