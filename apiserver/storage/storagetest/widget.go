// Package storagetest is the conformance suite for storage.Interface implementations:
// the etcd Store and the watch cache run the same tests.
package storagetest

import (
	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/fields"
	"github.com/orrery-dev/orrery/api/labels"
)

// Widget is the kind the suite stores: small, namespaced, with a selectable field.
type Widget struct {
	api.TypeMeta   `json:",inline"`
	api.ObjectMeta `json:"metadata,omitempty"`
	Spec           WidgetSpec `json:"spec,omitempty"`
}

// WidgetSpec is the spec of a Widget.
type WidgetSpec struct {
	Node  string `json:"node,omitempty"`
	Value int    `json:"value,omitempty"`
}

// NewWidget returns an empty Widget (a storage.Config.NewFunc).
func NewWidget() api.Object { return &Widget{} }

// WidgetAttrs returns a Widget's labels and fields (metadata.name, metadata.namespace,
// spec.node).
func WidgetAttrs(obj api.Object) (labels.Set, fields.Set) {
	w := obj.(*Widget)
	return labels.Set(w.Labels), fields.Set{
		"metadata.name":      w.Name,
		"metadata.namespace": w.Namespace,
		"spec.node":          w.Spec.Node,
	}
}

func widget(ns, name string, value int, lbls map[string]string) *Widget {
	return &Widget{
		TypeMeta:   api.TypeMeta{Kind: "Widget", APIVersion: "test/v1"},
		ObjectMeta: api.ObjectMeta{Namespace: ns, Name: name, UID: ns + "-" + name + "-uid", Labels: lbls},
		Spec:       WidgetSpec{Value: value},
	}
}
