package openapi

import (
	"bytes"
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
	"github.com/orrery-dev/orrery/apiserver/patch"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newDocs builds the documents or fails the test.
func newDocs(t *testing.T) *Docs {
	t.Helper()
	d, err := New(builtin.Registry().Kinds())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

// document returns the parsed document of a group-version.
func document(t *testing.T, d *Docs, group, version string) *Document {
	t.Helper()
	data, _, ok := d.GroupVersion(gvPath(group, version))
	if !ok {
		t.Fatalf("GroupVersion(%q) not found", gvPath(group, version))
	}
	var doc Document
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("unmarshal %s: %v", gvPath(group, version), err)
	}
	return &doc
}

// resolve follows a property schema to the schema it stands for: a single allOf
// element, then a $ref.
func resolve(t *testing.T, doc *Document, s *Schema) *Schema {
	t.Helper()
	for s != nil {
		switch {
		case len(s.AllOf) == 1:
			s = s.AllOf[0]
		case s.Ref != "":
			target, ok := doc.Components.Schemas[strings.TrimPrefix(s.Ref, refPrefix)]
			if !ok {
				t.Fatalf("unresolved reference %q", s.Ref)
			}
			s = target
		default:
			return s
		}
	}
	return nil
}

// kindSchema finds the component schema carrying the given GVK.
func kindSchema(doc *Document, gvk GroupVersionKind) (string, *Schema) {
	for _, name := range sortedKeys(doc.Components.Schemas) {
		s := doc.Components.Schemas[name]
		if slices.Contains(s.GroupVersionKinds, gvk) {
			return name, s
		}
	}
	return "", nil
}

func TestNewIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := newDocs(t), newDocs(t)
	if !bytes.Equal(a.Root(), b.Root()) {
		t.Errorf("two builds give different roots:\n%s\n%s", a.Root(), b.Root())
	}
}

func TestEveryServedKindHasSchema(t *testing.T) {
	t.Parallel()
	d := newDocs(t)
	type want struct {
		gvk    GroupVersionKind
		schema string
	}
	var cases []want
	for _, k := range builtin.Registry().Kinds() {
		cases = append(cases,
			want{GroupVersionKind{k.Group, k.Kind, k.Version}, ""},
			want{GroupVersionKind{k.Group, k.ListKind, k.Version}, ""})
	}
	cases = append(cases,
		want{GroupVersionKind{"", "Pod", "v1"}, core + "Pod"},
		want{GroupVersionKind{"", "PodList", "v1"}, core + "PodList"},
		want{GroupVersionKind{"apps", "ReplicaSet", "v1"}, apps + "ReplicaSet"},
		want{GroupVersionKind{"coordination.k8s.io", "Lease", "v1"}, coordination + "Lease"},
	)
	for _, c := range cases {
		t.Run(c.gvk.Group+"/"+c.gvk.Version+"/"+c.gvk.Kind, func(t *testing.T) {
			t.Parallel()
			doc := document(t, d, c.gvk.Group, c.gvk.Version)
			name, s := kindSchema(doc, c.gvk)
			if s == nil {
				t.Fatalf("no schema with x-kubernetes-group-version-kind %+v", c.gvk)
			}
			if c.schema != "" && name != c.schema {
				t.Errorf("schema name = %q, want %q", name, c.schema)
			}
			for _, f := range []string{"apiVersion", "kind", "metadata"} {
				if _, ok := s.Properties[f]; !ok {
					t.Errorf("%s has no property %q", name, f)
				}
			}
		})
	}
}

