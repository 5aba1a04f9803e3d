package openapi

import (
	"bytes"
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"path"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/patch"
)

// Version is the Kubernetes release whose API the documents describe.
const Version = "v1.32.0"

// Docs holds the OpenAPI v3 documents of the served kinds, built once by New. It is
// immutable and safe for concurrent use.
type Docs struct {
	root   []byte
	byPath map[string]groupVersionDoc // by "api/v1", "apis/apps/v1"
}

type groupVersionDoc struct {
	data []byte
	hash string
}

// discovery is the root document at /openapi/v3.
type discovery struct {
	Paths map[string]discoveryPath `json:"paths"`
}

type discoveryPath struct {
	ServerRelativeURL string `json:"serverRelativeURL"`
}

// New builds the documents of every kind api.Kinds lists. It fails if a served type
// has no schema name or a subresource has no description, which the package's tests
// catch.
func New(kinds []api.KindInfo) (*Docs, error) {
	g := newGenerator()

	subs := subresources()

	// Kinds, their lists and the subresource kinds, with their GVKs and patch metadata,
	// before any schema is generated.
	type named struct {
		kind     api.KindInfo
		kindName string
		listName string
		kindType reflect.Type
		listType reflect.Type
	}
	var served []named
	gvs := map[GroupVersionKind]bool{{Group: "autoscaling", Version: "v1"}: true}
	for _, k := range kinds {
		kt, lt := reflect.TypeOf(k.New()).Elem(), reflect.TypeOf(k.NewList()).Elem()
		// Types the documents do not name yet are named with the kind's prefix, and
		// documented by its registration.
		g.prefix = k.SchemaPrefix
		if _, ok := g.names[kt]; !ok {
			g.names[kt] = k.SchemaPrefix + k.Kind
		}
		if _, ok := g.names[lt]; !ok {
			g.names[lt] = k.SchemaPrefix + k.ListKind
		}
		for key, doc := range k.Descriptions {
			if typ, field, ok := strings.Cut(key, "."); ok {
				g.fieldDocs[k.SchemaPrefix+typ+"."+field] = doc
			} else {
				g.typeDocs[k.SchemaPrefix+typ] = doc
			}
		}
		kn, ok := g.names[kt]
		if !ok {
			return nil, fmt.Errorf("kind %s: no schema name for Go type %v", k.Kind, kt)
		}
		ln, ok := g.names[lt]
		if !ok {
			return nil, fmt.Errorf("kind %s: no schema name for Go type %v", k.ListKind, lt)
		}
		g.gvks[kn] = append(g.gvks[kn], GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.Kind})
		g.gvks[ln] = append(g.gvks[ln], GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.ListKind})
		if err := g.addPatchMeta(kt, kn, patch.SchemaOf(k.MergeRules)); err != nil {
			return nil, err
		}
		served = append(served, named{kind: k, kindName: kn, listName: ln, kindType: kt, listType: lt})
		gvs[GroupVersionKind{Group: k.Group, Version: k.Version}] = true
	}
	extra := map[string]reflect.Type{
		statusName: reflect.TypeFor[api.Status](),
		deleteName: reflect.TypeFor[api.DeleteOptions](),
	}
	for _, sub := range subs {
		if sub.gvk == nil {
			continue
		}
		t, ok := typeNamed(g.names, sub.schema)
		if !ok {
			return nil, fmt.Errorf("subresource kind %s: no Go type", sub.schema)
		}
		if len(g.gvks[sub.schema]) == 0 {
			g.gvks[sub.schema] = []GroupVersionKind{*sub.gvk}
			if err := g.addPatchMeta(t, sub.schema, patch.SchemaOf(nil)); err != nil {
				return nil, err
			}
		}
		extra[sub.schema] = t
	}
	g.gvks[statusName] = []GroupVersionKind{{Group: "", Version: "v1", Kind: "Status"}}
	for _, gv := range slices.SortedFunc(maps.Keys(gvs), compareGVK) {
		g.gvks[deleteName] = append(g.gvks[deleteName], GroupVersionKind{Group: gv.Group, Version: gv.Version, Kind: "DeleteOptions"})
	}

	// Every schema.
	for _, s := range served {
		g.prefix = s.kind.SchemaPrefix
		if _, err := g.named(s.kindType, ""); err != nil {
			return nil, err
		}
		if _, err := g.named(s.listType, ""); err != nil {
			return nil, err
		}
	}
	for _, name := range sortedKeys(extra) {
		if _, err := g.named(extra[name], ""); err != nil {
			return nil, err
		}
	}
	g.schemas[patchName] = g.scalars[patchName]

	// One document per group-version.
	docs := map[string]*Document{}
	used := map[string][]string{}
	for _, s := range served {
		p := gvPath(s.kind.Group, s.kind.Version)
		doc, ok := docs[p]
		if !ok {
			doc = &Document{OpenAPI: "3.0.0", Info: Info{Title: "Kubernetes", Version: Version}, Paths: map[string]*PathItem{}}
			docs[p] = doc
		}
		names, err := resourcePaths(doc.Paths, s.kind, s.kindName, s.listName)
		if err != nil {
			return nil, err
		}
		used[p] = append(used[p], names...)
	}
	d := &Docs{byPath: map[string]groupVersionDoc{}}
	root := discovery{Paths: map[string]discoveryPath{}}
	for p, doc := range docs {
		schemas, err := closure(g.schemas, used[p])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		doc.Components.Schemas = schemas
		data, err := json.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		hash := fmt.Sprintf("%X", sha512.Sum512(data))
		d.byPath[p] = groupVersionDoc{data: data, hash: hash}
		root.Paths[p] = discoveryPath{ServerRelativeURL: serverRelativeURL(p, hash)}
	}
	data, err := json.Marshal(root)
	if err != nil {
		return nil, err
	}
	d.root = data
	return d, nil
}

