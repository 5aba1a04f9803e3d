package apiserver

import (
	"bytes"
	"cmp"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/fields"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/api/protoschema"
	"github.com/orrery-dev/orrery/apiserver/patch"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// errPending stops a delete whose object turned out to need marking instead.
var errPending = errors.New("the object must be marked for deletion first")

// resource serves one resource (and its subresources) over its storage.
type resource struct {
	s      *Server
	kind   api.KindInfo
	gr     api.GroupResource
	store  storage.Interface
	fields map[string]bool // the field selectors the kind supports
	attrs  storage.AttrFunc
	schema *patch.Schema // list merge rules for strategic merge patches
}

func newResource(s *Server, kind api.KindInfo, st storage.Interface) *resource {
	f := map[string]bool{}
	for k := range kind.SelectableFields(kind.New()) {
		f[k] = true
	}
	return &resource{s: s, kind: kind, gr: kind.GroupResource(), store: st, fields: f, attrs: attrsOf(kind), schema: patch.SchemaOf(kind.MergeRules)}
}

func (res *resource) now() time.Time { return res.s.cfg.Now() }

// errStatus is the Status for an error about the object name.
func (res *resource) errStatus(err error, name string) *api.Status {
	return statusFor(err, res.gr, name)
}

func (s *Server) serveResource(w http.ResponseWriter, r *http.Request, info requestInfo) {
	res, ok := s.resources[info.Group+"/"+info.Resource]
	if !ok || info.Version != res.kind.Version {
		writeNotFound(w, r)
		return
	}
	// Namespaced resources are addressed inside a namespace, except for lists, watches
	// and collection deletes across all of them; cluster-scoped ones never are.
	if res.kind.Namespaced && info.Namespace == "" && (info.Name != "" || info.Verb == "create") ||
		!res.kind.Namespaced && info.Namespace != "" {
		writeNotFound(w, r)
		return
	}
	if info.Subresource != "" && !slices.Contains(res.kind.Subresources, info.Subresource) {
		writeNotFound(w, r)
		return
	}
	ctx := r.Context()
	if _, _, pb := res.accept(r); pb {
		w = &protobufWriter{ResponseWriter: w, dec: s.protobuf}
	}
	if info.Subresource == "" && !slices.Contains(res.kind.Verbs, info.Verb) {
		methodNotAllowed(w)
		return
	}
	switch info.Subresource {
	case "":
		switch info.Verb {
		case "get":
			res.get(ctx, w, r, info)
		case "list":
			res.list(ctx, w, r, info)
		case "watch":
			res.watch(ctx, w, r, info)
		case "create":
			res.serveCreate(ctx, w, r, info)
		case "update":
			res.serveUpdate(ctx, w, r, info, false)
		case "patch":
			res.servePatch(ctx, w, r, info, false)
		case "delete":
			res.serveDelete(ctx, w, r, info)
		case "deletecollection":
			res.serveDeleteCollection(ctx, w, r, info)
		default:
			methodNotAllowed(w)
		}
	case "status":
		switch info.Verb {
		case "get":
			res.get(ctx, w, r, info)
		case "update":
			res.serveUpdate(ctx, w, r, info, true)
		case "patch":
			res.servePatch(ctx, w, r, info, true)
		default:
			methodNotAllowed(w)
		}
	case "binding":
		if info.Verb != "create" {
			methodNotAllowed(w)
			return
		}
		res.serveBinding(ctx, w, r, info)
	case "eviction":
		if info.Verb != "create" {
			methodNotAllowed(w)
			return
		}
		res.serveEviction(ctx, w, r, info)
	case "scale":
		res.serveScale(ctx, w, r, info)
	case "finalize":
		if info.Verb != "update" {
			methodNotAllowed(w)
			return
		}
		res.serveFinalize(ctx, w, r, info)
	default:
		writeNotFound(w, r)
	}
}

func methodNotAllowed(w http.ResponseWriter) {
	writeStatus(w, api.NewStatus(http.StatusMethodNotAllowed, api.StatusReasonMethodNotAllowed,
		"the server does not allow this method on the requested resource"))
}

func (res *resource) key(info requestInfo) string {
	return storage.ObjectKey(info.Namespace, info.Name)
}

// setTypeMeta stamps obj with the kind and API version of the resource. Objects from
// the watch cache are shared and already stamped: they are only read.
func (res *resource) setTypeMeta(obj api.Object) {
	tm := obj.GetTypeMeta()
	if kind, version := res.kind.Kind, res.kind.APIVersion(); tm.Kind != kind || tm.APIVersion != version {
		tm.Kind, tm.APIVersion = kind, version
	}
}

func (res *resource) get(ctx context.Context, w http.ResponseWriter, r *http.Request, info requestInfo) {
	obj, err := res.store.Get(ctx, res.key(info), storage.GetOptions{ResourceVersion: r.URL.Query().Get("resourceVersion")})
	if err != nil {
		writeStatus(w, res.errStatus(err, info.Name))
		return
	}
	res.writeObject(w, r, http.StatusOK, obj)
}

// writeObject answers with one object, as a Table when the client asks for one.
func (res *resource) writeObject(w http.ResponseWriter, r *http.Request, code int, obj api.Object) {
	res.setTypeMeta(obj)
	switch res.negotiate(r) {
	case asTable:
		t, err := res.table(r, []api.Object{obj}, true)
		if err != nil {
			writeStatus(w, api.NewInternalError(err))
			return
		}
		writeJSON(w, code, t)
	case asPartialMetadata:
		writeJSON(w, code, partialMetadata(obj))
	default:
		writeJSON(w, code, obj)
	}
}

// readBody reads a request body, refusing one larger than the configured limit (413).
func (res *resource) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *api.Status) {
	limit := res.s.cfg.MaxRequestBodyBytes
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(limit)
		}
		return nil, api.NewBadRequest(fmt.Sprintf("error reading request body: %v", err))
	}
	return body, nil
}

