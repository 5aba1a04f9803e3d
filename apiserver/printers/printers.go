package printers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
)

// IncludeObjectPolicy is the includeObject query parameter of a Table request: what each
// row's "object" field holds.
type IncludeObjectPolicy string

// The includeObject values Kubernetes accepts.
const (
	// IncludeNone leaves every row's object null.
	IncludeNone IncludeObjectPolicy = "None"
	// IncludeMetadata puts a PartialObjectMetadata (kind, apiVersion, metadata) in each
	// row. It is the default.
	IncludeMetadata IncludeObjectPolicy = "Metadata"
	// IncludeObject puts the full object, with its kind and apiVersion, in each row.
	IncludeObject IncludeObjectPolicy = "Object"
)

// The group versions a Table can be served in.
const (
	// TableAPIVersion is meta.k8s.io/v1, the version kubectl asks for first.
	TableAPIVersion = "meta.k8s.io/v1"
	// TableAPIVersionV1beta1 is meta.k8s.io/v1beta1, which older clients ask for.
	TableAPIVersionV1beta1 = "meta.k8s.io/v1beta1"
)

// Options say how to print a Table.
type Options struct {
	// Now is the server's clock, against which AGE and other durations are measured. The
	// zero value means time.Now().
	Now time.Time
	// IncludeObject chooses what each row's object holds. The zero value means
	// IncludeMetadata, as in Kubernetes when the parameter is absent. Any other value
	// than the three policies is a 400 Bad Request.
	IncludeObject IncludeObjectPolicy
	// NoHeaders leaves ColumnDefinitions out (JSON null). Kubernetes sets it for every
	// event of a Table watch after the first; clients cannot ask for it.
	NoHeaders bool
	// APIVersion is the Table's group version: TableAPIVersion (the zero value's meaning)
	// or TableAPIVersionV1beta1. PartialObjectMetadata rows are in the same version. Any
	// other value is a 406 Not Acceptable.
	APIVersion string
}

// Table converts objs, all of the kind named by kind ("Pod", "ReplicaSet"), to a Table
// with Kubernetes' columns for that kind, or NAME and "Created At" for a kind without a
// printer. Every column is returned, priority 1 ones included; see the package
// documentation. The Table's metadata is left for the caller to fill.
//
// Errors: an invalid Options.IncludeObject is a *api.Status 400 BadRequest and an
// unknown Options.APIVersion a *api.Status 406 NotAcceptable, both worded as
// Kubernetes words them; an object that is nil or not of the named kind is a plain error
// (a server bug). objs is never modified.
func Table(kind api.KindInfo, objs []api.Object, opts Options) (*api.Table, error) {
	apiVersion := opts.APIVersion
	switch apiVersion {
	case "":
		apiVersion = TableAPIVersion
	case TableAPIVersion, TableAPIVersionV1beta1:
	default:
		return nil, api.NewStatus(http.StatusNotAcceptable, api.StatusReasonNotAcceptable,
			"no Table exists in group version "+apiVersion)
	}
	if err := validateIncludeObject(opts.IncludeObject); err != nil {
		return nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}

	p := printerFor(kind)
	table := &api.Table{TypeMeta: api.TypeMeta{Kind: "Table", APIVersion: apiVersion}}
	if !opts.NoHeaders {
		table.ColumnDefinitions = p.columns()
	}
	// Kubernetes' printers make an empty row slice ("rows": []); its default convertor
	// appends to a nil one ("rows": null).
	if len(objs) > 0 || !p.generic {
		table.Rows = make([]api.TableRow, 0, len(objs))
	}
	for i, obj := range objs {
		if obj == nil {
			return nil, fmt.Errorf("printers: %s table: object %d is nil", kind.Kind, i)
		}
		row, err := p.row(obj, now)
		if err != nil {
			return nil, fmt.Errorf("printers: %s table: object %d: %w", kind.Kind, i, err)
		}
		row.Object, err = rowObject(kind, obj, opts.IncludeObject, apiVersion)
		if err != nil {
			return nil, fmt.Errorf("printers: %s table: object %d: %w", kind.Kind, i, err)
		}
		table.Rows = append(table.Rows, row)
	}
	return table, nil
}

// validateIncludeObject rejects an includeObject value Kubernetes rejects, with its
// message.
func validateIncludeObject(p IncludeObjectPolicy) error {
	switch p {
	case "", IncludeNone, IncludeMetadata, IncludeObject:
		return nil
	}
	// Kubernetes prints the bad value of this named string type as JSON.
	value, _ := json.Marshal(string(p))
	return api.NewBadRequest(fmt.Sprintf(
		"Unable to convert to Table as requested: includeObject: Invalid value: %s: "+
			"must be 'Metadata', 'Object', 'None', or empty", value))
}

// rowObject encodes what a row carries of obj under policy.
func rowObject(kind api.KindInfo, obj api.Object, policy IncludeObjectPolicy, apiVersion string) (json.RawMessage, error) {
	switch policy {
	case IncludeNone:
		// Kubernetes always writes the field, as null.
		return json.RawMessage("null"), nil
	case IncludeObject:
		return json.Marshal(withTypeMeta(kind, obj))
	default:
		return json.Marshal(&api.PartialObjectMetadata{
			TypeMeta:   api.TypeMeta{Kind: "PartialObjectMetadata", APIVersion: apiVersion},
			ObjectMeta: *obj.GetObjectMeta(),
		})
	}
}

// withTypeMeta returns obj with kind and apiVersion set from its Go type, as Kubernetes'
// conversion to the served version sets them. It copies rather than modifies obj (only
// TypeMeta differs; the copy shares everything else, which encoding only reads). Objects
// of a kind without a version (none that is registered) are returned as they are.
func withTypeMeta(kind api.KindInfo, obj api.Object) any {
	if kind.Version == "" {
		return obj
	}
	tm := api.TypeMeta{Kind: kind.Kind, APIVersion: kind.APIVersion()}
	if *obj.GetTypeMeta() == tm {
		return obj
	}
	// A shallow copy of the struct obj points to, with its own TypeMeta.
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return obj
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	out := c.Interface().(api.Object)
	*out.GetTypeMeta() = tm
	return out
}

// printer prints the rows of one kind.
type printer struct {
	// columns returns fresh column definitions, in cell order.
	columns func() []api.TableColumnDefinition
	// row returns the cells (and row conditions) of one object, at time now. It fails
	// when obj is not of the printer's kind.
	row func(obj api.Object, now time.Time) (api.TableRow, error)
	// generic marks Kubernetes' default table convertor.
	generic bool
}

// printerFor returns the printer of kind: the one its registration gives (every
// built-in kind's gives Kubernetes' columns), or the generic one.
func printerFor(kind api.KindInfo) printer {
	if kind.Columns == nil {
		return printer{columns: builtin.DefaultColumns, row: genericRow, generic: true}
	}
	return printer{
		columns: func() []api.TableColumnDefinition { return slices.Clone(kind.Columns) },
		row: func(obj api.Object, now time.Time) (api.TableRow, error) {
			if t := kind.Type(); t != nil && reflect.TypeOf(obj) != t {
				return api.TableRow{}, fmt.Errorf("got %T, want %v", obj, t)
			}
			return kind.Row(obj, now), nil
		},
	}
}

// genericRow prints the name and the creation time in RFC 3339, UTC (a zero time prints
// as year 1, as in Kubernetes).
func genericRow(obj api.Object, _ time.Time) (api.TableRow, error) {
	m := obj.GetObjectMeta()
	return api.TableRow{Cells: []any{m.Name, m.CreationTimestamp.UTC().Format(time.RFC3339)}}, nil
}
