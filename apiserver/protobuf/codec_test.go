package protobuf

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
)

// richPod sets fields of every protobuf kind: strings, bools, int32 and int64 (a
// negative one), pointers, messages inlined and not, lists, maps of strings and of
// quantities, times and micro times, int-or-strings.
const richPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","namespace":"default","uid":"u-1",
 "resourceVersion":"42","generation":3,"creationTimestamp":"2026-11-01T12:00:00Z","labels":{"app":"web","tier":"front"},
 "annotations":{"a":""},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"rs-1","controller":true,"blockOwnerDeletion":false}],
 "finalizers":["example.com/keep"]},
 "spec":{"nodeName":"n1","restartPolicy":"Always","terminationGracePeriodSeconds":-1,"priority":0,
  "volumes":[{"name":"cfg","configMap":{"name":"cfg","defaultMode":420}}],
  "initContainers":[{"name":"setup","image":"busybox","command":["sh","-c","true"]}],
  "containers":[{"name":"app","image":"nginx","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
   "env":[{"name":"A","value":"1"},{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
   "resources":{"requests":{"cpu":"250m","memory":"64Mi"},"limits":{"cpu":"1"}},
   "readinessProbe":{"httpGet":{"path":"/healthz","port":"http"},"periodSeconds":5},
   "livenessProbe":{"tcpSocket":{"port":8080}}}],
  "tolerations":[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]},
 "status":{"phase":"Running","podIP":"10.0.0.1","podIPs":[{"ip":"10.0.0.1"}],"startTime":"2026-11-01T12:00:01Z","qosClass":"Burstable",
  "conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-11-01T12:00:02Z"}],
  "containerStatuses":[{"name":"app","ready":true,"restartCount":2,"image":"nginx","imageID":"sha256:1","containerID":"containerd://1","started":true,
   "state":{"running":{"startedAt":"2026-11-01T12:00:02Z"}},"lastState":{"terminated":{"exitCode":1,"reason":"Error","startedAt":"2026-11-01T11:00:00Z","finishedAt":"2026-11-01T11:59:00Z"}}}]}}`

var codecCases = []struct {
	apiVersion, kind, doc string
}{
	{"v1", "Pod", richPod},
	{"v1", "Node", "file:../../api/testdata/node.json"},
	{"v1", "Namespace", "file:../../api/testdata/namespace.json"},
	{"v1", "Event", "file:../../api/testdata/event.json"},
	{"coordination.k8s.io/v1", "Lease", "file:../../api/testdata/lease.json"},
	{"apps/v1", "ReplicaSet", `{"metadata":{"name":"web","namespace":"default"},"spec":{"replicas":3,"minReadySeconds":0,
	 "selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["front","back"]}]},
	 "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}},
	 "status":{"replicas":3,"readyReplicas":2,"observedGeneration":1}}`},
	{"apps/v1", "Deployment", `{"metadata":{"name":"web","namespace":"default"},"spec":{"replicas":3,
	 "selector":{"matchLabels":{"app":"web"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":0}},
	 "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}},
	 "status":{"replicas":3,"conditions":[{"type":"Available","status":"True","lastUpdateTime":"2026-11-01T12:00:00Z","lastTransitionTime":"2026-11-01T12:00:00Z","reason":"MinimumReplicasAvailable","message":"ok"}]}}`},
	{"policy/v1", "PodDisruptionBudget", `{"metadata":{"name":"web","namespace":"default"},"spec":{"minAvailable":"50%","selector":{"matchLabels":{"app":"web"}}},
	 "status":{"currentHealthy":3,"desiredHealthy":2,"expectedPods":3,"disruptionsAllowed":1,"disruptedPods":{"web-0":"2026-11-01T12:00:00Z"}}}`},
}

// codecObject decodes a case's JSON into a new object of its kind.
func codecObject(t testing.TB, apiVersion, kind, doc string) (api.Object, api.KindInfo) {
	t.Helper()
	info, ok := builtin.Registry().ByKind(apiVersion, kind)
	if !ok {
		t.Fatalf("no kind %s %s", apiVersion, kind)
	}
	data := []byte(doc)
	if name, ok := bytes.CutPrefix(data, []byte("file:")); ok {
		var err error
		if data, err = os.ReadFile(string(name)); err != nil {
			t.Fatal(err)
		}
	}
	obj := info.New()
	if err := json.Unmarshal(data, obj); err != nil {
		t.Fatal(err)
	}
	tm := obj.GetTypeMeta()
	tm.APIVersion, tm.Kind = apiVersion, kind
	return obj, info
}

// TestMarshalRoundTrip encodes objects of every built-in kind and decodes them both
// ways: into the Go type (Unmarshal) and into JSON (the request-body path, ToJSON).
// Both must give back what the JSON encoding of the object says.
func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tt := range codecCases {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			obj, info := codecObject(t, tt.apiVersion, tt.kind, tt.doc)
			want, err := json.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			data, err := Marshal(tt.apiVersion, tt.kind, info.Protobuf, obj)
			if err != nil {
				t.Fatal(err)
			}
			viaJSON, err := testDecoder.ToJSON(data)
			if err != nil {
				t.Fatalf("ToJSON: %v", err)
			}
			jsonEqual(t, viaJSON, string(want))
			back := info.New()
			if err := Unmarshal(data, info.Protobuf, back); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			got, _ := json.Marshal(back)
			jsonEqual(t, got, string(want))
			// The message alone, as list items carry it.
			raw, err := Raw(data)
			if err != nil {
				t.Fatal(err)
			}
			msg, err := AppendMessage(nil, info.Protobuf, obj)
			if err != nil || !bytes.Equal(raw, msg) {
				t.Errorf("AppendMessage differs from the envelope's message (%v)", err)
			}
		})
	}
}

// TestListAndWatchFrames builds a list and a watch frame and reads them back.
func TestListAndWatchFrames(t *testing.T) {
	t.Parallel()
	pod, info := codecObject(t, "v1", "Pod", richPod)
	msg, err := AppendMessage(nil, info.Protobuf, pod)
	if err != nil {
		t.Fatal(err)
	}
	meta := api.ListMeta{ResourceVersion: "77", Continue: "c"}
	list, err := AppendList(nil, "v1", "PodList", &meta, [][]byte{msg, msg})
	if err != nil {
		t.Fatal(err)
	}
	apiVersion, kind, raw, err := Envelope(list)
	if err != nil || apiVersion != "v1" || kind != "PodList" {
		t.Fatalf("list envelope: %q %q %v", apiVersion, kind, err)
	}
	n := 0
	gotMeta, err := ListItems(raw, func(item []byte) error {
		n++
		p := &api.Pod{}
		if err := UnmarshalMessage(item, info.Protobuf, p); err != nil {
			return err
		}
		if p.Name != "web-0" || p.Spec.Containers[0].Resources.Requests["cpu"].String() != "250m" {
			t.Errorf("item %d: %+v", n, p.ObjectMeta)
		}
		return nil
	})
	if err != nil || n != 2 || gotMeta.ResourceVersion != "77" || gotMeta.Continue != "c" {
		t.Fatalf("list: %d items, meta %+v, %v", n, gotMeta, err)
	}
	body, err := Marshal("v1", "Pod", info.Protobuf, pod)
	if err != nil {
		t.Fatal(err)
	}
	frame := append(AppendWatchFrameHeader(nil, "MODIFIED", len(body)), body...)
	if size := int(frame[0])<<24 | int(frame[1])<<16 | int(frame[2])<<8 | int(frame[3]); size != len(frame)-4 {
		t.Fatalf("frame length %d, want %d", size, len(frame)-4)
	}
	typ, obj, err := WatchEvent(frame[4:])
	if err != nil || typ != "MODIFIED" || !bytes.Equal(obj, body) {
		t.Fatalf("watch event: %q, %d bytes of %d, %v", typ, len(obj), len(body), err)
	}
}

// FuzzMarshal decodes arbitrary bodies as pods; whatever decodes must encode and
// decode again to the same object, and read the same through the JSON path.
func FuzzMarshal(f *testing.F) {
	pod, info := codecObject(f, "v1", "Pod", richPod)
	seed, err := Marshal("v1", "Pod", info.Protobuf, pod)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(body("v1", "Pod", newPB().msg(1, meta()).msg(2, podSpec()).msg(3, podStatus())))
	f.Fuzz(func(t *testing.T, data []byte) {
		first := &api.Pod{}
		if err := Unmarshal(data, info.Protobuf, first); err != nil {
			return
		}
		first.APIVersion, first.Kind = "v1", "Pod" // what the envelope of Marshal says
		want, err := json.Marshal(first)
		if err != nil {
			return // a value JSON cannot carry (an int-or-string of a bad type)
		}
		again, err := Marshal("v1", "Pod", info.Protobuf, first)
		if err != nil {
			t.Fatalf("Marshal of a decoded pod: %v", err)
		}
		second := &api.Pod{}
		if err := Unmarshal(again, info.Protobuf, second); err != nil {
			t.Fatalf("Unmarshal of Marshal's output: %v", err)
		}
		got, _ := json.Marshal(second)
		if !bytes.Equal(got, want) {
			t.Fatalf("round trip changed the pod:\n got %s\nwant %s", got, want)
		}
		viaJSON, err := testDecoder.ToJSON(again)
		if err != nil {
			t.Fatalf("ToJSON of Marshal's output: %v", err)
		}
		third := &api.Pod{}
		if err := json.Unmarshal(viaJSON, third); err != nil {
			t.Fatalf("ToJSON gave what the pod's JSON decoding refuses: %v\n%s", err, viaJSON)
		}
		got, _ = json.Marshal(third)
		jsonEqual(t, got, string(want))
	})
}

// TestMarshalSizesItsBuffer: Marshal writes the envelope and the message in one buffer
// sized by the last message of the type; whatever the order of small and large
// objects, the result is the envelope around AppendMessage's bytes, with little slack.
func TestMarshalSizesItsBuffer(t *testing.T) {
	t.Parallel()
	large, info := codecObject(t, "v1", "Pod", richPod)
	small, _ := codecObject(t, "v1", "Pod", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"}}`)
	huge, _ := codecObject(t, "v1", "Pod", richPod)
	huge.(*api.Pod).Annotations = map[string]string{"big": strings.Repeat("x", 20000)}
	for i, obj := range []api.Object{small, large, small, huge, small, small, huge, large} {
		got, err := Marshal("v1", "Pod", info.Protobuf, obj)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := AppendMessage(nil, info.Protobuf, obj)
		if err != nil {
			t.Fatal(err)
		}
		if want := AppendEnvelope(nil, "v1", "Pod", msg); !bytes.Equal(got, want) {
			t.Fatalf("object %d: Marshal differs from the envelope around AppendMessage", i)
		}
		if cap(got) > len(got)+len(got)/4 {
			t.Errorf("object %d: %d bytes in a buffer of %d", i, len(got), cap(got))
		}
	}
}
