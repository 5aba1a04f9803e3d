package informer

import (
	"slices"
	"testing"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
)

func byNode(p *api.Pod) []string {
	if p.Spec.NodeName == "" {
		return nil
	}
	return []string{p.Spec.NodeName}
}

func onNode(ns, name, rv, node string) *api.Pod {
	p := pod(ns, name, rv)
	p.Spec.NodeName = node
	p.Labels = map[string]string{"app": name}
	return p
}

func namesOf(pods []*api.Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, p.Namespace+"/"+p.Name)
	}
	slices.Sort(out)
	return out
}

func TestStore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		do        func(s *Store[*api.Pod])
		wantKeys  []string
		wantNode1 []string
		wantNSb   []string
	}{
		{
			name: "add and index",
			do: func(s *Store[*api.Pod]) {
				s.Add(onNode("a", "x", "1", "n1"))
				s.Add(onNode("b", "y", "2", "n1"))
				s.Add(onNode("b", "z", "3", ""))
			},
			wantKeys: []string{"a/x", "b/y", "b/z"}, wantNode1: []string{"a/x", "b/y"}, wantNSb: []string{"b/y", "b/z"},
		},
		{
			name: "update moves the index entry",
			do: func(s *Store[*api.Pod]) {
				s.Add(onNode("a", "x", "1", "n1"))
				s.Add(onNode("a", "x", "2", "n2"))
			},
			wantKeys: []string{"a/x"},
		},
		{
			name: "delete removes the index entries",
			do: func(s *Store[*api.Pod]) {
				s.Add(onNode("b", "x", "1", "n1"))
				s.Delete("b/x")
				s.Delete("b/nope")
			},
		},
		{
			name: "replace starts over",
			do: func(s *Store[*api.Pod]) {
				s.Add(onNode("a", "x", "1", "n1"))
				s.Replace([]*api.Pod{onNode("b", "y", "5", "n1")})
			},
			wantKeys: []string{"b/y"}, wantNode1: []string{"b/y"}, wantNSb: []string{"b/y"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewStore(Indexers[*api.Pod]{"node": byNode})
			tt.do(s)
			if got := s.Keys(); !slices.Equal(got, tt.wantKeys) {
				t.Errorf("keys: got %v, want %v", got, tt.wantKeys)
			}
			got, err := s.ByIndex("node", "n1")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(namesOf(got), tt.wantNode1) {
				t.Errorf("node n1: got %v, want %v", namesOf(got), tt.wantNode1)
			}
			got, _ = s.ByIndex(NamespaceIndex, "b")
			if !slices.Equal(namesOf(got), tt.wantNSb) {
				t.Errorf("namespace b: got %v, want %v", namesOf(got), tt.wantNSb)
			}
		})
	}
	if _, err := NewStore[*api.Pod](nil).ByIndex("nope", "x"); err == nil {
		t.Error("ByIndex on a missing index: got nil error, want one")
	}
}

func TestLister(t *testing.T) {
	t.Parallel()
	s := NewStore(Indexers[*api.Pod]{"node": byNode})
	s.Add(onNode("a", "web", "1", "n1"))
	s.Add(onNode("b", "web", "2", "n1"))
	s.Add(onNode("b", "db", "3", "n2"))
	s.Add(&api.Pod{ObjectMeta: api.ObjectMeta{Name: "cluster"}})
	l := NewLister(s, api.GroupResource{Resource: "pods"})
	sel, _ := labels.Parse("app=web")
	tests := []struct {
		name string
		got  func() ([]*api.Pod, error)
		want []string
	}{
		{name: "all", got: func() ([]*api.Pod, error) { return l.List(nil), nil }, want: []string{"/cluster", "a/web", "b/db", "b/web"}},
		{name: "by selector", got: func() ([]*api.Pod, error) { return l.List(sel), nil }, want: []string{"a/web", "b/web"}},
		{name: "namespace", got: func() ([]*api.Pod, error) { return l.Namespace("b").List(nil), nil }, want: []string{"b/db", "b/web"}},
		{name: "namespace and selector", got: func() ([]*api.Pod, error) { return l.Namespace("b").List(sel), nil }, want: []string{"b/web"}},
		{name: "index", got: func() ([]*api.Pod, error) { return l.ByIndex("node", "n1") }, want: []string{"a/web", "b/web"}},
		{name: "index in namespace", got: func() ([]*api.Pod, error) { return l.Namespace("a").ByIndex("node", "n1") }, want: []string{"a/web"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.got()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(namesOf(got), tt.want) {
				t.Errorf("got %v, want %v", namesOf(got), tt.want)
			}
		})
	}
	if p, err := l.Namespace("b").Get("db"); err != nil || p.ResourceVersion != "3" {
		t.Errorf("Get b/db: got %v, %v; want rv 3", p, err)
	}
	if p, err := l.Get("cluster"); err != nil || p.Name != "cluster" {
		t.Errorf("Get cluster: got %v, %v", p, err)
	}
	_, err := l.Namespace("a").Get("db")
	if api.ReasonOf(err) != api.StatusReasonNotFound || err.Error() != `pods "db" not found` {
		t.Errorf("Get a/db: got %v, want NotFound `pods \"db\" not found`", err)
	}
}
