package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
)

// now is the server clock every test prints against.
var now = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// ago is the api.Time d before now.
func ago(d time.Duration) api.Time { return api.NewTime(now.Add(-d)) }

// agoPtr is a pointer to ago(d).
func agoPtr(d time.Duration) *api.Time {
	t := ago(d)
	return &t
}

func ptr[T any](v T) *T { return &v }

// rowOf prints obj as the only row of a kind's Table and returns that row.
func rowOf(t *testing.T, kind string, obj api.Object) api.TableRow {
	t.Helper()
	table, err := Table(kindOf(kind), []api.Object{obj}, Options{Now: now, IncludeObject: IncludeNone})
	if err != nil {
		t.Fatalf("Table(%q): %v", kind, err)
	}
	if len(table.Rows) != 1 {
		t.Fatalf("Table(%q) has %d rows, want 1", kind, len(table.Rows))
	}
	if got, want := len(table.Rows[0].Cells), len(table.ColumnDefinitions); got != want {
		t.Fatalf("Table(%q) row has %d cells for %d columns", kind, got, want)
	}
	return table.Rows[0]
}

// cellsByName prints obj and returns its cells keyed by column name.
func cellsByName(t *testing.T, kind string, obj api.Object) map[string]any {
	t.Helper()
	row := rowOf(t, kind, obj)
	cols := printerFor(kindOf(kind)).columns()
	cells := make(map[string]any, len(cols))
	for i, c := range cols {
		cells[c.Name] = row.Cells[i]
	}
	return cells
}

// checkCells compares the cells named in want with those obj prints.
func checkCells(t *testing.T, kind string, obj api.Object, want map[string]any) {
	t.Helper()
	got := cellsByName(t, kind, obj)
	for name := range got {
		if _, ok := want[name]; !ok {
			delete(got, name)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}

// builtinKinds are the kinds the printers are tested with.
var builtinKinds = builtin.Registry()

// kindOf returns the built-in kind named kind, or one of that name that nothing
// registered (which gets the generic printer).
func kindOf(kind string) api.KindInfo {
	for _, k := range builtinKinds.Kinds() {
		if k.Kind == kind {
			return k
		}
	}
	return api.KindInfo{Kind: kind}
}
