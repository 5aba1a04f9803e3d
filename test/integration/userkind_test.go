package integration

import (
	"context"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
	"github.com/orrery-dev/orrery/api/validation"
	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/informer"
)

// Gizmo is a kind of the test's own, served beside the built-in ones.
type Gizmo struct {
	api.TypeMeta   `json:",inline"`
	api.ObjectMeta `json:"metadata,omitempty"`
	Spec           GizmoSpec   `json:"spec,omitempty"`
	Status         GizmoStatus `json:"status,omitempty"`
}

type GizmoSpec struct {
	Gears int `json:"gears"`
}

type GizmoStatus struct {
	Turning bool `json:"turning,omitempty"`
}

type GizmoList struct {
	api.TypeMeta `json:",inline"`
	api.ListMeta `json:"metadata,omitempty"`
	Items        []Gizmo `json:"items"`
}

// Thing is a kind registered with no strategy at all.
type Thing struct {
	api.TypeMeta   `json:",inline"`
	api.ObjectMeta `json:"metadata,omitempty"`
}

type ThingList struct {
	api.TypeMeta `json:",inline"`
	api.ListMeta `json:"metadata,omitempty"`
	Items        []Thing `json:"items"`
}

func (o *Thing) GetObjectMeta() *api.ObjectMeta { return &o.ObjectMeta }
func (o *Thing) GetTypeMeta() *api.TypeMeta     { return &o.TypeMeta }
func (l *ThingList) GetListMeta() *api.ListMeta { return &l.ListMeta }
func (l *ThingList) GetTypeMeta() *api.TypeMeta { return &l.TypeMeta }

func (g *Gizmo) GetObjectMeta() *api.ObjectMeta { return &g.ObjectMeta }
func (g *Gizmo) GetTypeMeta() *api.TypeMeta     { return &g.TypeMeta }
func (l *GizmoList) GetListMeta() *api.ListMeta { return &l.ListMeta }
func (l *GizmoList) GetTypeMeta() *api.TypeMeta { return &l.TypeMeta }

