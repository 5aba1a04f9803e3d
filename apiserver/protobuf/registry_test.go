package protobuf

import (
	"errors"
	"testing"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/protoschema"
)

type widget struct {
	api.TypeMeta   `json:",inline"`
	api.ObjectMeta `json:"metadata,omitempty"`
	Spec           widgetSpec `json:"spec"`
}

type widgetSpec struct {
	Size int32 `json:"size"`
}

func (w *widget) GetObjectMeta() *api.ObjectMeta { return &w.ObjectMeta }
func (w *widget) GetTypeMeta() *api.TypeMeta     { return &w.TypeMeta }

type widgetList struct {
	api.TypeMeta `json:",inline"`
	api.ListMeta `json:"metadata,omitempty"`
	Items        []widget `json:"items"`
}

func (l *widgetList) GetTypeMeta() *api.TypeMeta { return &l.TypeMeta }
func (l *widgetList) GetListMeta() *api.ListMeta { return &l.ListMeta }

// TestDecoderReadsTheRegistry registers a kind with a protobuf message after the
// Decoder is made: its bodies are read from then on, and a kind registered without a
// message is refused as unsupported.
func TestDecoderReadsTheRegistry(t *testing.T) {
	t.Parallel()
	reg := api.NewRegistry()
	d := NewDecoder(reg)
	raw := newPB().msg(1, newPB().str(1, "w1")).msg(2, newPB().int(1, 3))
	if _, err := d.ToJSON(body("example.orrery.dev/v1", "Widget", raw)); !errors.Is(err, ErrUnsupportedKind) {
		t.Fatalf("before registration: got error %v, want %v", err, ErrUnsupportedKind)
	}
	api.MustRegister(reg, api.Kind[*widget]{
		Group: "example.orrery.dev", Version: "v1", Kind: "Widget", Resource: "widgets",
		NewList: func() api.ListObject { return &widgetList{} },
		Protobuf: protoschema.NewMessage("Widget",
			protoschema.Embedded(1, "metadata", protoschema.ObjectMeta),
			protoschema.Embedded(2, "spec", protoschema.NewMessage("WidgetSpec", protoschema.Int32(1, "size")))),
	})
	got, err := d.ToJSON(body("example.orrery.dev/v1", "Widget", raw))
	if err != nil {
		t.Fatalf("ToJSON: %v", err)
	}
	jsonEqual(t, got, `{"apiVersion": "example.orrery.dev/v1", "kind": "Widget", "metadata": {"name": "w1"}, "spec": {"size": 3}}`)

	// The apiserver's own bodies are read whatever the registry holds.
	if _, err := d.ToJSON(body("autoscaling/v1", "Scale", newPB())); err != nil {
		t.Errorf("Scale with an empty registry: %v", err)
	}
	if _, err := d.ToJSON(body("v1", "Pod", newPB())); !errors.Is(err, ErrUnsupportedKind) {
		t.Errorf("a Pod not in the registry: got error %v, want %v", err, ErrUnsupportedKind)
	}
}