func TestSubresourceKinds(t *testing.T) {
	t.Parallel()
	d := newDocs(t)
	tests := []struct {
		name      string
		group     string
		path      string
		method    string
		gvk       GroupVersionKind
		bodyMedia string
		schema    string
	}{
		{"pod binding", "", "/api/v1/namespaces/{namespace}/pods/{name}/binding", "post",
			GroupVersionKind{"", "Binding", "v1"}, mediaAny, core + "Binding"},
		{"replicaset scale", "apps", "/apis/apps/v1/namespaces/{namespace}/replicasets/{name}/scale", "put",
			GroupVersionKind{"autoscaling", "Scale", "v1"}, mediaAny, autoscaling + "Scale"},
		{"pod status", "", "/api/v1/namespaces/{namespace}/pods/{name}/status", "put",
			GroupVersionKind{"", "Pod", "v1"}, mediaAny, core + "Pod"},
		{"namespace finalize", "", "/api/v1/namespaces/{name}/finalize", "put",
			GroupVersionKind{"", "Namespace", "v1"}, mediaAny, core + "Namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := document(t, d, tt.group, "v1")
			pi, ok := doc.Paths[tt.path]
			if !ok {
				t.Fatalf("no path %s", tt.path)
			}
			op := operations(pi)[tt.method]
			if op == nil {
				t.Fatalf("%s has no %s operation", tt.path, tt.method)
			}
			if op.GroupVersionKind == nil || *op.GroupVersionKind != tt.gvk {
				t.Errorf("GVK = %+v, want %+v", op.GroupVersionKind, tt.gvk)
			}
			if got := op.RequestBody.Content[tt.bodyMedia].Schema.Ref; got != refPrefix+tt.schema {
				t.Errorf("request body schema = %q, want %q", got, refPrefix+tt.schema)
			}
			if _, s := kindSchema(doc, tt.gvk); s == nil {
				t.Errorf("no schema with x-kubernetes-group-version-kind %+v", tt.gvk)
			}
		})
	}
}

// operations returns a path item's operations by method.
func operations(pi *PathItem) map[string]*Operation {
	out := map[string]*Operation{}
	for m, op := range map[string]*Operation{"get": pi.Get, "put": pi.Put, "post": pi.Post, "patch": pi.Patch, "delete": pi.Delete} {
		if op != nil {
			out[m] = op
		}
	}
	return out
}

func hasParam(params []*Parameter, name string) bool {
	return slices.ContainsFunc(params, func(p *Parameter) bool { return p.Name == name })
}

// TestWriteOperationsSupportFieldValidation checks what kubectl looks for before it
// validates on the server and computes strategic merge patches: every PATCH operation of
// a kind lists fieldValidation among its own parameters and accepts strategic merge
// patches; PUT and POST list fieldValidation too.
func TestWriteOperationsSupportFieldValidation(t *testing.T) {
	t.Parallel()
	d := newDocs(t)
	for _, k := range builtin.Registry().Kinds() {
		t.Run(k.Resource, func(t *testing.T) {
			t.Parallel()
			doc := document(t, d, k.Group, k.Version)
			gvk := GroupVersionKind{k.Group, k.Kind, k.Version}
			patches := 0
			for _, p := range sortedKeys(doc.Paths) {
				pi := doc.Paths[p]
				for method, op := range operations(pi) {
					if method == "patch" || method == "put" || method == "post" {
						for _, name := range []string{"fieldValidation", "dryRun", "fieldManager"} {
							if !hasParam(op.Parameters, name) && !hasParam(pi.Parameters, name) {
								t.Errorf("%s %s (%s) has no %s parameter", method, p, op.OperationID, name)
							}
						}
					}
					if method != "patch" || op.GroupVersionKind == nil || *op.GroupVersionKind != gvk {
						continue
					}
					patches++
					if !hasParam(op.Parameters, "fieldValidation") {
						t.Errorf("PATCH %s: fieldValidation is not among the operation's own parameters", p)
					}
					if _, ok := op.RequestBody.Content[mediaStrategic]; !ok {
						t.Errorf("PATCH %s does not accept %s", p, mediaStrategic)
					}
				}
			}
			if patches == 0 {
				t.Errorf("no PATCH operation with x-kubernetes-group-version-kind %+v", gvk)
			}
		})
	}
}

// patchMetaAt walks a patch schema along a field path ("spec", "containers", "[]",
// "ports"); "[]" steps into list elements.
func patchMetaAt(ps *patch.Schema, path []string) *patch.Schema {
	for _, step := range path {
		if ps == nil {
			return nil
		}
		if step == "[]" {
			ps = ps.Elem
			continue
		}
		ps = ps.Fields[step]
	}
	return ps
}

