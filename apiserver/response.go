package apiserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// statusError is an error that carries the Status to answer with.
func statusFor(err error, gr api.GroupResource, name string) *api.Status {
	var st *api.Status
	if errors.As(err, &st) {
		return st
	}
	var se *storage.Error
	if errors.As(err, &se) {
		switch se.Code {
		case storage.CodeNotFound:
			return api.NewNotFound(gr, name)
		case storage.CodeAlreadyExists:
			return api.NewAlreadyExists(gr, name)
		case storage.CodeConflict:
			return api.NewConflict(gr, name, se.Message)
		case storage.CodeExpired:
			return api.NewExpired(se.Message)
		case storage.CodeTooLargeResourceVersion:
			// Kubernetes answers 504 with a cause and asks the client to retry in a second.
			st := api.NewTimeout(fmt.Sprintf("Too large resource version: %d, current: %d", se.ResourceVersion, se.CurrentRevision), 1)
			st.Details.Causes = []api.StatusCause{{Type: "ResourceVersionTooLarge", Message: "Too large resource version"}}
			return st
		case storage.CodeBadRequest:
			return api.NewBadRequest(se.Message)
		case storage.CodeInvalid:
			return api.NewInternalError(err)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return api.NewTimeout("request did not complete within the allowed duration", 0)
	}
	return api.NewInternalError(err)
}

// invalid is the 422 Status for validation errors of an object.
func invalid(info api.KindInfo, name string, causes []api.StatusCause) *api.Status {
	return api.NewInvalid(info.Group, info.Kind, name, causes)
}

// writeStatus answers with a Status; its Code is the HTTP status.
func writeStatus(w http.ResponseWriter, st *api.Status) {
	st.Kind, st.APIVersion = "Status", "v1"
	if st.Status == "" {
		st.Status = api.StatusFailure
	}
	code := int(st.Code)
	if code == 0 {
		code = http.StatusInternalServerError
	}
	if st.Details != nil && st.Details.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(st.Details.RetryAfterSeconds)))
	}
	writeJSON(w, code, st)
}

// writeJSON answers with v as JSON; or, to a client that asked for protobuf (w is a
// protobufWriter), in Kubernetes' protobuf encoding when v's kind has a message.
func writeJSON(w http.ResponseWriter, code int, v any) {
	if pw, ok := w.(*protobufWriter); ok {
		if data, ok := pw.encode(v); ok {
			writeBody(w, code, protobuf.MediaType, data)
			return
		}
	}
	data, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		data, _ = json.Marshal(api.NewInternalError(err))
	}
	writeRaw(w, code, data)
}

func writeRaw(w http.ResponseWriter, code int, data []byte) {
	writeBody(w, code, "application/json", data)
}

func writeBody(w http.ResponseWriter, code int, contentType string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(code)
	w.Write(data)
}

// protobufWriter is the response of a request whose client prefers Kubernetes'
// protobuf encoding: objects, Status errors and Scales are written in it.
type protobufWriter struct {
	http.ResponseWriter
	dec *protobuf.Decoder
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (pw *protobufWriter) Unwrap() http.ResponseWriter { return pw.ResponseWriter }

// encode encodes v, an object whose kind and apiVersion are set, if its kind has a
// protobuf message.
func (pw *protobufWriter) encode(v any) ([]byte, bool) {
	o, ok := v.(interface{ GetTypeMeta() *api.TypeMeta })
	if !ok {
		return nil, false
	}
	tm := o.GetTypeMeta()
	m := pw.dec.Message(tm.APIVersion, tm.Kind)
	if m == nil {
		return nil, false
	}
	data, err := protobuf.Marshal(tm.APIVersion, tm.Kind, m, v)
	return data, err == nil
}
