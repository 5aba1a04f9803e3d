package openapi

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/orrery-dev/orrery/apiserver/patch"
)

// generator derives component schemas from Go types by reflection.
type generator struct {
	names      map[reflect.Type]string
	fieldNames map[string]string
	enums      map[reflect.Type][]string
	optional   map[string]bool
	defaults   map[string]string
	listExt    map[string]Schema
	typeExt    map[string]Schema
	typeDocs   map[string]string
	fieldDocs  map[string]string
	commonDocs map[string]string
	scalars    map[string]*Schema
	patchMeta  map[string]*patch.Schema // by "<schema>.<json field>"
	gvks       map[string][]GroupVersionKind
	schemas    map[string]*Schema
	goTypes    map[string]reflect.Type // the Go type each generated schema came from
	inProgress map[string]bool
	// prefix names the struct types the tables do not name, while the schemas of the
	// kind whose api.KindInfo.SchemaPrefix it is are generated.
	prefix string
}

func newGenerator() *generator {
	return &generator{
		names:      schemaNames(),
		fieldNames: fieldSchemaNames(),
		enums:      enums(),
		optional:   optionalFields(),
		defaults:   fieldDefaults(),
		listExt:    listExtensions(),
		typeExt:    typeExtensions(),
		typeDocs:   typeDescriptions(),
		fieldDocs:  fieldDescriptions(),
		commonDocs: commonFieldDescriptions(),
		scalars:    scalarSchemas(),
		patchMeta:  map[string]*patch.Schema{},
		gvks:       map[string][]GroupVersionKind{},
		schemas:    map[string]*Schema{},
		goTypes:    map[string]reflect.Type{},
		inProgress: map[string]bool{},
	}
}

// jsonField is one field of a struct as encoding/json sees it.
type jsonField struct {
	name      string
	typ       reflect.Type
	omitEmpty bool // omitempty or omitzero
}

// jsonFields lists the fields encoding/json writes for struct type t, with embedded
// structs without a JSON name (TypeMeta) flattened into their parent.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omit := false
		for _, o := range strings.Split(opts, ",") {
			if o == "omitempty" || o == "omitzero" {
				omit = true
			}
		}
		out = append(out, jsonField{name: name, typ: f.Type, omitEmpty: omit})
	}
	return out
}

// fieldOf returns the JSON field of struct type t with the given name.
func fieldOf(t reflect.Type, name string) (jsonField, bool) {
	for _, f := range jsonFields(t) {
		if f.name == name {
			return f, true
		}
	}
	return jsonField{}, false
}

// addPatchMeta records the strategic merge patch metadata of a kind, walking the
// patch package's schema alongside the kind's Go type; name is the schema name of t.
// Fields the patch schema knows but the Go type does not have (Kubernetes fields Orrery
// does not serve) are skipped. Two kinds that disagree on a shared type's field are an
// error.
func (g *generator) addPatchMeta(t reflect.Type, name string, ps *patch.Schema) error {
	t = deref(t)
	if ps == nil || t.Kind() != reflect.Struct {
		return nil
	}
	for _, field := range sortedKeys(ps.Fields) {
		fs := ps.Fields[field]
		f, ok := fieldOf(t, field)
		if !ok {
			continue
		}
		key := name + "." + field
		if fs.PatchStrategy != "" || fs.PatchMergeKey != "" {
			if prev, ok := g.patchMeta[key]; ok && (prev.PatchStrategy != fs.PatchStrategy || prev.PatchMergeKey != fs.PatchMergeKey) {
				return fmt.Errorf("conflicting patch metadata for %s: %q/%q and %q/%q",
					key, prev.PatchStrategy, prev.PatchMergeKey, fs.PatchStrategy, fs.PatchMergeKey)
			}
			g.patchMeta[key] = fs
		}
		ft, sub := deref(f.typ), fs
		if ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map {
			ft, sub = deref(ft.Elem()), fs.Elem
		}
		if ft.Kind() != reflect.Struct || sub == nil {
			continue
		}
		child, ok := g.fieldNames[key]
		if !ok {
			child, ok = g.names[ft]
		}
		if !ok {
			child, ok = g.derivedName(ft, key)
		}
		if !ok {
			return fmt.Errorf("no schema name for Go type %v (field %s)", ft, key)
		}
		if err := g.addPatchMeta(ft, child, sub); err != nil {
			return err
		}
	}
	return nil
}

// derivedName names a struct type the tables do not: the current kind's prefix and the
// Go type's name, or the field key for an anonymous struct. The name is kept for the
// type's later uses.
func (g *generator) derivedName(t reflect.Type, fieldKey string) (string, bool) {
	if t.Kind() != reflect.Struct || g.prefix == "" {
		return "", false
	}
	name := fieldKey
	if t.Name() != "" {
		name = g.prefix + t.Name()
	}
	g.names[t] = name
	return name, true
}

// named returns the schema name of struct type t (or of the field key's override) and
// makes sure its schema is generated.
func (g *generator) named(t reflect.Type, fieldKey string) (string, error) {
	name, ok := g.fieldNames[fieldKey]
	if !ok {
		name, ok = g.names[t]
	}
	if !ok {
		name, ok = g.derivedName(t, fieldKey)
	}
	if !ok {
		return "", fmt.Errorf("no schema name for Go type %v (field %s)", t, fieldKey)
	}
	if _, done := g.schemas[name]; done || g.inProgress[name] {
		return name, nil
	}
	if s, ok := g.scalars[name]; ok {
		g.schemas[name] = s
		g.goTypes[name] = t
		return name, nil
	}
	g.inProgress[name] = true
	defer delete(g.inProgress, name)
	s, err := g.structSchema(t, name)
	if err != nil {
		return "", err
	}
	g.schemas[name] = s
	g.goTypes[name] = t
	return name, nil
}