// schemaAt walks a document schema along the same kind of path and returns the
// property schema reached (unresolved, where the extensions are).
func schemaAt(t *testing.T, doc *Document, s *Schema, path []string) *Schema {
	t.Helper()
	for _, step := range path {
		r := resolve(t, doc, s)
		if step == "[]" {
			if r.Items == nil {
				t.Fatalf("step %q: not a list", step)
			}
			s = r.Items
			continue
		}
		p, ok := r.Properties[step]
		if !ok {
			t.Fatalf("step %q: no such property", step)
		}
		s = p
	}
	return s
}

func TestPatchExtensionsMatchPatchPackage(t *testing.T) {
	t.Parallel()
	d := newDocs(t)
	tests := []struct {
		kind         string
		path         string
		wantStrategy string
		wantKey      string
	}{
		{"Pod", "spec.containers", "merge", "name"},
		{"Pod", "spec.initContainers", "merge", "name"},
		{"Pod", "spec.containers.[].ports", "merge", "containerPort"},
		{"Pod", "spec.containers.[].env", "merge", "name"},
		{"Pod", "spec.containers.[].command", "", ""},
		{"Pod", "spec.tolerations", "", ""},
		{"Pod", "status.conditions", "merge", "type"},
		{"Pod", "status.podIPs", "merge", "ip"},
		{"Pod", "status.hostIPs", "merge", "ip"},
		{"Pod", "status.containerStatuses", "", ""},
		{"Pod", "metadata.ownerReferences", "merge", "uid"},
		{"Pod", "metadata.finalizers", "merge", ""},
		{"ReplicaSet", "spec.template.spec.containers", "merge", "name"},
		{"ReplicaSet", "spec.template.spec.containers.[].env", "merge", "name"},
		{"ReplicaSet", "status.conditions", "merge", "type"},
		{"Node", "spec.podCIDRs", "merge", ""},
		{"Node", "spec.taints", "", ""},
		{"Node", "status.conditions", "merge", "type"},
		{"Node", "status.addresses", "merge", "type"},
		{"Namespace", "status.conditions", "merge", "type"},
		{"Namespace", "spec.finalizers", "", ""},
		{"Lease", "metadata.ownerReferences", "merge", "uid"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"."+tt.path, func(t *testing.T) {
			t.Parallel()
			k := kindInfo(t, tt.kind)
			doc := document(t, d, k.Group, k.Version)
			_, root := kindSchema(doc, GroupVersionKind{k.Group, k.Kind, k.Version})
			path := strings.Split(tt.path, ".")
			got := schemaAt(t, doc, root, path)
			if got.PatchStrategy != tt.wantStrategy || got.PatchMergeKey != tt.wantKey {
				t.Errorf("document: strategy %q, merge key %q; want %q, %q", got.PatchStrategy, got.PatchMergeKey, tt.wantStrategy, tt.wantKey)
			}
			var wantStrategy, wantKey string
			if ps := patchMetaAt(patch.SchemaOf(kindInfo(t, tt.kind).MergeRules), path); ps != nil {
				wantStrategy, wantKey = ps.PatchStrategy, ps.PatchMergeKey
			}
			if got.PatchStrategy != wantStrategy || got.PatchMergeKey != wantKey {
				t.Errorf("document: strategy %q, merge key %q; the kind's merge rules: %q, %q", got.PatchStrategy, got.PatchMergeKey, wantStrategy, wantKey)
			}
		})
	}
}

