package client

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/protoschema"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
)

// statusFromResponse turns an error response into a Status: the body's own when it
// is one (in JSON, or in Kubernetes' protobuf by its contentType), else one derived
// from the HTTP code.
func statusFromResponse(code int, contentType string, body []byte) *api.Status {
	st := &api.Status{}
	var err error
	if protobuf.IsProtobuf(contentType) {
		err = protobuf.Unmarshal(body, protoschema.Status, st)
	} else {
		err = json.Unmarshal(body, st)
	}
	if err == nil && st.Kind == "Status" && st.Status == api.StatusFailure {
		if st.Code == 0 {
			st.Code = int32(code)
		}
		return st
	}
	reason := reasonForCode(code)
	msg := strings.TrimSpace(string(body))
	if msg == "" || len(msg) > 1024 {
		msg = "the server responded with the status code " + http.StatusText(code) + " but did not return more information"
	}
	st = api.NewStatus(int32(code), reason, msg)
	st.Details = &api.StatusDetails{Causes: []api.StatusCause{{Type: api.CauseTypeUnexpectedServerResponse, Message: msg}}}
	return st
}

func reasonForCode(code int) api.StatusReason {
	switch code {
	case http.StatusBadRequest:
		return api.StatusReasonBadRequest
	case http.StatusUnauthorized:
		return api.StatusReasonUnauthorized
	case http.StatusForbidden:
		return api.StatusReasonForbidden
	case http.StatusNotFound:
		return api.StatusReasonNotFound
	case http.StatusMethodNotAllowed:
		return api.StatusReasonMethodNotAllowed
	case http.StatusNotAcceptable:
		return api.StatusReasonNotAcceptable
	case http.StatusConflict:
		return api.StatusReasonConflict
	case http.StatusGone:
		return api.StatusReasonGone
	case http.StatusRequestEntityTooLarge:
		return api.StatusReasonRequestEntityTooLarge
	case http.StatusUnsupportedMediaType:
		return api.StatusReasonUnsupportedMediaType
	case http.StatusUnprocessableEntity:
		return api.StatusReasonInvalid
	case http.StatusTooManyRequests:
		return api.StatusReasonTooManyRequests
	case http.StatusServiceUnavailable:
		return api.StatusReasonServiceUnavailable
	case http.StatusGatewayTimeout:
		return api.StatusReasonTimeout
	}
	if code >= 500 {
		return api.StatusReasonInternalError
	}
	return api.StatusReasonUnknown
}

func hasReason(err error, reason api.StatusReason) bool { return api.ReasonOf(err) == reason }

// IsNotFound reports whether err says the object (or resource) does not exist.
func IsNotFound(err error) bool { return hasReason(err, api.StatusReasonNotFound) }

// IsAlreadyExists reports whether err says a create found the name taken.
func IsAlreadyExists(err error) bool { return hasReason(err, api.StatusReasonAlreadyExists) }

// IsConflict reports whether err says the write lost a race (stale resourceVersion,
// failed precondition, pod already bound).
func IsConflict(err error) bool { return hasReason(err, api.StatusReasonConflict) }

// IsInvalid reports whether err says the object failed validation; the causes are in
// the Status's Details.
func IsInvalid(err error) bool { return hasReason(err, api.StatusReasonInvalid) }

// IsExpired reports whether err says a resourceVersion or continue token is too old
// (410 Gone or Expired): the caller must start over from a fresh list.
func IsExpired(err error) bool {
	return hasReason(err, api.StatusReasonExpired) || hasReason(err, api.StatusReasonGone) || api.CodeOf(err) == http.StatusGone
}

// IsTooManyRequests reports whether err says the server is throttling the client.
func IsTooManyRequests(err error) bool {
	return hasReason(err, api.StatusReasonTooManyRequests) || api.CodeOf(err) == http.StatusTooManyRequests
}

// IsForbidden reports whether err says the user may not do this.
func IsForbidden(err error) bool { return hasReason(err, api.StatusReasonForbidden) }

// IsUnauthorized reports whether err says the request carried no valid credentials.
func IsUnauthorized(err error) bool { return hasReason(err, api.StatusReasonUnauthorized) }

// IsBadRequest reports whether err says the request itself was malformed.
func IsBadRequest(err error) bool { return hasReason(err, api.StatusReasonBadRequest) }

// IsTimeout reports whether err says the server gave up waiting (504 Timeout, or a
// server-side timeout).
func IsTimeout(err error) bool {
	return hasReason(err, api.StatusReasonTimeout) || hasReason(err, api.StatusReasonServerTimeout)
}

// IsTooLargeResourceVersion reports whether err says the requested resourceVersion is
// newer than anything the server has seen yet.
func IsTooLargeResourceVersion(err error) bool {
	var st *api.Status
	if !errors.As(err, &st) || st.Details == nil {
		return false
	}
	for _, c := range st.Details.Causes {
		if c.Type == api.CauseTypeResourceVersionTooLarge {
			return true
		}
	}
	return false
}

// IsServiceUnavailable reports whether err says the server cannot serve right now.
func IsServiceUnavailable(err error) bool {
	return hasReason(err, api.StatusReasonServiceUnavailable)
}