func tooLarge(limit int64) *api.Status {
	return api.NewStatus(http.StatusRequestEntityTooLarge, api.StatusReasonRequestEntityTooLarge,
		fmt.Sprintf("Request entity too large: limit is %d", limit))
}

// fieldValidation is the fieldValidation parameter: what to do with unknown fields.
func fieldValidation(q url.Values) (string, *api.Status) {
	switch v := q.Get("fieldValidation"); v {
	case "", "Warn":
		return "Warn", nil
	case "Ignore", "Strict":
		return v, nil
	default:
		return "", api.NewBadRequest(fmt.Sprintf("fieldValidation: Invalid value: %q: fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\"", v))
	}
}

// decodeBody reads the request body (bounded, see readBody) and parses it (JSON, YAML
// or Kubernetes protobuf) into into, checks its kind and apiVersion, and handles
// unknown fields as the fieldValidation parameter asks: dropped silently, dropped with
// a Warning header, or refused (400).
func (res *resource) decodeBody(w http.ResponseWriter, r *http.Request, into api.Object, wantKind, wantAPIVersion string) *api.Status {
	mode, st := fieldValidation(r.URL.Query())
	if st != nil {
		return st
	}
	body, st := res.readBody(w, r)
	if st != nil {
		return st
	}
	if m := res.s.protobuf.Message(wantAPIVersion, wantKind); m != nil && protobuf.IsProtobuf(r.Header.Get("Content-Type")) {
		if apiVersion, kind, raw, err := protobuf.Envelope(body); err == nil && apiVersion == wantAPIVersion && kind == wantKind {
			return decodeProtobufBody(raw, m, into, wantKind, wantAPIVersion)
		}
		// Anything else is refused below, with the messages of the JSON path.
	}
	// Decode errors read as Kubernetes' do: "the object provided is unrecognized" when
	// the body does not even say its kind, else "<Kind> in version ... cannot be handled".
	data, err := res.s.requestJSON(r, body)
	if err != nil {
		return unrecognized(wantKind, err, body)
	}
	var dataTM api.TypeMeta
	if err := json.Unmarshal(data, &dataTM); err != nil {
		return unrecognized(wantKind, fmt.Errorf("couldn't get version/kind; json parse error: %w", err), body)
	}
	cannotHandle := func(err error) *api.Status {
		kind, apiVersion := cmp.Or(dataTM.Kind, wantKind), cmp.Or(dataTM.APIVersion, wantAPIVersion)
		_, version, _ := strings.Cut(apiVersion, "/")
		return api.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: %v", kind, cmp.Or(version, apiVersion), wantKind, err))
	}
	unknown, err := decodeInto(data, into)
	if err != nil {
		return cannotHandle(err)
	}
	tm := into.GetTypeMeta()
	if tm.APIVersion != "" && tm.APIVersion != wantAPIVersion {
		return api.NewBadRequest(fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)", tm.APIVersion, wantAPIVersion))
	}
	if tm.Kind != "" && tm.Kind != wantKind {
		return api.NewBadRequest(fmt.Sprintf("the kind in the data (%s) does not match the expected kind (%s)", tm.Kind, wantKind))
	}
	tm.Kind, tm.APIVersion = wantKind, wantAPIVersion
	if st := unknownFields(w, mode, unknown); st != nil {
		return cannotHandle(errors.New(st.Message))
	}
	return nil
}