// structSchema builds the object schema of struct type t under the given name.
func (g *generator) structSchema(t reflect.Type, name string) (*Schema, error) {
	s := &Schema{Type: "object", Description: g.typeDocs[name], Properties: map[string]*Schema{}}
	if ext, ok := g.typeExt[name]; ok {
		s.MapType = ext.MapType
	}
	for _, f := range jsonFields(t) {
		key := name + "." + f.name
		p, err := g.property(f, key)
		if err != nil {
			return nil, err
		}
		s.Properties[f.name] = p
		if !f.omitEmpty && !g.optional[key] {
			s.Required = append(s.Required, f.name)
		}
	}
	if len(s.Properties) == 0 {
		s.Properties = nil
	}
	s.GroupVersionKinds = g.gvks[name]
	return s, nil
}

// property builds the schema of one struct field; key is "<owner schema>.<field>".
func (g *generator) property(f jsonField, key string) (*Schema, error) {
	t := f.typ
	pointer := t.Kind() == reflect.Pointer
	t = deref(t)
	var p *Schema
	if g.isNamed(t) {
		name, err := g.named(t, key)
		if err != nil {
			return nil, err
		}
		p = &Schema{AllOf: []*Schema{ref(name)}}
		if !pointer {
			p.Default = json.RawMessage(`{}`)
		}
	} else {
		var err error
		p, err = g.valueSchema(t, key)
		if err != nil {
			return nil, err
		}
		if !pointer && !f.omitEmpty {
			p.Default = zeroValue(t)
		}
	}
	if d, ok := g.defaults[key]; ok {
		p.Default = json.RawMessage(d)
	}
	p.Description = g.fieldDescription(key, f.name, p)
	if pm, ok := g.patchMeta[key]; ok {
		p.PatchStrategy = pm.PatchStrategy
		p.PatchMergeKey = pm.PatchMergeKey
	}
	if ext, ok := g.listExt[key]; ok {
		p.ListType, p.ListMapKeys, p.MapType = ext.ListType, ext.ListMapKeys, ext.MapType
	}
	return p, nil
}

// fieldDescription is the field's own description, else the common one for its name,
// followed by the list of enum values where there are some.
func (g *generator) fieldDescription(key, name string, p *Schema) string {
	d, ok := g.fieldDocs[key]
	if !ok {
		d = g.commonDocs[name]
	}
	if len(p.Enum) > 0 {
		var b strings.Builder
		b.WriteString(d)
		if d != "" {
			b.WriteString("\n\n")
		}
		b.WriteString("Possible enum values:")
		for _, v := range p.Enum {
			fmt.Fprintf(&b, "\n - `%q`", v)
		}
		d = b.String()
	}
	return d
}

// valueSchema builds the schema of a value of a non-named type: scalars, lists, maps.
// key names the field it belongs to, for field-specific schema names of list elements.
func (g *generator) valueSchema(t reflect.Type, key string) (*Schema, error) {
	switch t.Kind() {
	case reflect.String:
		return &Schema{Type: "string", Enum: slices.Clone(g.enums[t])}, nil
	case reflect.Bool:
		return &Schema{Type: "boolean"}, nil
	case reflect.Int32:
		return &Schema{Type: "integer", Format: "int32"}, nil
	case reflect.Int64:
		return &Schema{Type: "integer", Format: "int64"}, nil
	case reflect.Int:
		return &Schema{Type: "integer"}, nil
	case reflect.Float64:
		return &Schema{Type: "number", Format: "double"}, nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return &Schema{Type: "string", Format: "byte"}, nil
		}
		items, err := g.elemSchema(t.Elem(), key)
		if err != nil {
			return nil, err
		}
		return &Schema{Type: "array", Items: items}, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("%s: map key %v is not a string", key, t.Key())
		}
		values, err := g.elemSchema(t.Elem(), key)
		if err != nil {
			return nil, err
		}
		return &Schema{Type: "object", AdditionalProperties: values}, nil
	}
	return nil, fmt.Errorf("%s: no schema for Go type %v", key, t)
}

// elemSchema is the schema of a list element or map value: values that are not
// pointers default to their zero value.
func (g *generator) elemSchema(t reflect.Type, key string) (*Schema, error) {
	pointer := t.Kind() == reflect.Pointer
	t = deref(t)
	if g.isNamed(t) {
		name, err := g.named(t, key)
		if err != nil {
			return nil, err
		}
		s := &Schema{AllOf: []*Schema{ref(name)}}
		if !pointer {
			s.Default = json.RawMessage(`{}`)
		}
		return s, nil
	}
	s, err := g.valueSchema(t, key)
	if err != nil {
		return nil, err
	}
	if !pointer {
		s.Default = zeroValue(t)
	}
	return s, nil
}

// isNamed says whether t has a component schema of its own (structs and the types
// that marshal themselves).
func (g *generator) isNamed(t reflect.Type) bool {
	if t.Kind() == reflect.Struct {
		return true
	}
	_, ok := g.names[t]
	return ok
}

// zeroValue is the JSON of a scalar type's zero value; nil for lists and maps, which
// Kubernetes gives no default.
func zeroValue(t reflect.Type) json.RawMessage {
	switch t.Kind() {
	case reflect.String:
		return json.RawMessage(`""`)
	case reflect.Bool:
		return json.RawMessage(`false`)
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Float64:
		return json.RawMessage(`0`)
	}
	return nil
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