// TestEveryPatchExtensionComesFromPatchPackage walks each kind's schema and checks
// that the patch extensions met on the way are exactly those the kind's merge rules give for
// that path, in both directions for the fields Orrery serves.
func TestEveryPatchExtensionComesFromPatchPackage(t *testing.T) {
	t.Parallel()
	d := newDocs(t)
	for _, k := range builtin.Registry().Kinds() {
		t.Run(k.Kind, func(t *testing.T) {
			t.Parallel()
			doc := document(t, d, k.Group, k.Version)
			_, root := kindSchema(doc, GroupVersionKind{k.Group, k.Kind, k.Version})
			checked := 0
			var walk func(s *Schema, ps *patch.Schema, path string, depth int)
			walk = func(s *Schema, ps *patch.Schema, path string, depth int) {
				if depth > 12 {
					return
				}
				r := resolve(t, doc, s)
				if r.Items != nil {
					var elem *patch.Schema
					if ps != nil {
						elem = ps.Elem
					}
					walk(r.Items, elem, path+"[]", depth+1)
					return
				}
				for _, name := range sortedKeys(r.Properties) {
					p := r.Properties[name]
					var fs *patch.Schema
					if ps != nil {
						fs = ps.Fields[name]
					}
					var wantStrategy, wantKey string
					if fs != nil {
						wantStrategy, wantKey = fs.PatchStrategy, fs.PatchMergeKey
					}
					if p.PatchStrategy != wantStrategy || p.PatchMergeKey != wantKey {
						t.Errorf("%s.%s: strategy %q, merge key %q; the kind's merge rules: %q, %q",
							path, name, p.PatchStrategy, p.PatchMergeKey, wantStrategy, wantKey)
					}
					if wantStrategy != "" {
						checked++
					}
					walk(p, fs, path+"."+name, depth+1)
				}
			}
			walk(root, patch.SchemaOf(k.MergeRules), k.Kind, 0)
			if checked == 0 {
				t.Errorf("no patch extension met in %s", k.Kind)
			}
		})
	}
}

func kindInfo(t *testing.T, kind string) api.KindInfo {
	t.Helper()
	for _, k := range builtin.Registry().Kinds() {
		if k.Kind == kind {
			return k
		}
	}
	t.Fatalf("kind %q not served", kind)
	return api.KindInfo{}
}

var pathParamRE = regexp.MustCompile(`\{([a-z]+)\}`)

// TestDocumentsAreWellFormed checks the documents' structure as an OpenAPI 3.0 reader
// sees it: every reference resolves, operation IDs are unique, path parameters are
// declared, operations have responses and a known action.
func TestDocumentsAreWellFormed(t *testing.T) {
	t.Parallel()
	d := newDocs(t)
	var root discovery
	if err := json.Unmarshal(d.Root(), &root); err != nil {
		t.Fatalf("unmarshal root: %v", err)
	}
	if len(root.Paths) == 0 {
		t.Fatal("root lists no group-versions")
	}
	actions := []string{"get", "list", "post", "put", "patch", "delete", "deletecollection"}
	for _, gv := range sortedKeys(root.Paths) {
		t.Run(gv, func(t *testing.T) {
			t.Parallel()
			data, _, ok := d.GroupVersion(gv)
			if !ok {
				t.Fatalf("GroupVersion(%q) not found", gv)
			}
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			var doc Document
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if doc.OpenAPI != "3.0.0" || doc.Info.Title != "Kubernetes" || doc.Info.Version != Version {
				t.Errorf("openapi %q, info %+v", doc.OpenAPI, doc.Info)
			}
			// Every $ref anywhere in the document resolves.
			var generic any
			if err := json.Unmarshal(data, &generic); err != nil {
				t.Fatal(err)
			}
			refs := 0
			var walk func(v any)
			walk = func(v any) {
				switch v := v.(type) {
				case map[string]any:
					if r, ok := v["$ref"].(string); ok {
						refs++
						name, found := strings.CutPrefix(r, refPrefix)
						if _, exists := doc.Components.Schemas[name]; !found || !exists {
							t.Errorf("unresolved $ref %q", r)
						}
						if len(v) != 1 {
							t.Errorf("$ref %q has siblings, which OpenAPI 3.0 ignores", r)
						}
					}
					for _, e := range v {
						walk(e)
					}
				case []any:
					for _, e := range v {
						walk(e)
					}
				}
			}
			walk(generic)
			if refs == 0 {
				t.Error("document has no references")
			}
			ids := map[string]string{}
			for _, p := range sortedKeys(doc.Paths) {
				pi := doc.Paths[p]
				ops := operations(pi)
				if len(ops) == 0 {
					t.Errorf("%s has no operations", p)
				}
				for method, op := range ops {
					if prev, dup := ids[op.OperationID]; dup {
						t.Errorf("operationId %q used by %s and %s %s", op.OperationID, prev, method, p)
					}
					ids[op.OperationID] = method + " " + p
					if !slices.Contains(actions, op.Action) {
						t.Errorf("%s %s: x-kubernetes-action %q", method, p, op.Action)
					}
					if op.GroupVersionKind == nil {
						t.Errorf("%s %s: no x-kubernetes-group-version-kind", method, p)
					}
					if op.Responses["200"] == nil {
						t.Errorf("%s %s: no 200 response", method, p)
					}
					for _, m := range pathParamRE.FindAllStringSubmatch(p, -1) {
						param := m[1]
						i := slices.IndexFunc(append(slices.Clone(pi.Parameters), op.Parameters...), func(x *Parameter) bool {
							return x.Name == param && x.In == "path" && x.Required
						})
						if i < 0 {
							t.Errorf("%s %s: path parameter %q not declared", method, p, param)
						}
					}
				}
			}
			for _, name := range sortedKeys(doc.Components.Schemas) {
				s := doc.Components.Schemas[name]
				if s.Type == "" && len(s.OneOf) == 0 {
					t.Errorf("schema %s has no type", name)
				}
				if s.Description == "" {
					t.Errorf("schema %s has no description", name)
				}
				for _, req := range s.Required {
					if _, ok := s.Properties[req]; !ok {
						t.Errorf("schema %s requires missing property %q", name, req)
					}
				}
			}
		})
	}
}

