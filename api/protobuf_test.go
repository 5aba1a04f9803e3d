package api_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/protoschema"
)

// TestCheckProtobufMetaMessages checks the apiserver's own bodies against their Go
// types.
func TestCheckProtobufMetaMessages(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		m   *protoschema.Message
		obj any
	}{
		{protoschema.Status, api.Status{}},
		{protoschema.DeleteOptions, api.DeleteOptions{}},
		{protoschema.Scale, api.Scale{}},
		{protoschema.Eviction, api.Eviction{}},
		{protoschema.Condition, api.Condition{}},
	} {
		if err := api.CheckProtobuf(tt.m, reflect.TypeOf(tt.obj)); err != nil {
			t.Errorf("%s: %v", tt.m.Name(), err)
		}
	}
}

type gadget struct {
	api.TypeMeta   `json:",inline"`
	api.ObjectMeta `json:"metadata,omitempty"`
	Spec           gadgetSpec `json:"spec"`
}

type gadgetSpec struct {
	Size  int32            `json:"size"`
	Color string           `json:"color,omitempty"`
	Tags  []string         `json:"tags,omitempty"`
	Limit api.ResourceList `json:"limit,omitempty"`
}

func (g *gadget) GetObjectMeta() *api.ObjectMeta { return &g.ObjectMeta }
func (g *gadget) GetTypeMeta() *api.TypeMeta     { return &g.TypeMeta }

type gadgetList struct {
	api.TypeMeta `json:",inline"`
	api.ListMeta `json:"metadata,omitempty"`
	Items        []gadget `json:"items"`
}

func (l *gadgetList) GetTypeMeta() *api.TypeMeta { return &l.TypeMeta }
func (l *gadgetList) GetListMeta() *api.ListMeta { return &l.ListMeta }

func gadgetKind(spec *protoschema.Message) api.Kind[*gadget] {
	return api.Kind[*gadget]{
		Group: "example.orrery.dev", Version: "v1", Kind: "Gadget", Resource: "gadgets",
		NewList: func() api.ListObject { return &gadgetList{} },
		Protobuf: protoschema.NewMessage("Gadget",
			protoschema.Embedded(1, "metadata", protoschema.ObjectMeta),
			protoschema.Embedded(2, "spec", spec)),
	}
}

func TestRegisterChecksTheProtobufMessage(t *testing.T) {
	t.Parallel()
	good := protoschema.NewMessage("GadgetSpec",
		protoschema.Int32(1, "size"), protoschema.String(2, "color"),
		protoschema.Strings(3, "tags"), protoschema.QuantityMap(4, "limit"))
	reg := api.NewRegistry()
	if err := api.Register(reg, gadgetKind(good)); err != nil {
		t.Fatalf("Register with a fitting message: %v", err)
	}
	if reg.Protobuf("example.orrery.dev/v1", "Gadget") == nil {
		t.Error("Protobuf(example.orrery.dev/v1, Gadget) = nil after registration")
	}
	if reg.Protobuf("example.orrery.dev/v1", "Gizmo") != nil {
		t.Error("Protobuf of an unregistered kind is not nil")
	}

	tests := []struct {
		name string
		spec *protoschema.Message
		want []string
	}{
		{
			name: "a Go field without a protobuf field",
			spec: protoschema.NewMessage("GadgetSpec", protoschema.Int32(1, "size"),
				protoschema.Strings(3, "tags"), protoschema.QuantityMap(4, "limit")),
			want: []string{"spec.color (string) has no field in message GadgetSpec"},
		},
		{
			name: "a protobuf field the Go type lacks, and kinds that do not fit",
			spec: protoschema.NewMessage("GadgetSpec", protoschema.Int64(1, "size"),
				protoschema.String(2, "color"), protoschema.String(3, "tags"),
				protoschema.StringMap(4, "limit"), protoschema.Bool(5, "shiny")),
			want: []string{
				`message GadgetSpec names "shiny"`,
				"spec.size: protobuf kind",
				"spec.tags: protobuf kind",
				"spec.limit: protobuf kind",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := api.Register(api.NewRegistry(), gadgetKind(tt.spec))
			if err == nil {
				t.Fatal("Register accepted a message that does not fit the Go type")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
