package api

import (
	"errors"
	"fmt"
	"testing"
)

func TestStatusErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		err        *Status
		wantMsg    string
		wantReason StatusReason
		wantCode   int32
	}{
		{"not found", NewNotFound(GroupResource{Resource: "pods"}, "web"), `pods "web" not found`, StatusReasonNotFound, 404},
		{"not found in group", NewNotFound(GroupResource{Group: "apps", Resource: "replicasets"}, "web"), `replicasets.apps "web" not found`, StatusReasonNotFound, 404},
		{"already exists", NewAlreadyExists(GroupResource{Resource: "pods"}, "web"), `pods "web" already exists`, StatusReasonAlreadyExists, 409},
		{"conflict", NewConflict(GroupResource{Resource: "pods"}, "web", ConflictMessage),
			`Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again`, StatusReasonConflict, 409},
		{"invalid one cause", NewInvalid("", "Pod", "web", []StatusCause{{Type: CauseTypeFieldValueRequired, Message: "Required value", Field: "spec.containers"}}),
			`Pod "web" is invalid: spec.containers: Required value`, StatusReasonInvalid, 422},
		{"invalid two causes", NewInvalid("apps", "ReplicaSet", "rs", []StatusCause{
			{Type: CauseTypeFieldValueRequired, Message: "Required value", Field: "spec.selector"},
			{Type: CauseTypeFieldValueInvalid, Message: "Invalid value: -1: must be greater than or equal to 0", Field: "spec.replicas"}}),
			`ReplicaSet.apps "rs" is invalid: [spec.selector: Required value, spec.replicas: Invalid value: -1: must be greater than or equal to 0]`, StatusReasonInvalid, 422},
		{"bad request", NewBadRequest("bad"), "bad", StatusReasonBadRequest, 400},
		{"forbidden", NewForbidden(GroupResource{Resource: "pods"}, "web", "no"), `pods "web" is forbidden: no`, StatusReasonForbidden, 403},
		{"expired", NewExpired("too old resource version: 5 (120)"), "too old resource version: 5 (120)", StatusReasonExpired, 410},
		{"too many requests", NewTooManyRequests("slow down", 2), "slow down", StatusReasonTooManyRequests, 429},
		{"timeout", NewTimeout("request did not complete within 60s", 1), "Timeout: request did not complete within 60s", StatusReasonTimeout, 504},
		{"internal", NewInternalError(errors.New("boom")), "Internal error occurred: boom", StatusReasonInternalError, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var err error = tt.err
			if got := err.Error(); got != tt.wantMsg {
				t.Errorf("Error() = %q, want %q", got, tt.wantMsg)
			}
			wrapped := fmt.Errorf("get: %w", err)
			if got := ReasonOf(wrapped); got != tt.wantReason {
				t.Errorf("ReasonOf = %q, want %q", got, tt.wantReason)
			}
			if got := CodeOf(wrapped); got != tt.wantCode {
				t.Errorf("CodeOf = %d, want %d", got, tt.wantCode)
			}
			if tt.err.Status != StatusFailure || tt.err.Kind != "Status" || tt.err.APIVersion != "v1" {
				t.Errorf("status = %q kind %q apiVersion %q", tt.err.Status, tt.err.Kind, tt.err.APIVersion)
			}
		})
	}
	if got := ReasonOf(errors.New("plain")); got != StatusReasonUnknown {
		t.Errorf("ReasonOf(plain error) = %q, want empty", got)
	}
	if got := NewTooManyRequests("x", 3).Details.RetryAfterSeconds; got != 3 {
		t.Errorf("RetryAfterSeconds = %d, want 3", got)
	}
}
