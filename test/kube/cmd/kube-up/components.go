package main

import (
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// limits says how the components limit their own load.
type limits string

const (
	// stock is Kubernetes' defaults: the apiserver's priority and fairness with 400
	// read and 200 mutating requests in flight, the controller-manager's client at 20
	// QPS (burst 30), the scheduler's at 50 (burst 100).
	stock limits = "stock"
	// lifted takes those limits off, as kwokctl's --disable-qps-limits does for the
	// apiserver: no priority and fairness and no cap on requests in flight, and
	// clients at 10,000 QPS (burst 10,000) for the controller-manager and scheduler.
	// kwok's own client is never limited (it uses an always-allow rate limiter).
	lifted limits = "lifted"
)

// liftedQPS is the controller-manager's and the scheduler's client QPS and burst
// when the limits are lifted.
const liftedQPS = 10000

func (l *limits) String() string { return string(*l) }

func (l *limits) Set(s string) error {
	switch limits(s) {
	case stock, lifted:
		*l = limits(s)
		return nil
	}
	return fmt.Errorf("want stock or lifted, not %q", s)
}

// ports are the ports the processes listen on, all on 127.0.0.1.
type ports struct {
	EtcdClient, EtcdPeer, APIServer, ControllerManager, Scheduler int
}

// cluster is what the components' command lines are made of.
type cluster struct {
	Dir    string
	Ports  ports
	PKI    *pki
	Limits limits
	// Files written beside the PKI.
	TokenFile, SchedulerConfig, KwokStages string
	// Kubeconfigs of the users ("admin" and each component), by name, and their
	// tokens.
	Kubeconfig map[string]string
	tokens     map[string]string
}

func (c *cluster) etcdURL() string { return "http://127.0.0.1:" + strconv.Itoa(c.Ports.EtcdClient) }

func (c *cluster) serverURL() string {
	return "https://127.0.0.1:" + strconv.Itoa(c.Ports.APIServer)
}

// etcdArgs run a single-member etcd, its data in dir/etcd.
func (c *cluster) etcdArgs() []string {
	peer := "http://127.0.0.1:" + strconv.Itoa(c.Ports.EtcdPeer)
	return []string{
		"--name=default",
		"--data-dir=" + filepath.Join(c.Dir, "etcd"),
		"--listen-client-urls=" + c.etcdURL(),
		"--advertise-client-urls=" + c.etcdURL(),
		"--listen-peer-urls=" + peer,
		"--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=default=" + peer,
		"--log-level=warn",
	}
}

// apiserverArgs authenticate the tokens of tokens.csv and authorize with RBAC.
func (c *cluster) apiserverArgs() []string {
	args := []string{
		"--etcd-servers=" + c.etcdURL(),
		"--bind-address=127.0.0.1",
		// The endpoint reconciler refuses a loopback address for the kubernetes
		// Service's endpoints; nothing here runs in a pod to need them.
		"--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none",
		"--secure-port=" + strconv.Itoa(c.Ports.APIServer),
		"--cert-dir=" + filepath.Join(c.Dir, "kube-apiserver"),
		"--tls-cert-file=" + c.PKI.ServingCert,
		"--tls-private-key-file=" + c.PKI.ServingKey,
		"--client-ca-file=" + c.PKI.CACert,
		"--token-auth-file=" + c.TokenFile,
		"--authorization-mode=RBAC",
		"--service-account-key-file=" + c.PKI.SAPub,
		"--service-account-signing-key-file=" + c.PKI.SAKey,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-cluster-ip-range=10.0.0.0/24",
	}
	if c.Limits == lifted {
		args = append(args,
			"--enable-priority-and-fairness=false",
			"--max-requests-inflight=0",
			"--max-mutating-requests-inflight=0",
		)
	}
	return args
}

// controllerManagerArgs run every controller that is on by default, without leader
// election.
func (c *cluster) controllerManagerArgs() []string {
	kubeconfig := c.Kubeconfig["kube-controller-manager"]
	args := []string{
		"--kubeconfig=" + kubeconfig,
		"--service-account-private-key-file=" + c.PKI.SAKey,
		"--root-ca-file=" + c.PKI.CACert,
		"--cluster-signing-cert-file=" + c.PKI.CACert,
		"--cluster-signing-key-file=" + c.PKI.CAKey,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--use-service-account-credentials=false",
		"--leader-elect=false",
		"--controllers=*",
	}
	args = append(args, c.serving("kube-controller-manager", c.Ports.ControllerManager, kubeconfig)...)
	if c.Limits == lifted {
		args = append(args, "--kube-api-qps="+strconv.Itoa(liftedQPS), "--kube-api-burst="+strconv.Itoa(liftedQPS))
	}
	return args
}

// schedulerArgs configure the scheduler with its configuration file.
func (c *cluster) schedulerArgs() []string {
	return append([]string{"--config=" + c.SchedulerConfig},
		c.serving("kube-scheduler", c.Ports.Scheduler, c.Kubeconfig["kube-scheduler"])...)
}

// serving is how the controller-manager and the scheduler serve /healthz and
// /metrics: on 127.0.0.1:port with the serving certificate, checking bearer tokens
// and permissions with the apiserver (so the admin's token reads their metrics).
// They skip looking up the front proxy's CA, which this cluster has none of (the
// lookup would fail and be retried, and logged, for ever).
func (c *cluster) serving(name string, port int, kubeconfig string) []string {
	return []string{
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + filepath.Join(c.Dir, name),
		"--tls-cert-file=" + c.PKI.ServingCert,
		"--tls-private-key-file=" + c.PKI.ServingKey,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authentication-skip-lookup=true",
		"--authorization-kubeconfig=" + kubeconfig,
	}
}

// schedulerConfig is the scheduler's KubeSchedulerConfiguration: its kubeconfig, no
// leader election, and its client's limits.
func (c *cluster) schedulerConfig() string {
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
leaderElection:
  leaderElect: false
clientConnection:
  kubeconfig: %s
`, c.Kubeconfig["kube-scheduler"])
	if c.Limits == lifted {
		fmt.Fprintf(&b, "  qps: %d\n  burst: %d\n", liftedQPS, liftedQPS)
	}
	return b.String()
}

// kwokAnnotation marks the nodes that kwok manages.
const kwokAnnotation = "kwok.x-k8s.io/node"

// kwokArgs run kwok with its default stages on the nodes annotated for it.
func (c *cluster) kwokArgs() []string {
	return []string{
		"--kubeconfig=" + c.Kubeconfig["kwok"],
		"--config=" + c.KwokStages,
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=" + kwokAnnotation + "=fake",
		"--node-lease-duration-seconds=40",
		"--cidr=10.244.0.0/16",
		"--node-ip=10.1.0.1",
	}
}

// kubeconfigYAML is a kubeconfig for server, trusting caPEM, as a user with token.
func kubeconfigYAML(server string, caPEM []byte, user, token string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: kube-up
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: %s
  user:
    token: %s
contexts:
- name: kube-up
  context:
    cluster: kube-up
    user: %s
current-context: kube-up
`, server, base64.StdEncoding.EncodeToString(caPEM), user, token, user)
}

// tokenLine is a line of the apiserver's --token-auth-file: every user is in
// system:masters, which RBAC allows everything.
func tokenLine(token, user string) string {
	return fmt.Sprintf("%s,%s,%s,\"system:masters\"\n", token, user, user)
}