// decodeProtobufBody decodes the message of a body in Kubernetes' protobuf encoding
// whose envelope names the kind wanted straight into into, with the kind's message
// m. Protobuf carries no field the message does not number, so there are no unknown
// fields to look for.
func decodeProtobufBody(raw []byte, m *protoschema.Message, into api.Object, wantKind, wantAPIVersion string) *api.Status {
	if err := protobuf.UnmarshalMessage(raw, m, into); err != nil {
		_, version, _ := strings.Cut(wantAPIVersion, "/")
		return api.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: %v", wantKind, cmp.Or(version, wantAPIVersion), wantKind, err))
	}
	tm := into.GetTypeMeta()
	tm.Kind, tm.APIVersion = wantKind, wantAPIVersion
	return nil
}

// unrecognized is Kubernetes' 400 for a body that does not parse, with the start of
// the body (hex unless it looks like JSON) for context.
func unrecognized(wantKind string, err error, body []byte) *api.Status {
	const limit = 30
	var summary string
	switch {
	case len(body) == 0:
		summary = "<empty>"
	case body[0] == '{' && len(body) > limit:
		summary = string(body[:limit]) + " ..."
	case body[0] == '{':
		summary = string(body)
	case len(body) > limit:
		summary = hex.EncodeToString(body[:limit]) + " ..."
	default:
		summary = hex.EncodeToString(body)
	}
	return api.NewBadRequest(fmt.Sprintf("the object provided is unrecognized (must be of type %s): %v (%s)", wantKind, err, summary))
}

func unknownFields(w http.ResponseWriter, mode string, unknown []string) *api.Status {
	if len(unknown) == 0 || mode == "Ignore" {
		return nil
	}
	msgs := make([]string, len(unknown))
	for i, f := range unknown {
		msgs[i] = fmt.Sprintf("unknown field %q", f)
	}
	if mode == "Strict" {
		return api.NewBadRequest("strict decoding error: " + strings.Join(msgs, ", "))
	}
	for _, m := range msgs {
		w.Header().Add("Warning", "299 - "+strconv.Quote(m))
	}
	return nil
}

func isDryRun(q url.Values) bool { return slices.Contains(q["dryRun"], "All") }

// checkNamespace makes sure objects may be created in ns: it exists and is not being
// deleted.
func (res *resource) checkNamespace(ctx context.Context, ns, name string) error {
	// The watch cache answers at once; a namespace it does not know yet (just
	// created) is looked up in etcd before the create is refused.
	obj, err := res.s.namespaces.store.Get(ctx, ns, storage.GetOptions{ResourceVersion: "0"})
	if storage.IsNotFound(err) {
		obj, err = res.s.namespaces.store.Get(ctx, ns, storage.GetOptions{})
	}
	if storage.IsNotFound(err) {
		return api.NewNotFound(res.s.namespaces.gr, ns)
	}
	if err != nil {
		return err
	}
	n := obj.(*api.Namespace)
	if n.DeletionTimestamp != nil || n.Status.Phase == api.NamespaceTerminating {
		st := api.NewForbidden(res.gr, name, fmt.Sprintf("unable to create new content in namespace %s because it is being terminated", ns))
		st.Details.Causes = []api.StatusCause{{Type: "NamespaceTerminating", Message: fmt.Sprintf("namespace %s is being terminated", ns), Field: "metadata.namespace"}}
		return st
	}
	return nil
}

