package e2e

import (
	"bufio"
	"context"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

const podManifest = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:1.25
    ports:
    - containerPort: 80
    resources:
      requests:
        cpu: 100m
        memory: 64Mi
`

// volumePodManifest uses the pod fields an everyday manifest has beyond the basics:
// volumes of several sources, mounts, probes and security contexts.
const volumePodManifest = `apiVersion: v1
kind: Pod
metadata:
  name: vol
  labels:
    app: vol
spec:
  securityContext:
    runAsUser: 1000
    runAsNonRoot: true
    fsGroup: 2000
    seccompProfile:
      type: RuntimeDefault
  imagePullSecrets:
  - name: registry
  volumes:
  - name: cache
    emptyDir:
      sizeLimit: 64Mi
  - name: config
    configMap:
      name: web-config
  - name: tls
    secret:
      secretName: web-tls
  - name: logs
    hostPath:
      path: /var/log
  containers:
  - name: nginx
    image: nginx:1.25
    ports:
    - name: http
      containerPort: 80
    volumeMounts:
    - name: cache
      mountPath: /cache
    - name: config
      mountPath: /etc/nginx/conf.d
      readOnly: true
    - name: tls
      mountPath: /etc/tls
      readOnly: true
    - name: logs
      mountPath: /var/log/host
    envFrom:
    - configMapRef:
        name: web-config
    readinessProbe:
      httpGet:
        path: /ready
        port: 80
    livenessProbe:
      tcpSocket:
        port: http
      initialDelaySeconds: 5
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities:
        drop:
        - ALL
`

const replicaSetManifest = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
  labels:
    tier: frontend
spec:
  replicas: 2
  selector:
    matchLabels:
      app: fe
  template:
    metadata:
      labels:
        app: fe
    spec:
      volumes:
      - name: sessions
        emptyDir: {}
      containers:
      - name: php
        image: php:8
        volumeMounts:
        - name: sessions
          mountPath: /var/lib/php/sessions
        readinessProbe:
          tcpSocket:
            port: 9000
`

const nodeManifest = `apiVersion: v1
kind: Node
metadata:
  name: node-1
  labels:
    node-role.kubernetes.io/worker: ""
status:
  nodeInfo:
    kubeletVersion: v1.32.0
  conditions:
  - type: Ready
    status: "True"
`

// fields splits each output line into whitespace-separated columns.
func rows(out string) [][]string {
	var rs [][]string
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			rs = append(rs, strings.Fields(line))
		}
	}
	return rs
}

func wantRow(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, r := range rows(out) {
		if len(r) >= len(want) && slicesEqual(r[:len(want)], want) {
			return
		}
	}
	t.Errorf("no row starting with %q in:\n%s", want, out)
}

func slicesEqual(a, b []string) bool {
	for i := range a {
		if b[i] != "*" && a[i] != b[i] {
			return false
		}
	}
	return true
}

