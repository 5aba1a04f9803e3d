package e2e

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var widgetsReady = regexp.MustCompile(`^kubeconfig: (\S+)$`)

// TestEmbeddedWidgets runs examples/widgets, a program that embeds the apiserver and
// serves a Go type of its own, and drives it with the real kubectl: the kind is
// discovered, applied, validated against its OpenAPI schema, printed with its own
// columns, watched, and built by the program's controller.
func TestEmbeddedWidgets(t *testing.T) {
	kubectlPath(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "widgets")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/orrery-dev/orrery/examples/widgets").CombinedOutput(); err != nil {
		t.Fatalf("build examples/widgets: %v\n%s", err, out)
	}
	s := &apiserver{dataDir: filepath.Join(dir, "data"), log: &syncBuffer{}}
	s.cmd = exec.Command(bin, "--data-dir", s.dataDir)
	m, exited := launch(t, s.cmd, s.log, false, widgetsReady)
	s.exited, s.kubeconfig = exited, m[1]
	t.Cleanup(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.exited:
			if err != nil {
				t.Errorf("widgets did not exit cleanly on SIGTERM: %v\n%s", err, s.log)
			}
		case <-time.After(time.Minute):
			s.cmd.Process.Kill()
			t.Errorf("widgets still running a minute after SIGTERM")
		}
	})

	wantRow(t, s.kubectl(t, "api-resources", "--api-group", "example.orrery.dev"), "widgets", "wd", "example.orrery.dev/v1", "true", "Widget")
	manifest := "apiVersion: example.orrery.dev/v1\nkind: Widget\nmetadata:\n  name: sprocket\n  namespace: default\nspec:\n  size: 3\n  color: blue\n"
	if out := s.kubectlStdin(t, manifest, "apply", "-f", "-"); strings.TrimSpace(out) != "widget.example.orrery.dev/sprocket created" {
		t.Errorf("apply: got %q", out)
	}
	eventually(t, "the controller builds the widget", func() (bool, string) {
		out := s.kubectl(t, "get", "widgets")
		return strings.Contains(out, "Ready"), out
	})
	out := s.kubectl(t, "get", "widgets")
	wantRow(t, out, "NAME", "SIZE", "COLOR", "PHASE", "AGE")
	wantRow(t, out, "sprocket", "3", "blue", "Ready")
	if out := s.kubectlStdin(t, manifest, "apply", "-f", "-"); strings.TrimSpace(out) != "widget.example.orrery.dev/sprocket unchanged" {
		t.Errorf("apply again: got %q", out)
	}
	// A watch lists the widget, then sees it change and get built again.
	watch := s.kubectlWatch(t, "get", "widgets", "-w")
	eventually(t, "the watch lists the widget", func() (bool, string) {
		got := watch.String()
		return strings.Contains(got, "sprocket"), got
	})
	s.kubectl(t, "patch", "widget", "sprocket", "--type=merge", "-p", `{"spec":{"size":5}}`)
	eventually(t, "the watch shows the new size", func() (bool, string) {
		got := watch.String()
		for _, r := range rows(got) {
			if len(r) >= 4 && r[0] == "sprocket" && r[1] == "5" && r[3] == "Ready" {
				return true, got
			}
		}
		return false, got
	})
	// The kind's own validation, and kubectl's strict validation against its schema.
	if _, errOut, err := s.kubectlResult(t, strings.Replace(manifest, "size: 3", "size: 300", 1), "apply", "-f", "-"); err == nil ||
		!strings.Contains(errOut, "spec.size: Invalid value: 300: must be between 1 and 100") {
		t.Errorf("apply a bad size: err %v, stderr %q", err, errOut)
	}
	if _, errOut, err := s.kubectlResult(t, strings.Replace(manifest, "color:", "colour:", 1), "apply", "-f", "-"); err == nil ||
		!strings.Contains(errOut, `unknown field "spec.colour"`) {
		t.Errorf("apply an unknown field: err %v, stderr %q", err, errOut)
	}
}