func (res *resource) serveCreate(ctx context.Context, w http.ResponseWriter, r *http.Request, info requestInfo) {
	obj := res.kind.New()
	if st := res.decodeBody(w, r, obj, res.kind.Kind, res.kind.APIVersion()); st != nil {
		writeStatus(w, st)
		return
	}
	m := obj.GetObjectMeta()
	if res.kind.Namespaced {
		if m.Namespace == "" {
			m.Namespace = info.Namespace
		} else if m.Namespace != info.Namespace {
			writeStatus(w, api.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request"))
			return
		}
	}
	out, err := res.create(ctx, obj, isDryRun(r.URL.Query()))
	if err != nil {
		writeStatus(w, res.errStatus(err, m.Name))
		return
	}
	res.writeObject(w, r, http.StatusCreated, out)
}

// create stores a new object: the namespace must accept it, generateName is honoured,
// system fields are set, defaults filled and the object validated.
func (res *resource) create(ctx context.Context, obj api.Object, dryRun bool) (api.Object, error) {
	res.setTypeMeta(obj)
	m := obj.GetObjectMeta()
	if m.ResourceVersion != "" {
		return nil, api.NewBadRequest("resourceVersion should not be set on objects to be created")
	}
	if res.kind.Namespaced && m.Namespace != "" {
		if err := res.checkNamespace(ctx, m.Namespace, m.Name); err != nil {
			return nil, err
		}
	}
	generated := m.Name == "" && m.GenerateName != ""
	for attempt := 0; ; attempt++ {
		if generated {
			m.Name = m.GenerateName + generateNameSuffix()
		}
		prepareForCreate(res.kind, obj, res.now())
		if causes := validateCreate(res.kind, obj); len(causes) > 0 {
			return nil, invalid(res.kind, m.Name, causes)
		}
		key := storage.ObjectKey(m.Namespace, m.Name)
		if dryRun {
			// Nothing is written, but the answer is what a real create would give.
			if _, err := res.store.Get(ctx, key, storage.GetOptions{}); err == nil {
				return nil, api.NewAlreadyExists(res.gr, m.Name)
			} else if !storage.IsNotFound(err) {
				return nil, err
			}
			return obj, nil
		}
		out, err := res.store.Create(ctx, key, obj)
		if generated && storage.IsAlreadyExists(err) && attempt < 8 {
			continue // a generated name collided: draw another
		}
		return out, err
	}
}

func (res *resource) serveUpdate(ctx context.Context, w http.ResponseWriter, r *http.Request, info requestInfo, status bool) {
	obj := res.kind.New()
	if st := res.decodeBody(w, r, obj, res.kind.Kind, res.kind.APIVersion()); st != nil {
		writeStatus(w, st)
		return
	}
	if st := res.checkIdentity(obj, info); st != nil {
		writeStatus(w, st)
		return
	}
	created := false
	out, err := res.update(ctx, info, isDryRun(r.URL.Query()), !status && res.kind.AllowCreateOnUpdate, func(cur api.Object) (api.Object, error) {
		if cur == nil {
			created = true
			if err := res.checkNamespace(ctx, info.Namespace, info.Name); res.kind.Namespaced && err != nil {
				return nil, err
			}
			newObj := deepCopy(obj)
			newObj.GetObjectMeta().ResourceVersion = ""
			prepareForCreate(res.kind, newObj, res.now())
			if causes := validateCreate(res.kind, newObj); len(causes) > 0 {
				return nil, invalid(res.kind, info.Name, causes)
			}
			return newObj, nil
		}
		created = false
		return res.applyUpdate(deepCopy(obj), cur, status)
	})
	if err != nil {
		writeStatus(w, res.errStatus(err, info.Name))
		return
	}
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	res.writeObject(w, r, code, out)
}

// checkIdentity fills an update body's name and namespace from the URL, or refuses a
// body that names another object (400).
func (res *resource) checkIdentity(obj api.Object, info requestInfo) *api.Status {
	m := obj.GetObjectMeta()
	if m.Name == "" {
		m.Name = info.Name
	} else if m.Name != info.Name {
		return api.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", m.Name, info.Name))
	}
	if res.kind.Namespaced {
		if m.Namespace == "" {
			m.Namespace = info.Namespace
		} else if m.Namespace != info.Namespace {
			return api.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
		}
	}
	return nil
}

// applyUpdate turns the client's new state of an object into what is stored: through
// the main resource, system fields and status are kept from cur; through the status
// subresource, only the status is taken. It validates the result.
func (res *resource) applyUpdate(newObj, cur api.Object, status bool) (api.Object, error) {
	var causes []api.StatusCause
	if m := newObj.GetObjectMeta(); m.ResourceVersion == "" {
		// An unconditional update: it applies to whatever is current.
		m.ResourceVersion = cur.GetObjectMeta().ResourceVersion
	}
	// The stored state gets the defaults too, so that a field defaulted since it was
	// stored is not taken for a change.
	res.kind.Default(cur)
	if status {
		newObj = statusUpdate(newObj, cur)
		causes = res.kind.ValidateStatusUpdate(newObj, cur)
	} else {
		prepareForUpdate(res.kind, newObj, cur)
		causes = validateUpdate(res.kind, newObj, cur)
	}
	if len(causes) > 0 {
		return nil, invalid(res.kind, cur.GetObjectMeta().Name, causes)
	}
	return newObj, nil
}

// update runs a read-modify-write of the object at info's key, then completes a
// deletion that the update unblocked (the last finalizer of an object being deleted
// removed). With dryRun nothing is written.
func (res *resource) update(ctx context.Context, info requestInfo, dryRun, createOnUpdate bool, fn storage.UpdateFunc) (api.Object, error) {
	key := res.key(info)
	if dryRun {
		cur, err := res.store.Get(ctx, key, storage.GetOptions{})
		if storage.IsNotFound(err) && createOnUpdate {
			return fn(nil)
		}
		if err != nil {
			return nil, err
		}
		return fn(cur)
	}
	out, err := res.store.GuaranteedUpdate(ctx, key, storage.UpdateOptions{IgnoreNotFound: createOnUpdate}, fn)
	if err != nil {
		return nil, err
	}
	m := out.GetObjectMeta()
	if m.DeletionTimestamp != nil && len(m.Finalizers) == 0 && !res.waitsForOwner(out) {
		rv := m.ResourceVersion
		if _, err := res.store.Delete(ctx, key, storage.DeleteOptions{Preconditions: &storage.Preconditions{ResourceVersion: &rv}}); err != nil && !storage.IsNotFound(err) && !storage.IsConflict(err) {
			return nil, err
		}
	}
	return out, nil
}

// waitsForOwner reports whether an object marked for deletion still waits for someone
// other than finalizers: one in its grace period (a pod) for its owner (the kubelet),
// one whose kind keeps finalizers of its own (a namespace's spec.finalizers) for their
// controller.
func (res *resource) waitsForOwner(obj api.Object) bool {
	m := obj.GetObjectMeta()
	if g := m.DeletionGracePeriodSeconds; g != nil && *g > 0 {
		return true
	}
	return res.kind.Finalizing(obj)
}

// patchFunc applies a request's patch to an object's JSON.
func patchFunc(contentType string, schema *patch.Schema) (func(orig, p []byte) ([]byte, error), *api.Status) {
	mediaType, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(mediaType) {
	case "application/json-patch+json":
		return patch.JSONPatch, nil
	case "application/merge-patch+json":
		return patch.MergePatch, nil
	case "application/strategic-merge-patch+json":
		return func(orig, p []byte) ([]byte, error) { return patch.StrategicMergePatch(orig, p, schema) }, nil
	}
	return nil, api.NewStatus(http.StatusUnsupportedMediaType, api.StatusReasonUnsupportedMediaType,
		fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got %q)", contentType))
}

func (res *resource) servePatch(ctx context.Context, w http.ResponseWriter, r *http.Request, info requestInfo, status bool) {
	apply, st := patchFunc(r.Header.Get("Content-Type"), res.schema)
	if st != nil {
		writeStatus(w, st)
		return
	}
	body, st := res.readBody(w, r)
	if st != nil {
		writeStatus(w, st)
		return
	}
	mode, st := fieldValidation(r.URL.Query())
	if st != nil {
		writeStatus(w, st)
		return
	}
	var warned bool
	out, err := res.update(ctx, info, isDryRun(r.URL.Query()), false, func(cur api.Object) (api.Object, error) {
		patched, err := patchObject(cur, body, apply)
		if err != nil {
			return nil, err
		}
		newObj := res.kind.New()
		unknown, err := decodeInto(patched, newObj)
		if err != nil {
			return nil, api.NewBadRequest(fmt.Sprintf("the patched object could not be decoded: %v", err))
		}
		if !warned {
			if st := unknownFields(w, mode, unknown); st != nil {
				return nil, st
			}
			warned = true
		}
		res.setTypeMeta(newObj)
		if st := res.checkIdentity(newObj, info); st != nil {
			return nil, st
		}
		return res.applyUpdate(newObj, cur, status)
	})
	if err != nil {
		writeStatus(w, res.errStatus(err, info.Name))
		return
	}
	res.writeObject(w, r, http.StatusOK, out)
}

// patchObject applies a patch to obj's JSON. A malformed patch is 400; one that does
// not apply is 422, as in Kubernetes.
func patchObject(obj api.Object, body []byte, apply func(orig, p []byte) ([]byte, error)) ([]byte, error) {
	orig, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	if !json.Valid(body) {
		data, err := toJSON(body)
		if err != nil || !json.Valid(data) {
			return nil, api.NewBadRequest("the patch is not valid JSON")
		}
		body = data
	}
	patched, err := apply(orig, body)
	switch {
	case err == nil:
		return patched, nil
	case errors.Is(err, patch.ErrInvalidPatch):
		return nil, api.NewBadRequest(err.Error())
	case errors.Is(err, patch.ErrTooManyOperations):
		return nil, api.NewStatus(http.StatusRequestEntityTooLarge, api.StatusReasonRequestEntityTooLarge, err.Error())
	case errors.Is(err, patch.ErrCannotApply):
		m := obj.GetObjectMeta()
		st := api.NewStatus(http.StatusUnprocessableEntity, api.StatusReasonInvalid, err.Error())
		st.Details = &api.StatusDetails{Name: m.Name, Causes: []api.StatusCause{{Type: "FieldValueInvalid", Message: err.Error(), Field: "patch"}}}
		return nil, st
	}
	return nil, api.NewInternalError(err)
}

// deleteOptions reads DeleteOptions from the body (if any) and the query.
func (res *resource) deleteOptions(w http.ResponseWriter, r *http.Request) (*api.DeleteOptions, *api.Status) {
	opts := &api.DeleteOptions{}
	body, st := res.readBody(w, r)
	if st != nil {
		return nil, st
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		data, err := res.s.requestJSON(r, body)
		if err == nil {
			err = json.Unmarshal(data, opts)
		}
		if err != nil {
			return nil, api.NewBadRequest(fmt.Sprintf("the delete options could not be decoded: %v", err))
		}
	}
	q := r.URL.Query()
	if v := q.Get("gracePeriodSeconds"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, api.NewBadRequest(fmt.Sprintf("gracePeriodSeconds: invalid value %q", v))
		}
		opts.GracePeriodSeconds = &n
	}
	if v := q.Get("propagationPolicy"); v != "" {
		p := api.DeletionPropagation(v)
		opts.PropagationPolicy = &p
	}
	if v := q.Get("orphanDependents"); v != "" {
		b := isTrue(v)
		opts.OrphanDependents = &b
	}
	if isDryRun(q) {
		opts.DryRun = []string{"All"}
	}
	if p := opts.PropagationPolicy; p != nil {
		switch *p {
		case api.DeletePropagationOrphan, api.DeletePropagationBackground, api.DeletePropagationForeground:
		default:
			return nil, invalidDeleteOptions(fmt.Sprintf("propagationPolicy: Unsupported value: %q: supported values: \"Foreground\", \"Background\", \"Orphan\"", *p))
		}
		if opts.OrphanDependents != nil {
			return nil, invalidDeleteOptions("propagationPolicy: Invalid value: \"" + string(*p) + "\": orphanDependents and deletionPropagation cannot be both set")
		}
	}
	if g := opts.GracePeriodSeconds; g != nil && *g < 0 {
		zero := int64(0)
		opts.GracePeriodSeconds = &zero
	}
	return opts, nil
}