func compareGVK(a, b GroupVersionKind) int {
	return strings.Compare(a.Group+"/"+a.Version+"/"+a.Kind, b.Group+"/"+b.Version+"/"+b.Kind)
}

// typeNamed finds the Go type of a schema name.
func typeNamed(names map[reflect.Type]string, name string) (reflect.Type, bool) {
	for t, n := range names {
		if n == name {
			return t, true
		}
	}
	return nil, false
}

// gvPath is a group-version's path under /openapi/v3: "api/v1", "apis/apps/v1".
func gvPath(group, version string) string {
	if group == "" {
		return "api/" + version
	}
	return "apis/" + group + "/" + version
}

// serverRelativeURL is where the document of a group-version is served, with the hash
// that makes the URL change with the document.
func serverRelativeURL(gvPath, hash string) string {
	return path.Join("/openapi/v3", gvPath) + "?hash=" + hash
}

// closure returns the named schemas and every schema they reference, transitively.
func closure(all map[string]*Schema, roots []string) (map[string]*Schema, error) {
	out := map[string]*Schema{}
	var visit func(name string) error
	var walk func(s *Schema) error
	visit = func(name string) error {
		if _, ok := out[name]; ok {
			return nil
		}
		s, ok := all[name]
		if !ok {
			return fmt.Errorf("reference to unknown schema %q", name)
		}
		out[name] = s
		return walk(s)
	}
	walk = func(s *Schema) error {
		if s == nil {
			return nil
		}
		if s.Ref != "" {
			if err := visit(strings.TrimPrefix(s.Ref, refPrefix)); err != nil {
				return err
			}
		}
		for _, sub := range append(slices.Clone(s.AllOf), s.OneOf...) {
			if err := walk(sub); err != nil {
				return err
			}
		}
		if err := walk(s.Items); err != nil {
			return err
		}
		if err := walk(s.AdditionalProperties); err != nil {
			return err
		}
		for _, name := range sortedKeys(s.Properties) {
			if err := walk(s.Properties[name]); err != nil {
				return err
			}
		}
		return nil
	}
	for _, name := range roots {
		if err := visit(name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Root returns the discovery document served at /openapi/v3: each group-version's
// path ("api/v1", "apis/apps/v1") and the URL of its document, with its hash. The
// caller must not modify the returned bytes.
func (d *Docs) Root() []byte { return d.root }

// GroupVersion returns the document of a group-version path ("api/v1",
// "apis/apps/v1") and its hash: the upper-case hex SHA-512 of the document, as
// Kubernetes computes it. ok is false for a group-version Orrery does not serve. The
// caller must not modify the returned bytes.
func (d *Docs) GroupVersion(gvPath string) (data []byte, hash string, ok bool) {
	doc, ok := d.byPath[gvPath]
	return doc.data, doc.hash, ok
}

// ServeHTTP serves /openapi/v3 (the root) and /openapi/v3/<group-version> (a
// document) as Kubernetes does: JSON with an ETag; a document asked for with its
// current ?hash= is immutable and cacheable, one asked for with a stale hash redirects
// to the current URL, and one asked for without a hash must be revalidated. Any other
// path, /openapi/v2 included, answers 404 with a Status; methods other than GET and
// HEAD answer 405.
func (d *Docs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeStatus(w, api.NewStatus(http.StatusMethodNotAllowed, api.StatusReasonMethodNotAllowed,
			"the server does not allow this method on the requested resource"))
		return
	}
	p := strings.TrimSuffix(r.URL.Path, "/")
	if p == "/openapi/v3" {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Etag", etag(d.root))
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(d.root))
		return
	}
	gv, ok := strings.CutPrefix(p, "/openapi/v3/")
	doc, found := d.byPath[gv]
	if !ok || !found {
		writeNotFound(w)
		return
	}
	w.Header().Add("Vary", "Accept")
	if !acceptsJSON(r.Header.Values("Accept")) {
		writeStatus(w, api.NewStatus(http.StatusNotAcceptable, api.StatusReasonNotAcceptable,
			"only the following media types are accepted: application/json"))
		return
	}
	if hash := r.URL.Query().Get("hash"); hash != "" {
		if hash != doc.hash {
			http.Redirect(w, r, serverRelativeURL(gv, doc.hash), http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Cache-Control", "public, immutable")
		w.Header().Set("Expires", time.Now().AddDate(1, 0, 0).UTC().Format(http.TimeFormat))
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Etag", `"`+doc.hash+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(doc.data))
}

var _ http.Handler = (*Docs)(nil)

func etag(data []byte) string { return fmt.Sprintf(`"%X"`, sha512.Sum512(data)) }

// acceptsJSON says whether an Accept header allows application/json; no header
// allows anything.
func acceptsJSON(values []string) bool {
	if len(values) == 0 {
		return true
	}
	for _, v := range values {
		for _, clause := range strings.Split(v, ",") {
			mt, _, _ := strings.Cut(clause, ";")
			switch strings.ToLower(strings.TrimSpace(mt)) {
			case "application/json", "application/*", "*/*", "":
				return true
			}
		}
	}
	return false
}

func writeNotFound(w http.ResponseWriter) {
	writeStatus(w, api.NewStatus(http.StatusNotFound, api.StatusReasonNotFound, "the server could not find the requested resource"))
}

func writeStatus(w http.ResponseWriter, st *api.Status) {
	data, err := json.Marshal(st)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(int(st.Code))
	w.Write(data)
}