func wantContains(t *testing.T, out string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

// TestKubectl drives the real kubectl through a user's everyday commands against an
// `orrery apiserver` process, asserting what kubectl prints.
func TestKubectl(t *testing.T) {
	kubectlPath(t)
	s := startAPIServer(t)

	t.Run("raw readyz", func(t *testing.T) {
		if out := s.kubectl(t, "get", "--raw", "/readyz"); out != "ok" {
			t.Errorf("get --raw /readyz: got %q, want ok", out)
		}
	})

	t.Run("api-resources", func(t *testing.T) {
		out := s.kubectl(t, "api-resources")
		wantRow(t, out, "NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND")
		wantRow(t, out, "pods", "po", "v1", "true", "Pod")
		wantRow(t, out, "nodes", "no", "v1", "false", "Node")
		wantRow(t, out, "namespaces", "ns", "v1", "false", "Namespace")
		wantRow(t, out, "events", "ev", "v1", "true", "Event")
		wantRow(t, out, "replicasets", "rs", "apps/v1", "true", "ReplicaSet")
		wantRow(t, out, "leases", "coordination.k8s.io/v1", "true", "Lease")
		wantRow(t, out, "deployments", "deploy", "apps/v1", "true", "Deployment")
	})

	t.Run("namespaces", func(t *testing.T) {
		out := s.kubectl(t, "get", "namespaces")
		for _, ns := range []string{"default", "kube-system", "kube-node-lease"} {
			wantRow(t, out, ns, "Active")
		}
	})

	t.Run("empty pods", func(t *testing.T) {
		_, errOut, err := s.kubectlResult(t, "", "get", "pods", "-A")
		if err != nil || !strings.Contains(errOut, "No resources found") {
			t.Errorf("get pods -A on an empty cluster: err %v, stderr %q", err, errOut)
		}
	})

	// A watch that runs while the pod is created, labelled, annotated and deleted.
	watchCtx, stopWatch := context.WithCancel(t.Context())
	defer stopWatch()
	watchLines := make(chan string, 100)
	watch := exec.CommandContext(watchCtx, kubectlPath(t), "--kubeconfig", s.kubeconfig, "get", "pods", "-w", "--output-watch-events")
	watch.Env = append(watch.Environ(), "KUBECONFIG=", "HOME="+t.TempDir())
	stdout, err := watch.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := watch.Start(); err != nil {
		t.Fatalf("start kubectl get pods -w: %v", err)
	}
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			watchLines <- sc.Text()
		}
		io.Copy(io.Discard, stdout)
	}()
	defer func() {
		stopWatch()
		<-watchDone
		watch.Wait()
	}()

	t.Run("create -f", func(t *testing.T) {
		out := s.kubectlStdin(t, podManifest, "create", "-f", "-")
		if strings.TrimSpace(out) != "pod/web created" {
			t.Errorf("create: got %q, want pod/web created", out)
		}
		_, errOut, err := s.kubectlResult(t, podManifest, "create", "-f", "-")
		if err == nil || !strings.Contains(errOut, `pods "web" already exists`) {
			t.Errorf("second create: err %v, stderr %q; want AlreadyExists", err, errOut)
		}
	})

	t.Run("get pods", func(t *testing.T) {
		out := s.kubectl(t, "get", "pods")
		wantRow(t, out, "NAME", "READY", "STATUS", "RESTARTS", "AGE")
		wantRow(t, out, "web", "0/1", "Pending", "0")
		out = s.kubectl(t, "get", "pods", "-A")
		wantRow(t, out, "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE")
		wantRow(t, out, "default", "web", "0/1", "Pending", "0")
		out = s.kubectl(t, "get", "pods", "-o", "wide")
		wantRow(t, out, "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES")
		wantRow(t, out, "web", "0/1", "Pending", "0", "*", "<none>", "<none>", "<none>", "<none>")
	})

	t.Run("get -o yaml", func(t *testing.T) {
		out := s.kubectl(t, "get", "pod", "web", "-o", "yaml")
		wantContains(t, out, "apiVersion: v1", "kind: Pod", "name: web", "namespace: default",
			"image: nginx:1.25", "containerPort: 80", "protocol: TCP", "cpu: 100m", "memory: 64Mi",
			"restartPolicy: Always", "schedulerName: default-scheduler", "terminationGracePeriodSeconds: 30",
			"phase: Pending", "uid: ", "resourceVersion: ", "creationTimestamp: ")
	})

	t.Run("label and annotate", func(t *testing.T) {
		if out := s.kubectl(t, "label", "pod", "web", "tier=frontend"); strings.TrimSpace(out) != "pod/web labeled" {
			t.Errorf("label: got %q", out)
		}
		if out := s.kubectl(t, "annotate", "pod", "web", "owner=team-a"); strings.TrimSpace(out) != "pod/web annotated" {
			t.Errorf("annotate: got %q", out)
		}
		out := s.kubectl(t, "get", "pods", "-l", "tier=frontend", "--show-labels")
		wantRow(t, out, "web", "0/1", "Pending", "0", "*", "app=web,tier=frontend")
		if out := s.kubectl(t, "get", "pods", "-l", "tier=backend", "-o", "name"); strings.TrimSpace(out) != "" {
			t.Errorf("selector tier=backend: got %q, want nothing", out)
		}
		if out := s.kubectl(t, "get", "pod", "web", "-o", "jsonpath={.metadata.annotations.owner}"); out != "team-a" {
			t.Errorf("annotation: got %q, want team-a", out)
		}
	})

	t.Run("describe", func(t *testing.T) {
		out := s.kubectl(t, "describe", "pod", "web")
		wantContains(t, out, "Name:", "web", "Namespace:", "default", "Status:", "Pending",
			"Labels:", "app=web", "tier=frontend", "Annotations:", "owner: team-a",
			"Containers:", "nginx:", "Image:", "nginx:1.25", "Port:", "80/TCP", "QoS Class:", "Burstable")
	})

	t.Run("apply", func(t *testing.T) {
		manifest := strings.Replace(strings.Replace(podManifest, "name: web", "name: api", 1), "app: web", "app: api", 1)
		if out := s.kubectlStdin(t, manifest, "apply", "-f", "-"); strings.TrimSpace(out) != "pod/api created" {
			t.Errorf("apply (create): got %q", out)
		}
		changed := strings.Replace(strings.Replace(manifest, "app: api", "app: api-v2", 1), "nginx:1.25", "nginx:1.27", 1)
		if out := s.kubectlStdin(t, changed, "apply", "-f", "-"); strings.TrimSpace(out) != "pod/api configured" {
			t.Errorf("apply (change): got %q", out)
		}
		if out := s.kubectl(t, "get", "pod", "api", "-o", "jsonpath={.metadata.labels.app} {.spec.containers[0].image}"); out != "api-v2 nginx:1.27" {
			t.Errorf("after apply: got %q, want %q", out, "api-v2 nginx:1.27")
		}
		if out := s.kubectlStdin(t, changed, "apply", "-f", "-"); strings.TrimSpace(out) != "pod/api unchanged" {
			t.Errorf("apply (same): got %q", out)
		}
	})

	t.Run("apply with volumes, probes and security contexts", func(t *testing.T) {
		out, errOut, err := s.kubectlResult(t, volumePodManifest, "apply", "-f", "-")
		if err != nil || strings.TrimSpace(out) != "pod/vol created" || errOut != "" {
			t.Fatalf("apply: err %v, stdout %q, stderr %q; want pod/vol created and no warning", err, out, errOut)
		}
		yaml := s.kubectl(t, "get", "pod", "vol", "-o", "yaml")
		wantContains(t, yaml,
			"volumes:", "name: cache", "emptyDir:", "sizeLimit: 64Mi",
			"configMap:", "name: web-config", "defaultMode: 420",
			"secret:", "secretName: web-tls",
			"hostPath:", "path: /var/log", `type: ""`,
			"volumeMounts:", "mountPath: /cache", "mountPath: /etc/nginx/conf.d", "readOnly: true",
			"envFrom:", "configMapRef:",
			"readinessProbe:", "httpGet:", "path: /ready", "port: 80", "scheme: HTTP",
			"periodSeconds: 10", "timeoutSeconds: 1", "successThreshold: 1", "failureThreshold: 3",
			"livenessProbe:", "tcpSocket:", "port: http", "initialDelaySeconds: 5",
			"securityContext:", "runAsUser: 1000", "runAsNonRoot: true", "fsGroup: 2000", "type: RuntimeDefault",
			"allowPrivilegeEscalation: false", "readOnlyRootFilesystem: true", "- ALL",
			"imagePullSecrets:", "name: registry")
		if got := s.kubectl(t, "get", "pod", "vol", "-o", "jsonpath={.spec.containers[0].readinessProbe.httpGet.port} {.spec.containers[0].livenessProbe.tcpSocket.port}"); got != "80 http" {
			t.Errorf("probe ports: got %q, want %q", got, "80 http")
		}
		out, errOut, err = s.kubectlResult(t, volumePodManifest, "apply", "-f", "-")
		if err != nil || strings.TrimSpace(out) != "pod/vol unchanged" || errOut != "" {
			t.Errorf("apply again: err %v, stdout %q, stderr %q; want pod/vol unchanged", err, out, errOut)
		}
		_, errOut, err = s.kubectlResult(t, strings.Replace(volumePodManifest, "\n        port: 80\n", "\n        port: 70000\n", 1), "apply", "-f", "-")
		if err == nil || !strings.Contains(errOut, "spec.containers[0].readinessProbe.httpGet.port") {
			t.Errorf("apply with a bad probe port: err %v, stderr %q; want an error naming the field", err, errOut)
		}
	})

	t.Run("replicasets and scale", func(t *testing.T) {
		s.kubectlStdin(t, replicaSetManifest, "apply", "-f", "-")
		wantRow(t, s.kubectl(t, "get", "rs"), "frontend", "2", "0", "0")
		if out := s.kubectl(t, "scale", "rs", "frontend", "--replicas=5"); strings.TrimSpace(out) != "replicaset.apps/frontend scaled" {
			t.Errorf("scale: got %q", out)
		}
		out := s.kubectl(t, "get", "rs", "-o", "wide")
		wantRow(t, out, "NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR")
		wantRow(t, out, "frontend", "5", "0", "0", "*", "php", "php:8", "app=fe")
	})

	t.Run("deployments", func(t *testing.T) {
		if out := s.kubectl(t, "create", "deployment", "web", "--image=nginx:1.27", "--replicas=2"); strings.TrimSpace(out) != "deployment.apps/web created" {
			t.Errorf("create deployment: got %q", out)
		}
		out := s.kubectl(t, "get", "deploy")
		wantRow(t, out, "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE")
		wantRow(t, out, "web", "0/2", "0", "0")
		if out := s.kubectl(t, "scale", "deployment", "web", "--replicas=5"); strings.TrimSpace(out) != "deployment.apps/web scaled" {
			t.Errorf("scale: got %q", out)
		}
		out = s.kubectl(t, "get", "deployments", "-o", "wide")
		wantRow(t, out, "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR")
		wantRow(t, out, "web", "0/5", "0", "0", "*", "nginx", "nginx:1.27", "app=web")
		// The defaults Kubernetes fills.
		if out := s.kubectl(t, "get", "deploy", "web", "-o", "jsonpath={.spec.strategy.type} {.spec.strategy.rollingUpdate.maxSurge} {.spec.revisionHistoryLimit} {.spec.progressDeadlineSeconds}"); out != "RollingUpdate 25% 10 600" {
			t.Errorf("defaults: got %q", out)
		}
		if out := s.kubectlStdin(t, deploymentManifest, "apply", "-f", "-"); strings.TrimSpace(out) != "deployment.apps/api created" {
			t.Errorf("apply: got %q", out)
		}
		if out := s.kubectlStdin(t, strings.Replace(deploymentManifest, "replicas: 3", "replicas: 4", 1), "apply", "-f", "-"); strings.TrimSpace(out) != "deployment.apps/api configured" {
			t.Errorf("apply a change: got %q", out)
		}
		wantRow(t, s.kubectl(t, "get", "deploy", "api"), "api", "0/4", "0", "0")
		// A selector that does not match the template's labels is refused by the server.
		_, errOut, err := s.kubectlResult(t, strings.Replace(deploymentManifest, "app: api\n  template", "app: other\n  template", 1), "create", "-f", "-")
		if err == nil || !strings.Contains(errOut, "`selector` does not match template `labels`") {
			t.Errorf("create with a mismatched selector: err %v, stderr %q", err, errOut)
		}
	})

	t.Run("nodes", func(t *testing.T) {
		s.kubectlStdin(t, nodeManifest, "create", "-f", "-")
		out := s.kubectl(t, "get", "nodes")
		wantRow(t, out, "NAME", "STATUS", "ROLES", "AGE", "VERSION")
		wantRow(t, out, "node-1", "Ready", "worker", "*", "v1.32.0")
	})

	t.Run("delete", func(t *testing.T) {
		if out := s.kubectl(t, "delete", "pod", "web"); strings.TrimSpace(out) != `pod "web" deleted` {
			t.Errorf("delete: got %q", out)
		}
		_, errOut, err := s.kubectlResult(t, "", "get", "pod", "web")
		if err == nil || !strings.Contains(errOut, `pods "web" not found`) {
			t.Errorf("get after delete: err %v, stderr %q; want NotFound", err, errOut)
		}
	})

	t.Run("watch saw the changes", func(t *testing.T) {
		// --output-watch-events prefixes each row with the event type.
		want := []*regexp.Regexp{
			regexp.MustCompile(`^ADDED\s+web\s+0/1\s+Pending`),
			regexp.MustCompile(`^MODIFIED\s+web\s+0/1\s+Pending`), // label
			regexp.MustCompile(`^MODIFIED\s+web\s+0/1\s+Pending`), // annotation
			regexp.MustCompile(`^DELETED\s+web\s+0/1\s+Pending`),
		}
		var seen []string
		deadline := time.After(30 * time.Second)
		for len(want) > 0 {
			select {
			case line := <-watchLines:
				seen = append(seen, line)
				if strings.Contains(line, " web ") && want[0].MatchString(line) {
					want = want[1:]
				}
			case <-deadline:
				t.Fatalf("kubectl get pods -w: still waiting for %v; saw:\n%s", want[0], strings.Join(seen, "\n"))
			}
		}
	})
}

const deploymentManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels:
    app: api
spec:
  replicas: 3
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: api
        image: example/api:2.1
        ports:
        - containerPort: 8080
`
