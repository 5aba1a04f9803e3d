package apiserver

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
)

// publicPaths answer without authentication, as Kubernetes' public-info-viewer role.
var publicPaths = map[string]bool{"/healthz": true, "/livez": true, "/readyz": true, "/version": true}

// recorder remembers the status code written, for metrics and logs, and where a list
// was served from.
type recorder struct {
	http.ResponseWriter
	code   int
	source string // "cache" or "etcd" for lists; "" otherwise
}

// setSource records whether the watch cache served a list, for the source label of
// apiserver_request_total.
func setSource(w http.ResponseWriter, fromCache bool) {
	if rec, ok := w.(*recorder); ok {
		rec.source = "etcd"
		if fromCache {
			rec.source = "cache"
		}
	}
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush on the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// ServeHTTP is the request pipeline: authentication, in-flight limits, authorization,
// routing; every request is counted in metrics and failed ones are logged.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w}
	info := parseRequestInfo(r)
	metricVerb, metricResource := info.Verb, info.Resource
	if info.Subresource != "" {
		metricResource += "/" + info.Subresource
	}
	if !info.IsResource {
		metricVerb, metricResource = strings.ToLower(r.Method), ""
	}
	var user *User
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.logger.Error("panic serving request", zap.Any("panic", p), zap.String("path", r.URL.Path), zap.Stack("stack"))
			if rec.code == 0 {
				writeStatus(rec, api.NewInternalError(fmt.Errorf("panic: %v", p)))
			}
		}
		code := rec.code
		if code == 0 {
			code = http.StatusOK
		}
		elapsed := time.Since(start)
		s.metrics.requests.WithLabelValues(metricVerb, metricResource, strconv.Itoa(code), rec.source).Inc()
		if info.Verb != "watch" {
			s.metrics.requestDuration.WithLabelValues(metricVerb, metricResource).Observe(elapsed.Seconds())
		}
		if code >= 400 {
			name := ""
			if user != nil {
				name = user.Name
			}
			s.logger.Info("request failed", zap.String("user", name), zap.String("verb", metricVerb),
				zap.String("path", r.URL.RequestURI()), zap.Int("code", code), zap.Duration("latency", elapsed))
		}
	}()

	if !publicPaths[r.URL.Path] {
		user = s.authenticate(r)
		if user == nil {
			writeStatus(rec, api.NewStatus(http.StatusUnauthorized, api.StatusReasonUnauthorized, "Unauthorized"))
			return
		}
		r = r.WithContext(withUser(r.Context(), user))
	}

	release, st := s.admit(info)
	if st != nil {
		writeStatus(rec, st)
		return
	}
	defer release()

	if user != nil && !authorize(user, info.Verb) {
		writeStatus(rec, forbidden(user, info))
		return
	}
	if info.IsResource {
		s.serveResource(rec, r, info)
		return
	}
	s.serveNonResource(rec, r)
}

func (s *Server) authenticate(r *http.Request) *User {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return nil
	}
	return s.authn.authenticate(strings.TrimSpace(token))
}

// admit applies the in-flight limits: reads and writes each have a pool of slots, and
// watches a count of their own. A full pool is 429 with Retry-After.
func (s *Server) admit(info requestInfo) (release func(), st *api.Status) {
	if info.Verb == "watch" {
		if s.watches.Add(1) > int64(s.cfg.MaxWatches) {
			s.watches.Add(-1)
			return nil, api.NewTooManyRequests("Too many requests, please try again later.", 1)
		}
		return func() { s.watches.Add(-1) }, nil
	}
	slots, kind := s.readSlots, "readOnly"
	if !isReadOnly(info.Verb) {
		slots, kind = s.writeSlots, "mutating"
	}
	select {
	case slots <- struct{}{}:
	default:
		return nil, api.NewTooManyRequests("Too many requests, please try again later.", 1)
	}
	gauge := s.metrics.inflight.WithLabelValues(kind)
	gauge.Inc()
	return func() {
		gauge.Dec()
		<-slots
	}, nil
}

// forbidden is Kubernetes' 403 for an authorization failure.
func forbidden(u *User, info requestInfo) *api.Status {
	if !info.IsResource {
		return api.NewStatus(http.StatusForbidden, api.StatusReasonForbidden,
			fmt.Sprintf("forbidden: User %q cannot %s path %q", u.Name, info.Verb, info.Path))
	}
	resource := info.Resource
	if info.Subresource != "" {
		resource += "/" + info.Subresource
	}
	where := "at the cluster scope"
	if info.Namespace != "" {
		where = fmt.Sprintf("in the namespace %q", info.Namespace)
	}
	gr := api.GroupResource{Group: info.Group, Resource: info.Resource}
	st := api.NewForbidden(gr, info.Name, fmt.Sprintf("User %q cannot %s resource %q in API group %q %s",
		u.Name, info.Verb, resource, info.Group, where))
	if info.Name == "" {
		st.Message = fmt.Sprintf("%s is forbidden: User %q cannot %s resource %q in API group %q %s",
			gr, u.Name, info.Verb, resource, info.Group, where)
	}
	return st
}