// TestUserKind: a Go type registered through the public API is served by an embedded
// apiserver, stored under its group's etcd prefix, and used with the typed client and
// an informer like any built-in kind.
func TestUserKind(t *testing.T) {
	reg := builtin.Registry()
	if err := api.Register(reg, api.Kind[*Gizmo]{
		Group: "test.orrery.dev", Version: "v1", Kind: "Gizmo", Resource: "gizmos", Namespaced: true,
		Subresources: []string{"status"},
		NewList:      func() api.ListObject { return &GizmoList{} },
		// Creates are checked by the kind; updates get the checks every object needs.
		Validate: func(g *Gizmo) []api.StatusCause {
			errs := validation.ValidateObjectMeta(&g.ObjectMeta, true, validation.NameIsDNSSubdomain, validation.NewPath("metadata"))
			if g.Spec.Gears < 0 {
				errs = append(errs, validation.Invalid(validation.NewPath("spec", "gears"), g.Spec.Gears, "must not be negative"))
			}
			return errs.Causes()
		},
		SelectableFields: func(g *Gizmo) map[string]string {
			if g.Status.Turning {
				return map[string]string{"status.turning": "true"}
			}
			return map[string]string{"status.turning": "false"}
		},
	}); err != nil {
		t.Fatal(err)
	}
	if err := api.Register(reg, api.Kind[*Thing]{
		Group: "test.orrery.dev", Version: "v1", Kind: "Thing", Resource: "things", Namespaced: true,
		NewList: func() api.ListObject { return &ThingList{} },
	}); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, apiserver.Config{Registry: reg})
	cfg, err := client.LoadConfig(s.srv.KubeconfigPath(), "")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Registry = reg
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	ctx, cancel := context.WithCancel(t.Context())
	gizmos := client.Resource[*Gizmo](c).Namespace("default")

	factory, err := informer.NewFactory(informer.FactoryConfig{Client: c})
	if err != nil {
		t.Fatal(err)
	}
	defer factory.Shutdown() // after cancel: waits for the informer to stop
	defer cancel()
	inf := informer.For[*Gizmo](factory, informer.Scope{Namespace: "default", FieldSelector: "status.turning=true"})
	turning := make(chan *Gizmo, 10)
	if _, err := inf.AddHandler(informer.HandlerFuncs[*Gizmo]{AddFunc: func(g *Gizmo, _ bool) { turning <- g }}); err != nil {
		t.Fatal(err)
	}
	factory.Start(ctx)
	if err := factory.WaitForCacheSync(ctx); err != nil {
		t.Fatal(err)
	}

	g, err := gizmos.Create(ctx, &Gizmo{ObjectMeta: api.ObjectMeta{Name: "g1"}, Spec: GizmoSpec{Gears: 3}})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if g.Kind != "Gizmo" || g.APIVersion != "test.orrery.dev/v1" || g.UID == "" || g.Generation != 1 {
		t.Errorf("created: %+v", g.ObjectMeta)
	}
	// The main resource does not change the status; the status subresource does.
	g.Status.Turning = true
	if g, err = gizmos.Update(ctx, g); err != nil || g.Status.Turning {
		t.Fatalf("update: %v, turning %v; want the status kept", err, g.Status.Turning)
	}
	g.Status.Turning = true
	if g, err = gizmos.UpdateStatus(ctx, g); err != nil || !g.Status.Turning {
		t.Fatalf("update status: %v, turning %v", err, g.Status.Turning)
	}
	// The informer, selecting turning gizmos by field, sees it.
	select {
	case got := <-turning:
		if got.Name != "g1" || got.Spec.Gears != 3 || !got.Status.Turning {
			t.Errorf("informer: got %+v", got)
		}
	case <-time.After(waitTimeout):
		t.Fatal("informer: the turning gizmo never arrived")
	}
	if got, err := inf.Lister().Namespace("default").Get("g1"); err != nil || got.Spec.Gears != 3 {
		t.Errorf("lister: got %v, %v", got, err)
	}
	// An update of a kind without update validation of its own gets metadata's.
	g.Labels = map[string]string{"bad label": "x"}
	if _, err := gizmos.Update(ctx, g); !client.IsInvalid(err) {
		t.Errorf("update with a bad label: got %v, want Invalid", err)
	}
	if _, err := gizmos.Create(ctx, &Gizmo{ObjectMeta: api.ObjectMeta{Name: "g2"}, Spec: GizmoSpec{Gears: -1}}); !client.IsInvalid(err) {
		t.Errorf("create with negative gears: got %v, want Invalid", err)
	}
	// The kind's create validation checks metadata too.
	if _, err := gizmos.Create(ctx, &Gizmo{ObjectMeta: api.ObjectMeta{Name: "Not_A_Name"}}); !client.IsInvalid(err) {
		t.Errorf("create with a bad name: got %v, want Invalid", err)
	}
	// A kind with no validation of its own gets metadata's, on create and update.
	things := client.Resource[*Thing](c).Namespace("default")
	if _, err := things.Create(ctx, &Thing{ObjectMeta: api.ObjectMeta{Name: "Not_A_Name"}}); !client.IsInvalid(err) {
		t.Errorf("create a thing with a bad name: got %v, want Invalid", err)
	}
	thing, err := things.Create(ctx, &Thing{ObjectMeta: api.ObjectMeta{Name: "t1"}})
	if err != nil {
		t.Fatalf("create a thing: %v", err)
	}
	thing.Labels = map[string]string{"bad label": "x"}
	if _, err := things.Update(ctx, thing); !client.IsInvalid(err) {
		t.Errorf("update a thing with a bad label: got %v, want Invalid", err)
	}
	list, err := gizmos.List(ctx, client.ListOptions{})
	if err != nil || len(list.Items) != 1 || list.Items[0].Name != "g1" {
		t.Fatalf("list: %v, %v", list, err)
	}
}
