package protobuf

import (
	"encoding/json"
	"testing"
)

// FuzzToJSON checks that ToJSON never panics and that whatever it accepts is valid
// JSON naming the envelope's kind.
func FuzzToJSON(f *testing.F) {
	seeds := [][]byte{
		nil,
		[]byte("k8s\x00"),
		body("v1", "Pod", newPB().msg(1, meta()).msg(2, podSpec()).msg(3, podStatus())),
		body("v1", "Node", newPB().msg(3, newPB().quantityEntry(1, "cpu", "4").msg(6, newPB().msg(1, newPB().int(1, 10250))))),
		body("v1", "Namespace", newPB().msg(1, newPB().str(1, "prod")).tag(5, wireStartGroup).int(1, 1).tag(5, wireEndGroup)),
		body("v1", "Event", newPB().timestamp(10, 1700000000, 123456789).msg(11, newPB().int(1, 3))),
		body("v1", "Binding", newPB().msg(2, newPB().str(1, "Node").str(3, "node-1"))),
		body("apps/v1", "ReplicaSet", newPB().msg(2, newPB().int(1, 3).msg(2, newPB().entry(1, "a", "b")))),
		body("autoscaling/v1", "Scale", newPB().msg(2, newPB().int(1, -1))),
		body("coordination.k8s.io/v1", "Lease", newPB().msg(2, newPB().timestamp(4, 1, 999))),
		body("v1", "DeleteOptions", newPB().int(1, 0).msg(2, newPB().str(1, "u"))),
		body("v1", "Status", newPB().msg(5, newPB().msg(4, newPB().str(3, "f")))),
		body("v1", "Namespace", newPB().raw(0x80)),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := testDecoder.ToJSON(data)
		if err != nil {
			return
		}
		var obj map[string]any
		if err := json.Unmarshal(out, &obj); err != nil {
			t.Fatalf("ToJSON gave invalid JSON %q: %v", out, err)
		}
		if kind, _ := obj["kind"].(string); kind == "" {
			t.Fatalf("ToJSON gave JSON without a kind: %s", out)
		}
	})
}