func invalidDeleteOptions(msg string) *api.Status {
	return api.NewStatus(http.StatusUnprocessableEntity, api.StatusReasonInvalid, "DeleteOptions.meta.k8s.io \"\" is invalid: "+msg)
}

func (res *resource) serveDelete(ctx context.Context, w http.ResponseWriter, r *http.Request, info requestInfo) {
	opts, st := res.deleteOptions(w, r)
	if st != nil {
		writeStatus(w, st)
		return
	}
	out, now, err := res.delete(ctx, res.key(info), opts)
	if err != nil {
		writeStatus(w, res.errStatus(err, info.Name))
		return
	}
	if !now || res.kind.ReturnDeletedObject {
		// Still there (grace period, finalizers): answer with its current state; gone,
		// with its last one, for the kinds that answer so.
		res.writeObject(w, r, http.StatusOK, out)
		return
	}
	m := out.GetObjectMeta()
	writeJSON(w, http.StatusOK, api.NewSuccessStatus(&api.StatusDetails{Name: m.Name, Group: res.kind.Group, Kind: res.kind.Resource, UID: m.UID}))
}

// delete deletes the object at key, or marks it for deletion when something must
// happen first: a grace period (pods on a node), finalizers, dependents to delete in
// the foreground or orphan. It reports whether the object is gone.
func (res *resource) delete(ctx context.Context, key string, opts *api.DeleteOptions) (api.Object, bool, error) {
	var pre *storage.Preconditions
	if p := opts.Preconditions; p != nil {
		pre = &storage.Preconditions{UID: p.UID, ResourceVersion: p.ResourceVersion}
	}
	dryRun := slices.Contains(opts.DryRun, "All")
	cur, err := res.store.Get(ctx, key, storage.GetOptions{})
	if err != nil {
		return nil, false, err
	}
	var extra []string
	switch {
	case opts.PropagationPolicy != nil && *opts.PropagationPolicy == api.DeletePropagationOrphan,
		opts.OrphanDependents != nil && *opts.OrphanDependents:
		extra = []string{"orphan"}
	case opts.PropagationPolicy != nil && *opts.PropagationPolicy == api.DeletePropagationForeground:
		extra = []string{"foregroundDeletion"}
	}
	grace := res.kind.GracePeriod(cur, opts)
	pending := func(obj api.Object) bool {
		m := obj.GetObjectMeta()
		finalizers := len(m.Finalizers) > 0 || len(extra) > 0
		if res.kind.Finalizing(obj) {
			return true
		}
		if g := m.DeletionGracePeriodSeconds; m.DeletionTimestamp != nil && g != nil && *g > 0 && grace > 0 && !finalizers {
			return true // already in its grace period, and not asked to cut it to 0
		}
		return finalizers || grace > 0
	}
	if !pending(cur) {
		if dryRun {
			return cur, true, nil
		}
		out, err := res.store.Delete(ctx, key, storage.DeleteOptions{Preconditions: pre, Validate: func(now api.Object) error {
			if pending(now) {
				return errPending
			}
			return nil
		}})
		if !errors.Is(err, errPending) {
			return out, err == nil, err
		}
	}
	// Mark it: a deletionTimestamp (brought forward if the new grace period is
	// shorter), the grace period, and the finalizers the propagation policy needs.
	fn := func(obj api.Object) (api.Object, error) {
		if pre != nil {
			m := obj.GetObjectMeta()
			if pre.UID != nil && *pre.UID != m.UID {
				return nil, api.NewConflict(res.gr, m.Name, fmt.Sprintf("Precondition failed: UID in precondition: %v, UID in object meta: %v", *pre.UID, m.UID))
			}
			if pre.ResourceVersion != nil && *pre.ResourceVersion != m.ResourceVersion {
				return nil, api.NewConflict(res.gr, m.Name, fmt.Sprintf("Precondition failed: ResourceVersion in precondition: %v, ResourceVersion in object meta: %v", *pre.ResourceVersion, m.ResourceVersion))
			}
		}
		m := obj.GetObjectMeta()
		deadline := api.NewTime(res.now().Add(time.Duration(grace) * time.Second))
		if m.DeletionTimestamp == nil || deadline.Before(m.DeletionTimestamp.Time) {
			m.DeletionTimestamp = &deadline
			g := grace
			m.DeletionGracePeriodSeconds = &g
		}
		for _, f := range extra {
			if !slices.Contains(m.Finalizers, f) {
				m.Finalizers = append(m.Finalizers, f)
			}
		}
		res.kind.PrepareForDelete(obj)
		return obj, nil
	}
	if dryRun {
		out, err := fn(cur)
		return out, false, err
	}
	out, err := res.store.GuaranteedUpdate(ctx, key, storage.UpdateOptions{}, fn)
	return out, false, err
}

