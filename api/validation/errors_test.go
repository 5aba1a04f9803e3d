package validation

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/orrery-dev/orrery/api"
)

func TestPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path *Path
		want string
	}{
		{"one field", NewPath("spec"), "spec"},
		{"fields", NewPath("spec", "template", "spec"), "spec.template.spec"},
		{"index", NewPath("spec").Child("containers").Index(0).Child("image"), "spec.containers[0].image"},
		{"key", NewPath("spec", "containers").Index(2).Child("resources", "requests").Key("cpu"), "spec.containers[2].resources.requests[cpu]"},
		{"nested indexes", NewPath("a").Index(1).Index(2), "a[1][2]"},
		{"nil", nil, "<nil>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.path.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
	// Paths share their parents but extending one never changes another.
	base := NewPath("spec")
	a, b := base.Child("a"), base.Child("b")
	if a.String() != "spec.a" || b.String() != "spec.b" || base.String() != "spec" {
		t.Errorf("paths interfere: %s %s %s", base, a, b)
	}
}

func TestErrorFormat(t *testing.T) {
	t.Parallel()
	p := NewPath("spec", "containers").Index(0).Child("image")
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"required", Required(p, ""), "spec.containers[0].image: Required value"},
		{"required with detail", Required(NewPath("metadata", "name"), "name or generateName is required"),
			"metadata.name: Required value: name or generateName is required"},
		{"invalid string", Invalid(NewPath("metadata", "name"), "Web", "bad"), `metadata.name: Invalid value: "Web": bad`},
		{"invalid int64", Invalid(NewPath("spec", "replicas"), int64(-1), "must be greater than or equal to 0"),
			"spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
		{"invalid int32", Invalid(NewPath("x"), int32(70000), ""), "x: Invalid value: 70000"},
		{"invalid pointer", Invalid(NewPath("x"), ptr(int64(5)), "d"), "x: Invalid value: 5: d"},
		{"invalid nil pointer", Invalid(NewPath("x"), (*int64)(nil), "d"), "x: Invalid value: null: d"},
		{"invalid nil", Invalid(NewPath("x"), nil, "d"), "x: Invalid value: null: d"},
		{"invalid named string", Invalid(NewPath("x"), api.TolerationOpEqual, "d"), `x: Invalid value: "Equal": d`},
		{"invalid stringer", Invalid(NewPath("x"), api.MustParseQuantity("1Gi"), "d"), "x: Invalid value: 1Gi: d"},
		{"not supported", NotSupported(NewPath("spec", "restartPolicy"), api.RestartPolicy("Sometimes"), supportedRestartPolicies),
			`spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`},
		{"duplicate", Duplicate(NewPath("spec", "containers").Index(1).Child("name"), "web"),
			`spec.containers[1].name: Duplicate value: "web"`},
		{"forbidden", Forbidden(NewPath("metadata", "namespace"), "not allowed on this type"),
			"metadata.namespace: Forbidden: not allowed on this type"},
		{"too long", TooLong(NewPath("metadata", "annotations"), "", TotalAnnotationSizeLimit),
			"metadata.annotations: Too long: may not be more than 262144 bytes"},
		{"too many", TooMany(NewPath("status", "podIPs"), 3, 2), "status.podIPs: Too many: 3: must have at most 2 items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorListToStatus(t *testing.T) {
	t.Parallel()
	pod := validPod()
	pod.Spec.Containers[0].Image = ""
	pod.Spec.RestartPolicy = "Sometimes"
	errs := ValidatePod(pod)
	st := errs.ToStatus("", "Pod", pod.Name)
	if st.Code != 422 || st.Reason != api.StatusReasonInvalid {
		t.Errorf("code %d reason %q, want 422 Invalid", st.Code, st.Reason)
	}
	wantMsg := `Pod "web" is invalid: [spec.containers[0].image: Required value, spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"]`
	if st.Message != wantMsg {
		t.Errorf("Message =\n%s\nwant\n%s", st.Message, wantMsg)
	}
	wantCauses := []api.StatusCause{
		{Type: api.CauseTypeFieldValueRequired, Message: "Required value", Field: "spec.containers[0].image"},
		{Type: api.CauseTypeFieldValueNotSupported, Message: `Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`, Field: "spec.restartPolicy"},
	}
	if diff := cmp.Diff(wantCauses, st.Details.Causes); diff != "" {
		t.Errorf("causes (-want +got):\n%s", diff)
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"details":{"name":"web","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers[0].image"}`) {
		t.Errorf("JSON = %s", b)
	}
	if errs.Err() == nil || errs.Err().Error() != strings.TrimPrefix(wantMsg, `Pod "web" is invalid: `) {
		t.Errorf("Err() = %v", errs.Err())
	}
	if (ErrorList{}).Err() != nil {
		t.Error("empty list has an error")
	}
	if got := (ErrorList{Required(NewPath("a"), "")}).Err().Error(); got != "a: Required value" {
		t.Errorf("single Err() = %q", got)
	}
}
