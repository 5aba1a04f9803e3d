package protobuf

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/protoschema"
)

// MediaType is the media type of Kubernetes' protobuf encoding.
const MediaType = "application/vnd.kubernetes.protobuf"

// magic starts every body in Kubernetes' protobuf encoding: "k8s" and a zero byte.
var magic = [4]byte{'k', '8', 's', 0}

// ErrUnsupportedKind is wrapped by the errors of ToJSON for a body whose envelope names
// a kind and apiVersion this package has no schema for.
var ErrUnsupportedKind = errors.New("unsupported kind")

// IsProtobuf reports whether contentType, a Content-Type header value, is Kubernetes'
// protobuf media type; parameters are ignored.
func IsProtobuf(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType, _, _ = strings.Cut(contentType, ";")
		mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	}
	return mediaType == MediaType
}

// Decoder reads bodies in Kubernetes' protobuf encoding of the kinds of a registry
// that carry a protobuf message (api.Kind.Protobuf), and the apiserver's own bodies:
// Status and DeleteOptions (meta/v1) and Scale (autoscaling/v1). It holds no state of
// its own: kinds registered after it is made are read too. Safe for concurrent use.
type Decoder struct {
	reg *api.Registry
}

// NewDecoder returns a Decoder for the kinds of reg.
func NewDecoder(reg *api.Registry) *Decoder { return &Decoder{reg: reg} }

// Message returns the message of a kind the Decoder reads (a registered kind's, or
// one of the apiserver's own bodies: Status, DeleteOptions, Scale, Eviction), or nil.
func (d *Decoder) Message(apiVersion, kind string) *protoschema.Message {
	return d.schemaFor(apiVersion, kind)
}

// schemaFor returns the message of the kind an envelope names, or nil.
func (d *Decoder) schemaFor(apiVersion, kind string) *protoschema.Message {
	_, version, found := strings.Cut(apiVersion, "/")
	if !found {
		version = apiVersion
	}
	switch {
	case kind == "DeleteOptions" && version == "v1":
		// client-go encodes DeleteOptions in the group version of the client that
		// sends it ("v1", "apps/v1", ...); meta.k8s.io/v1 is its home.
		return protoschema.DeleteOptions
	case kind == "Status" && (apiVersion == "v1" || apiVersion == "meta.k8s.io/v1"):
		return protoschema.Status
	case kind == "Scale" && apiVersion == "autoscaling/v1":
		return protoschema.Scale
	case kind == "Eviction" && apiVersion == "policy/v1":
		return protoschema.Eviction
	}
	return d.reg.Protobuf(apiVersion, kind)
}

// envelope is the runtime.Unknown message that wraps every object.
type envelope struct {
	apiVersion, kind string
	raw              []byte
	contentEncoding  string
	contentType      string
}

// parseEnvelope checks the magic prefix and decodes the runtime.Unknown after it:
// typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3,
// contentType = 4.
func parseEnvelope(data []byte) (envelope, error) {
	var env envelope
	if len(data) < len(magic) || !bytes.Equal(data[:len(magic)], magic[:]) {
		return env, fmt.Errorf("provided data does not appear to be a protobuf message, expected prefix %q", magic[:])
	}
	r := reader{buf: data[len(magic):]}
	for !r.done() {
		num, wire, err := r.tag()
		if err != nil {
			return env, fmt.Errorf("envelope: %w", err)
		}
		if num > 4 {
			if err := r.skip(num, wire, 1); err != nil {
				return env, fmt.Errorf("envelope: %w", err)
			}
			continue
		}
		if wire != wireBytes {
			return env, fmt.Errorf("envelope: wrong wire type %d for field %d", wire, num)
		}
		b, err := r.bytes()
		if err != nil {
			return env, fmt.Errorf("envelope: %w", err)
		}
		switch num {
		case 1:
			if err := parseTypeMeta(b, &env); err != nil {
				return env, fmt.Errorf("envelope typeMeta: %w", err)
			}
		case 2:
			env.raw = b
		case 3:
			env.contentEncoding = string(b)
		case 4:
			env.contentType = string(b)
		}
	}
	return env, nil
}

func parseTypeMeta(data []byte, env *envelope) error {
	r := reader{buf: data}
	for !r.done() {
		num, wire, err := r.tag()
		if err != nil {
			return err
		}
		if num > 2 {
			if err := r.skip(num, wire, 2); err != nil {
				return err
			}
			continue
		}
		if wire != wireBytes {
			return fmt.Errorf("wrong wire type %d for field %d", wire, num)
		}
		b, err := r.bytes()
		if err != nil {
			return err
		}
		if num == 1 {
			env.apiVersion = string(b)
		} else {
			env.kind = string(b)
		}
	}
	return nil
}

// ToJSON converts a body in Kubernetes' protobuf encoding into the JSON of the same
// object, as a client would have sent it with Content-Type application/json: "kind" and
// "apiVersion" from the envelope, then the object's fields under their JSON names
// (compact, object keys sorted).
// Fields Orrery's api types do not model are dropped. It fails, and never panics, on
// malformed input, on an envelope naming a kind it has no schema for (wrapping
// ErrUnsupportedKind), and on a compressed or non-protobuf payload.
func (d *Decoder) ToJSON(data []byte) ([]byte, error) {
	env, err := parseEnvelope(data)
	if err != nil {
		return nil, err
	}
	if env.kind == "" {
		return nil, errors.New("object has no kind in its protobuf envelope")
	}
	if env.contentEncoding != "" {
		return nil, fmt.Errorf("unsupported content encoding %q", env.contentEncoding)
	}
	if env.contentType != "" && !IsProtobuf(env.contentType) {
		return nil, fmt.Errorf("unsupported content type %q of the raw object", env.contentType)
	}
	m := d.schemaFor(env.apiVersion, env.kind)
	if m == nil {
		return nil, fmt.Errorf("%w: no kind %q is registered for version %q", ErrUnsupportedKind, env.kind, env.apiVersion)
	}
	obj := make(map[string]any)
	if err := decodeMessage(env.raw, m, obj, 1); err != nil {
		return nil, fmt.Errorf("decode %s: %w", env.kind, err)
	}
	obj["kind"] = env.kind
	obj["apiVersion"] = env.apiVersion
	return appendJSON(make([]byte, 0, 2*len(data)), obj), nil
}