func (res *resource) serveDeleteCollection(ctx context.Context, w http.ResponseWriter, r *http.Request, info requestInfo) {
	opts, st := res.deleteOptions(w, r)
	if st != nil {
		writeStatus(w, st)
		return
	}
	listOpts, st := res.listOptions(r.URL.Query(), false)
	if st != nil {
		writeStatus(w, st)
		return
	}
	listOpts.Limit, listOpts.Continue = 0, ""
	list, err := res.store.List(ctx, storage.NamespacePrefix(info.Namespace), listOpts)
	if err != nil {
		writeStatus(w, res.errStatus(err, ""))
		return
	}
	for _, obj := range list.Items {
		m := obj.GetObjectMeta()
		if _, _, err := res.delete(ctx, storage.ObjectKey(m.Namespace, m.Name), opts); err != nil && !storage.IsNotFound(err) {
			writeStatus(w, res.errStatus(err, m.Name))
			return
		}
	}
	writeJSON(w, http.StatusOK, api.NewSuccessStatus(nil))
}

// listOptions parses the selectors and paging parameters of a list or watch.
func (res *resource) listOptions(q url.Values, watch bool) (storage.ListOptions, *api.Status) {
	var opts storage.ListOptions
	if s := q.Get("labelSelector"); s != "" {
		sel, err := labels.Parse(s)
		if err != nil {
			return opts, api.NewBadRequest(err.Error())
		}
		opts.Predicate.Label = sel
	}
	if s := q.Get("fieldSelector"); s != "" {
		sel, err := fields.Parse(s)
		if err != nil {
			return opts, api.NewBadRequest(err.Error())
		}
		for _, req := range sel.Requirements() {
			if !res.fields[req.Field] {
				return opts, api.NewBadRequest(fmt.Sprintf("field label not supported: %s", req.Field))
			}
		}
		opts.Predicate.Field = sel
	}
	opts.Predicate.Attrs = res.attrs
	opts.ResourceVersion = q.Get("resourceVersion")
	opts.ResourceVersionMatch = storage.ResourceVersionMatch(q.Get("resourceVersionMatch"))
	if v := q.Get("limit"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return opts, api.NewBadRequest(fmt.Sprintf("limit: invalid value %q", v))
		}
		opts.Limit = n
	}
	opts.Continue = q.Get("continue")
	switch opts.ResourceVersionMatch {
	case storage.MatchDefault, storage.MatchNotOlderThan:
	case storage.MatchExact:
		if opts.ResourceVersion == "" || opts.ResourceVersion == "0" {
			return opts, invalidListOptions(fmt.Sprintf("resourceVersionMatch: Forbidden: resourceVersionMatch \"Exact\" is forbidden for resourceVersion %q", opts.ResourceVersion))
		}
	default:
		return opts, invalidListOptions(fmt.Sprintf("resourceVersionMatch: Unsupported value: %q: supported values: \"Exact\", \"NotOlderThan\"", opts.ResourceVersionMatch))
	}
	// A watch with sendInitialEvents may leave resourceVersion unset (the latest state);
	// the watch checks its own combinations.
	if opts.ResourceVersionMatch != "" && opts.ResourceVersion == "" && !watch {
		return opts, invalidListOptions("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided")
	}
	if opts.Continue != "" && opts.ResourceVersionMatch != "" {
		return opts, invalidListOptions("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided")
	}
	// rv "0" means any state: Kubernetes serves it from its cache and ignores limit.
	if opts.ResourceVersion == "0" && opts.ResourceVersionMatch == "" {
		opts.Limit = 0
	}
	return opts, nil
}