func TestRootListsEveryGroupVersionWithItsHash(t *testing.T) {
	t.Parallel()
	d := newDocs(t)
	var root discovery
	if err := json.Unmarshal(d.Root(), &root); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, k := range builtin.Registry().Kinds() {
		want[gvPath(k.Group, k.Version)] = true
	}
	if got := sortedKeys(root.Paths); !slices.Equal(got, sortedKeys(want)) {
		t.Errorf("root paths = %v, want %v", got, sortedKeys(want))
	}
	for gv, entry := range root.Paths {
		data, hash, ok := d.GroupVersion(gv)
		if !ok {
			t.Errorf("GroupVersion(%q) not found", gv)
			continue
		}
		if want := fmt.Sprintf("%X", sha512.Sum512(data)); hash != want {
			t.Errorf("%s: hash %s, want %s", gv, hash, want)
		}
		if want := "/openapi/v3/" + gv + "?hash=" + hash; entry.ServerRelativeURL != want {
			t.Errorf("%s: serverRelativeURL %q, want %q", gv, entry.ServerRelativeURL, want)
		}
	}
	if _, _, ok := d.GroupVersion("apis/batch/v1"); ok {
		t.Error("GroupVersion(apis/batch/v1) found")
	}
}

// TestSamplesMatchSchemas decodes Kubernetes' sample objects into Orrery's types,
// encodes them again (which keeps only the fields Orrery serves) and checks that every
// field of the result is in the kind's schema with the right JSON type: what kubectl
// needs to compute patches for any object the server returns.
func TestSamplesMatchSchemas(t *testing.T) {
	t.Parallel()
	d := newDocs(t)
	tests := []struct {
		file string
		kind string
	}{
		{"pod.json", "Pod"},
		{"podlist.json", "PodList"},
		{"node.json", "Node"},
		{"namespace.json", "Namespace"},
		{"event.json", "Event"},
		{"legacy_event.json", "Event"},
		{"replicaset.json", "ReplicaSet"},
		{"lease.json", "Lease"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(filepath.Join("..", "..", "api", "testdata", tt.file))
			if err != nil {
				t.Skipf("no sample: %v", err)
			}
			var k api.KindInfo
			var obj any
			for _, ki := range builtin.Registry().Kinds() {
				if ki.Kind == tt.kind {
					k, obj = ki, ki.New()
				} else if ki.ListKind == tt.kind {
					k, obj = ki, ki.NewList()
				}
			}
			if err := json.Unmarshal(raw, obj); err != nil {
				t.Fatalf("decode sample: %v", err)
			}
			data, err := json.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			var generic any
			if err := json.Unmarshal(data, &generic); err != nil {
				t.Fatal(err)
			}
			doc := document(t, d, k.Group, k.Version)
			_, root := kindSchema(doc, GroupVersionKind{k.Group, tt.kind, k.Version})
			if root == nil {
				t.Fatalf("no schema for %s", tt.kind)
			}
			checkValue(t, doc, root, generic, tt.kind)
		})
	}
}

