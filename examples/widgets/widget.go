package main

import (
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
	"github.com/orrery-dev/orrery/api/validation"
)

// Widget is this program's own kind, served by the embedded apiserver as
// example.orrery.dev/v1 widgets.
type Widget struct {
	api.TypeMeta   `json:",inline"`
	api.ObjectMeta `json:"metadata,omitempty"`
	Spec           WidgetSpec   `json:"spec,omitempty"`
	Status         WidgetStatus `json:"status,omitempty"`
}

// WidgetSpec is what the user asks for.
type WidgetSpec struct {
	// Size is how many parts the widget has.
	Size int32 `json:"size"`
	// Color is the widget's color.
	Color string `json:"color,omitempty"`
}

// WidgetStatus is what the controller has done.
type WidgetStatus struct {
	// Phase is Pending until the controller has built the widget, then Ready.
	Phase string `json:"phase,omitempty"`
	// BuiltSize is the size the controller built.
	BuiltSize int32 `json:"builtSize,omitempty"`
	// ObservedGeneration is the generation the controller built.
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
}

// WidgetList is a list of Widgets.
type WidgetList struct {
	api.TypeMeta `json:",inline"`
	api.ListMeta `json:"metadata,omitempty"`
	Items        []Widget `json:"items"`
}

// GetObjectMeta, GetTypeMeta and GetListMeta make Widget an api.Object and WidgetList
// an api.ListObject.
func (w *Widget) GetObjectMeta() *api.ObjectMeta { return &w.ObjectMeta }
func (w *Widget) GetTypeMeta() *api.TypeMeta     { return &w.TypeMeta }
func (l *WidgetList) GetListMeta() *api.ListMeta { return &l.ListMeta }
func (l *WidgetList) GetTypeMeta() *api.TypeMeta { return &l.TypeMeta }

// widgetKind is the registration of Widgets: names, a status subresource, validation,
// defaults and the columns kubectl prints.
func widgetKind() api.Kind[*Widget] {
	return api.Kind[*Widget]{
		Group: "example.orrery.dev", Version: "v1", Kind: "Widget", Resource: "widgets",
		Namespaced: true, ShortNames: []string{"wd"}, Subresources: []string{"status"},
		NewList: func() api.ListObject { return &WidgetList{} },
		Default: func(w *Widget) {
			if w.Spec.Color == "" {
				w.Spec.Color = "grey"
			}
		},
		PrepareForCreate: func(w *Widget) { w.Status = WidgetStatus{Phase: "Pending"} },
		Validate: func(w *Widget) []api.StatusCause {
			errs := validation.ValidateObjectMeta(&w.ObjectMeta, true, validation.NameIsDNSSubdomain, validation.NewPath("metadata"))
			errs = append(errs, validateSpec(w)...)
			return errs.Causes()
		},
		ValidateUpdate: func(w, old *Widget) []api.StatusCause {
			errs := validation.ValidateObjectMetaUpdate(&w.ObjectMeta, &old.ObjectMeta, validation.NewPath("metadata"))
			errs = append(errs, validateSpec(w)...)
			return errs.Causes()
		},
		SelectableFields: func(w *Widget) map[string]string {
			return map[string]string{"spec.color": w.Spec.Color, "status.phase": w.Status.Phase}
		},
		Columns: []api.TableColumnDefinition{
			{Name: "Name", Type: "string", Format: "name", Description: "Name of the widget."},
			{Name: "Size", Type: "integer", Description: "How many parts the widget has."},
			{Name: "Color", Type: "string", Description: "The widget's color."},
			{Name: "Phase", Type: "string", Description: "Pending until the widget is built, then Ready."},
			{Name: "Age", Type: "string", Description: "Time since the widget was created."},
		},
		Row: func(w *Widget, now time.Time) api.TableRow {
			return api.TableRow{Cells: []any{w.Name, w.Spec.Size, w.Spec.Color, w.Status.Phase, builtin.HumanDuration(now.Sub(w.CreationTimestamp.Time))}}
		},
	}
}

func validateSpec(w *Widget) validation.ErrorList {
	var errs validation.ErrorList
	if w.Spec.Size < 1 || w.Spec.Size > 100 {
		errs = append(errs, validation.Invalid(validation.NewPath("spec", "size"), w.Spec.Size, "must be between 1 and 100"))
	}
	return errs
}