func invalidListOptions(msg string) *api.Status {
	return api.NewStatus(http.StatusUnprocessableEntity, api.StatusReasonInvalid, "ListOptions.meta.k8s.io \"\" is invalid: "+msg)
}

func (res *resource) list(ctx context.Context, w http.ResponseWriter, r *http.Request, info requestInfo) {
	opts, st := res.listOptions(r.URL.Query(), false)
	if st != nil {
		writeStatus(w, st)
		return
	}
	result, err := res.store.List(ctx, storage.NamespacePrefix(info.Namespace), opts)
	if err != nil {
		writeStatus(w, res.errStatus(err, ""))
		return
	}
	setSource(w, result.FromCache)
	meta := api.ListMeta{
		ResourceVersion:    storage.FormatResourceVersion(result.ResourceVersion),
		Continue:           result.Continue,
		RemainingItemCount: result.RemainingItemCount,
	}
	rep, _, pb := res.accept(r)
	switch rep {
	case asTable:
		t, err := res.table(r, result.Items, true)
		if err != nil {
			writeStatus(w, api.NewInternalError(err))
			return
		}
		t.ListMeta = meta
		writeJSON(w, http.StatusOK, t)
		return
	case asPartialMetadata:
		l := api.PartialObjectMetadataList{ListMeta: meta, Items: []api.PartialObjectMetadata{}}
		l.Kind, l.APIVersion = "PartialObjectMetadataList", "meta.k8s.io/v1"
		for _, obj := range result.Items {
			l.Items = append(l.Items, *partialMetadata(obj))
		}
		writeJSON(w, http.StatusOK, l)
		return
	}
	if pb {
		data, err := res.encodeProtobufList(&meta, result.Items, result.Encoded)
		if err != nil {
			writeStatus(w, api.NewInternalError(err))
			return
		}
		writeBody(w, http.StatusOK, protobuf.MediaType, data)
		return
	}
	data, err := res.encodeList(meta, result.Items, result.Encoded)
	if err != nil {
		writeStatus(w, api.NewInternalError(err))
		return
	}
	writeRaw(w, http.StatusOK, data)
}