// checkValue checks a decoded JSON value against a schema.
func checkValue(t *testing.T, doc *Document, s *Schema, v any, path string) {
	t.Helper()
	r := resolve(t, doc, s)
	if v == nil {
		return // null: an unset time
	}
	if len(r.OneOf) > 0 {
		return // quantities
	}
	if r.Format == "int-or-string" {
		switch v.(type) {
		case string, float64:
		default:
			t.Errorf("%s: JSON %T, want an integer or a string", path, v)
		}
		return
	}
	var got string
	switch v.(type) {
	case map[string]any:
		got = "object"
	case []any:
		got = "array"
	case string:
		got = "string"
	case float64:
		got = "integer"
		if r.Type == "number" {
			got = "number"
		}
	case bool:
		got = "boolean"
	}
	if got != r.Type {
		t.Errorf("%s: JSON %s, schema type %q", path, got, r.Type)
		return
	}
	switch v := v.(type) {
	case map[string]any:
		for _, key := range sortedKeys(v) {
			if r.AdditionalProperties != nil {
				checkValue(t, doc, r.AdditionalProperties, v[key], path+"."+key)
				continue
			}
			p, ok := r.Properties[key]
			if !ok {
				t.Errorf("%s: field %q not in schema", path, key)
				continue
			}
			checkValue(t, doc, p, v[key], path+"."+key)
		}
	case []any:
		for i, e := range v {
			checkValue(t, doc, r.Items, e, fmt.Sprintf("%s[%d]", path, i))
		}
	case string:
		if len(r.Enum) > 0 && !slices.Contains(r.Enum, v) {
			t.Errorf("%s: %q not among enum values %v", path, v, r.Enum)
		}
	}
}

