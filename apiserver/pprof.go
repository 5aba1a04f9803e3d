package apiserver

import (
	"fmt"
	"net/http"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orrery-dev/orrery/api"
)

// servePprof serves the process's profiles to members of system:masters, under
// /debug/pprof/ as Go's net/http/pprof lays them out: profile (CPU, ?seconds=N,
// default 30), and every runtime profile by name (heap, allocs, goroutine, block,
// mutex, threadcreate; ?debug=N for text). Written with runtime/pprof, so nothing is
// registered on a global mux.
func (s *Server) servePprof(w http.ResponseWriter, r *http.Request, path string) {
	u := userFrom(r.Context())
	if u == nil || !slices.Contains(u.Groups, GroupMasters) {
		name := "system:anonymous"
		if u != nil {
			name = u.Name
		}
		writeStatus(w, api.NewStatus(http.StatusForbidden, api.StatusReasonForbidden,
			fmt.Sprintf("forbidden: User %q cannot get path %q", name, r.URL.Path)))
		return
	}
	name := strings.TrimPrefix(strings.TrimPrefix(path, "/debug/pprof"), "/")
	q := r.URL.Query()
	switch name {
	case "":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "profile")
		for _, p := range pprof.Profiles() {
			fmt.Fprintf(w, "%s (%d)\n", p.Name(), p.Count())
		}
	case "profile":
		secs, err := strconv.Atoi(q.Get("seconds"))
		if err != nil || secs <= 0 {
			secs = 30
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="profile"`)
		if err := pprof.StartCPUProfile(w); err != nil {
			writeStatus(w, api.NewInternalError(fmt.Errorf("could not enable CPU profiling: %w", err)))
			return
		}
		t := time.NewTimer(time.Duration(secs) * time.Second)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
		pprof.StopCPUProfile()
	default:
		p := pprof.Lookup(name)
		if p == nil {
			writeNotFound(w, r)
			return
		}
		debug, _ := strconv.Atoi(q.Get("debug"))
		if debug > 0 {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/octet-stream")
		}
		if name == "heap" && q.Get("gc") != "" {
			// As net/http/pprof: ?gc=1 collects first, for the live heap.
			runtime.GC()
		}
		p.WriteTo(w, debug)
	}
}