// encodeProtobufList writes a list of the resource's kind in Kubernetes' protobuf
// encoding, each item's message taken from its shared encoding when the watch cache
// has one (encoded[i]).
func (res *resource) encodeProtobufList(meta *api.ListMeta, items []api.Object, encoded []storage.Encoded) ([]byte, error) {
	msgs := make([][]byte, len(items))
	for i, obj := range items {
		if encoded != nil && encoded[i] != nil {
			data, err := encoded[i](storage.FormatProtobuf)
			if err != nil {
				return nil, err
			}
			if msgs[i], err = protobuf.Raw(data); err != nil {
				return nil, err
			}
			continue
		}
		var err error
		if msgs[i], err = protobuf.AppendMessage(nil, res.kind.Protobuf, obj); err != nil {
			return nil, err
		}
	}
	return protobuf.AppendList(nil, res.kind.APIVersion(), res.kind.ListKind, meta, msgs)
}

// encodeList writes a list of the resource's kind in one buffer, each item encoded
// once, straight into it, or copied from its shared encoding when the watch cache
// has one (encoded[i]).
func (res *resource) encodeList(meta api.ListMeta, items []api.Object, encoded []storage.Encoded) ([]byte, error) {
	var buf bytes.Buffer
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	buf.Grow(64 + len(metaJSON) + 2048*len(items))
	fmt.Fprintf(&buf, `{"kind":%q,"apiVersion":%q,"metadata":`, res.kind.ListKind, res.kind.APIVersion())
	buf.Write(metaJSON)
	buf.WriteString(`,"items":[`)
	enc := json.NewEncoder(&buf)
	for i, obj := range items {
		if i > 0 {
			buf.WriteByte(',')
		}
		if encoded != nil && encoded[i] != nil {
			data, err := encoded[i](storage.FormatJSON)
			if err != nil {
				return nil, err
			}
			buf.Write(data)
			continue
		}
		res.setTypeMeta(obj)
		if err := enc.Encode(obj); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // the Encoder's newline
	}
	buf.WriteString("]}")
	return buf.Bytes(), nil
}