func TestSchemaDetails(t *testing.T) {
	t.Parallel()
	d := newDocs(t)
	doc := document(t, d, "", "v1")
	schemas := doc.Components.Schemas
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"Time is a date-time string", schemas[timeName].Type + "/" + schemas[timeName].Format, "string/date-time"},
		{"MicroTime is a date-time string", schemas[microTimeName].Type + "/" + schemas[microTimeName].Format, "string/date-time"},
		{"Quantity is a string or a number", len(schemas[quantityName].OneOf), 2},
		{"PodSpec requires containers", schemas[core+"PodSpec"].Required, []string{"containers"}},
		{"Container requires name", schemas[core+"Container"].Required, []string{"name"}},
		{"ContainerPort requires containerPort", schemas[core+"ContainerPort"].Required, []string{"containerPort"}},
		{"Event requires metadata and involvedObject", schemas[core+"Event"].Required, []string{"metadata", "involvedObject"}},
		{"Binding requires target", schemas[core+"Binding"].Required, []string{"target"}},
		{"PodList requires items", schemas[core+"PodList"].Required, []string{"items"}},
		{"ObjectMeta requires nothing", len(schemas[meta+"ObjectMeta"].Required), 0},
		{"protocol defaults to TCP", string(schemas[core+"ContainerPort"].Properties["protocol"].Default), `"TCP"`},
		{"metadata defaults to {}", string(schemas[core+"Pod"].Properties["metadata"].Default), `{}`},
		{"affinity, a pointer, has no default", string(schemas[core+"PodSpec"].Properties["affinity"].Default), ""},
		{"restartPolicy is an enum", schemas[core+"PodSpec"].Properties["restartPolicy"].Enum, []string{"Always", "Never", "OnFailure"}},
		{"ports are a map list", schemas[core+"Container"].Properties["ports"].ListMapKeys, []string{"containerPort", "protocol"}},
		{"configMapKeyRef is a ConfigMapKeySelector", schemas[core+"EnvVarSource"].Properties["configMapKeyRef"].AllOf[0].Ref, refPrefix + core + "ConfigMapKeySelector"},
		{"secretKeyRef is a SecretKeySelector", schemas[core+"EnvVarSource"].Properties["secretKeyRef"].AllOf[0].Ref, refPrefix + core + "SecretKeySelector"},
		{"resources are Quantities", schemas[core+"ResourceRequirements"].Properties["limits"].AdditionalProperties.AllOf[0].Ref, refPrefix + quantityName},
		{"DaemonEndpoint keeps its Go name", sortedKeys(schemas[core+"DaemonEndpoint"].Properties), []string{"Port"}},
		{"apps/v1 is not in the core document", schemas[apps+"ReplicaSet"] == nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if fmt.Sprint(tt.got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestServeHTTP(t *testing.T) {
	t.Parallel()
	d := newDocs(t)
	_, hash, _ := d.GroupVersion("api/v1")
	tests := []struct {
		name         string
		method       string
		target       string
		header       http.Header
		wantCode     int
		wantCache    string
		wantLocation string
		wantBody     string // a substring
	}{
		{name: "root", target: "/openapi/v3", wantCode: 200, wantCache: "no-cache", wantBody: `"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=` + hash},
		{name: "root with slash", target: "/openapi/v3/", wantCode: 200, wantBody: `"apis/apps/v1"`},
		{name: "document", target: "/openapi/v3/api/v1", wantCode: 200, wantCache: "no-cache", wantBody: `"io.k8s.api.core.v1.Pod"`},
		{name: "document with hash", target: "/openapi/v3/api/v1?hash=" + hash, wantCode: 200, wantCache: "public, immutable", wantBody: `"openapi":"3.0.0"`},
		{name: "stale hash", target: "/openapi/v3/api/v1?hash=ABC", wantCode: 301, wantLocation: "/openapi/v3/api/v1?hash=" + hash},
		{name: "group document", target: "/openapi/v3/apis/coordination.k8s.io/v1", header: http.Header{"Accept": {"application/json"}}, wantCode: 200, wantBody: `"io.k8s.api.coordination.v1.Lease"`},
		{name: "accept any", target: "/openapi/v3/apis/apps/v1", header: http.Header{"Accept": {"application/com.github.proto-openapi.spec.v3@v1.0+protobuf, */*;q=0.1"}}, wantCode: 200},
		{name: "protobuf only", target: "/openapi/v3/api/v1", header: http.Header{"Accept": {"application/com.github.proto-openapi.spec.v3@v1.0+protobuf"}}, wantCode: 406, wantBody: `"reason":"NotAcceptable"`},
		{name: "revalidation", target: "/openapi/v3/api/v1", header: http.Header{"If-None-Match": {`"` + hash + `"`}}, wantCode: 304},
		{name: "unknown group", target: "/openapi/v3/apis/batch/v1", wantCode: 404, wantBody: `"reason":"NotFound"`},
		{name: "group without version", target: "/openapi/v3/apis/apps", wantCode: 404, wantBody: `"kind":"Status"`},
		{name: "v2", target: "/openapi/v2", wantCode: 404, wantBody: `"code":404`},
		{name: "post", method: "POST", target: "/openapi/v3", wantCode: 405, wantBody: `"reason":"MethodNotAllowed"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			req := httptest.NewRequest(method, tt.target, nil)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			d.ServeHTTP(rec, req)
			if rec.Code != tt.wantCode {
				t.Fatalf("code = %d, want %d; body %s", rec.Code, tt.wantCode, rec.Body)
			}
			if tt.wantCode == 200 || tt.wantCode >= 400 {
				if got := rec.Header().Get("Content-Type"); got != "application/json" {
					t.Errorf("Content-Type = %q, want application/json", got)
				}
			}
			if tt.wantCache != "" {
				if got := rec.Header().Get("Cache-Control"); got != tt.wantCache {
					t.Errorf("Cache-Control = %q, want %q", got, tt.wantCache)
				}
			}
			if tt.wantLocation != "" {
				if got := rec.Header().Get("Location"); got != tt.wantLocation {
					t.Errorf("Location = %q, want %q", got, tt.wantLocation)
				}
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body does not contain %q:\n%.300s", tt.wantBody, rec.Body)
			}
		})
	}
}
